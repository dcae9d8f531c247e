//! What the report for elected officials says about one neighbourhood (or
//! the whole territory): key figures, publics, outcomes, top topics, a few
//! residents' words, follow-up statuses. Read from the read model only.

use super::figures::{self, Coverage, Publics};
use super::filter::Filter;
use rusqlite::{Connection, params_from_iter};

/// Topics shown in a report.
pub const TOP_TOPICS: usize = 5;
/// Verbatims quoted in a report.
pub const VERBATIMS: usize = 3;
/// The longest quote, in characters.
pub const MAX_QUOTE_CHARS: usize = 240;

/// One page of the report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Doors, reached, talked.
    pub totals: Coverage,
    /// Visits.
    pub visits: i64,
    /// Publics reached.
    pub publics: Publics,
    /// (outcome, visits), every pass together.
    pub outcomes: Vec<(String, i64)>,
    /// (topic, conversations), most raised first.
    pub topics: Vec<(String, i64)>,
    /// A few residents' words, newest first, redacted.
    pub verbatims: Vec<String>,
    /// (status, follow-ups).
    pub follow_ups: Vec<(String, i64)>,
}

/// Builds one page for a filter (its neighbourhood, or everywhere).
pub fn build(conn: &Connection, filter: &Filter) -> rusqlite::Result<Report> {
    let totals = figures::totals(conn, filter)?;
    let mut outcomes: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, outcome, n) in figures::outcomes_by_pass(conn, filter)? {
        *outcomes.entry(outcome).or_default() += n;
    }
    let mut topics: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, topic, n) in figures::topics(conn, filter)? {
        *topics.entry(topic).or_default() += n;
    }
    let mut topics: Vec<(String, i64)> = topics.into_iter().collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    topics.truncate(TOP_TOPICS);
    let mut statuses: std::collections::BTreeMap<String, i64> = Default::default();
    for (_, status, n) in figures::follow_ups(conn, filter)? {
        *statuses.entry(status).or_default() += n;
    }
    let visits = filter.visits();
    let mut stmt = conn.prepare(&format!(
        "SELECT verbatim FROM ({}) v WHERE v.outcome = 'talked' AND v.verbatim <> ''
         ORDER BY v.at DESC, v.visit_id LIMIT {VERBATIMS}",
        visits.text
    ))?;
    let verbatims = stmt
        .query_map(params_from_iter(visits.params.iter()), |r| {
            r.get::<_, String>(0)
        })?
        .map(|v| v.map(|text| redact(&text)))
        .collect::<Result<Vec<_>, _>>()?;
    let order = |name: &str, all: &[&str]| all.iter().position(|n| *n == name).unwrap_or(all.len());
    let outcome_names: Vec<&str> = shared::domain::Outcome::ALL
        .iter()
        .map(|o| o.as_str())
        .collect();
    let status_names: Vec<&str> = shared::domain::FollowUpStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    let mut outcomes: Vec<(String, i64)> = outcomes.into_iter().collect();
    outcomes.sort_by_key(|(o, _)| order(o, &outcome_names));
    let mut follow_ups: Vec<(String, i64)> = statuses.into_iter().collect();
    follow_ups.sort_by_key(|(s, _)| order(s, &status_names));
    Ok(Report {
        totals,
        visits: figures::visits(conn, filter)?,
        publics: figures::publics(conn, filter)?,
        outcomes,
        topics,
        verbatims,
        follow_ups,
    })
}

/// A resident's words as a report may quote them: e-mail addresses and
/// phone numbers (8 digits or more, with spaces, dots, dashes, slashes or
/// brackets between) are
/// replaced with "…", and the quote is cut to [`MAX_QUOTE_CHARS`]. The
/// field form asks agents not to write names; this catches what slips.
pub fn redact(text: &str) -> String {
    let out = redact_contacts(text);
    if out.chars().count() > MAX_QUOTE_CHARS {
        let mut cut: String = out.chars().take(MAX_QUOTE_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

/// [`redact`] without the cut: e-mail addresses and phone numbers become
/// "…", whitespace runs one space.
pub fn redact_contacts(text: &str) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            if w.contains('@') {
                "…".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    let joined = words.join(" ");
    // Phone numbers: runs of digits, spaces, dots, dashes, '+' holding 8+
    // digits.
    let mut out = String::with_capacity(joined.len());
    let chars: Vec<char> = joined.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || chars[i] == '+' {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || matches!(chars[j], ' ' | '.' | '-' | '+' | '/' | '(' | ')'))
            {
                digits += usize::from(chars[j].is_ascii_digit());
                j += 1;
            }
            if digits >= 8 {
                out.push('…');
                // Keep the space that ended the run.
                if j > i && chars[j - 1] == ' ' {
                    out.push(' ');
                }
                i = j;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_lose_contacts_and_length_but_keep_their_words() {
        assert_eq!(
            redact("Appelez-moi au 06 12 34 56 78 ou awa@example.fr, merci"),
            "Appelez-moi au … ou … merci"
        );
        assert_eq!(
            redact("L'ascenseur du 12 est en panne depuis 3 semaines"),
            "L'ascenseur du 12 est en panne depuis 3 semaines"
        );
        assert_eq!(redact("Tél. 06/12/34/56/78 le soir"), "Tél. … le soir");
        assert_eq!(redact(&"a".repeat(500)).chars().count(), MAX_QUOTE_CHARS);
    }
}
