//! The residents' words a coordinator chooses to quote in the report to
//! elected officials. A verbatim is about a household and may name
//! someone, so a report quotes nothing unless chosen here; the choice keeps
//! only the visit's id, so words erased or corrected away leave the report
//! with them.

use shared::domain::{Campaign, VisitId};

/// Quotes a campaign's report may hold in all (its neighbourhoods' pages
/// together): a report is a few pages read by elected officials.
pub const MAX_REPORT_QUOTES: usize = 60;

/// Why a choice was refused; nothing is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuoteRefused {
    /// The campaign already quotes [`MAX_REPORT_QUOTES`].
    #[error("a report quotes at most {MAX_REPORT_QUOTES} residents' words")]
    TooMany,
}

/// The campaign with `visit`'s words chosen (`chosen`) or taken back;
/// `None` when it already is so.
pub fn choose(
    campaign: &Campaign,
    visit: VisitId,
    chosen: bool,
) -> Result<Option<Campaign>, QuoteRefused> {
    let id = visit.to_string();
    let holds = campaign.report_quotes.contains(&id);
    if holds == chosen {
        return Ok(None);
    }
    let mut changed = campaign.clone();
    if chosen {
        if campaign.report_quotes.len() >= MAX_REPORT_QUOTES {
            return Err(QuoteRefused::TooMany);
        }
        changed.report_quotes.push(id);
    } else {
        changed.report_quotes.retain(|q| *q != id);
    }
    Ok(Some(changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::CampaignKind;

    fn campaign() -> Campaign {
        Campaign::new("Lozaits".into(), CampaignKind::DoorToDoor, 0, 1)
    }

    #[test]
    fn a_quote_is_chosen_once_and_taken_back() {
        let visit = VisitId::new();
        let chosen = choose(&campaign(), visit, true)
            .expect("allowed")
            .expect("changed");
        assert_eq!(chosen.report_quotes, vec![visit.to_string()]);
        assert_eq!(choose(&chosen, visit, true), Ok(None));
        let back = choose(&chosen, visit, false)
            .expect("allowed")
            .expect("changed");
        assert!(back.report_quotes.is_empty());
        assert_eq!(choose(&back, visit, false), Ok(None));
    }

    #[test]
    fn a_report_holds_a_bounded_number_of_quotes() {
        let mut c = campaign();
        c.report_quotes = (0..MAX_REPORT_QUOTES)
            .map(|_| VisitId::new().to_string())
            .collect();
        assert_eq!(choose(&c, VisitId::new(), true), Err(QuoteRefused::TooMany));
        // Taking one back is always possible.
        let first: VisitId = c.report_quotes[0].parse().expect("id");
        assert!(choose(&c, first, false).expect("allowed").is_some());
    }
}
