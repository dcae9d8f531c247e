//! The one redaction every text leaving the server goes through: the
//! report's quotes, the office's idea files, the Decidim file, whatever a
//! resident or an agent typed that ends up outside the office.
//!
//! Agents and ambassadors are asked never to write names or contacts, and
//! some slip through: an e-mail address or a phone number typed in a
//! verbatim, a category, a place's name. What reads as one becomes "…".
//! Names cannot be told from other words, which is why reports also cut
//! quotes short and the open data carries no text at all.

/// The longest quote a report prints.
pub const MAX_QUOTE_CHARS: usize = 240;

/// Characters a phone number may be written with between its digits:
/// spaces, dots, dashes, slashes, brackets, underscores, middle dots,
/// bullets and the dashes a word processor makes.
fn joins_digits(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '+' | '/' | '(' | ')' | '_' | '·' | '•' | '–' | '—'
    )
}

/// E-mail addresses and phone numbers (8 digits or more, with
/// [`joins_digits`] characters between) become "…", whitespace runs one
/// space (Unicode spaces included, so a non-breaking space hides nothing).
pub fn contacts(text: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| if w.contains('@') { "…" } else { w })
        .collect();
    let chars: Vec<char> = words.join(" ").chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || chars[i] == '+' {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len() && (chars[j].is_ascii_digit() || joins_digits(chars[j])) {
                digits += usize::from(chars[j].is_ascii_digit());
                j += 1;
            }
            if digits >= 8 {
                out.push('…');
                // Keep the space that ended the run.
                if chars[j - 1] == ' ' {
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

/// [`contacts`] line by line, line breaks kept (a description's paragraphs).
pub fn lines(text: &str) -> String {
    text.lines().map(contacts).collect::<Vec<_>>().join("\n")
}

/// A resident's words as a report may quote them: [`contacts`], then cut
/// to [`MAX_QUOTE_CHARS`].
pub fn quote(text: &str) -> String {
    let out = contacts(text);
    if out.chars().count() > MAX_QUOTE_CHARS {
        let mut cut: String = out.chars().take(MAX_QUOTE_CHARS - 1).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_lose_contacts_and_length_but_keep_their_words() {
        assert_eq!(
            quote("Appelez-moi au 06 12 34 56 78 ou awa@example.fr, merci"),
            "Appelez-moi au … ou … merci"
        );
        assert_eq!(
            quote("L'ascenseur du 12 est en panne depuis 3 semaines"),
            "L'ascenseur du 12 est en panne depuis 3 semaines"
        );
        assert_eq!(quote("Tél. 06/12/34/56/78 le soir"), "Tél. … le soir");
        assert_eq!(quote(&"a".repeat(500)).chars().count(), MAX_QUOTE_CHARS);
    }

    #[test]
    fn phone_numbers_are_caught_whatever_separates_their_digits() {
        for written in [
            "06_12_34_56_78",
            "06·12·34·56·78",
            "06•12•34•56•78",
            "06\u{a0}12\u{a0}34\u{a0}56\u{a0}78",
            "06\u{202f}12\u{202f}34\u{202f}56\u{202f}78",
            "+33 6 12 34 56 78",
            "0612345678",
            "06–12–34–56–78",
        ] {
            assert_eq!(
                contacts(&format!("appeler {written} svp")),
                "appeler … svp",
                "{written}"
            );
        }
        // Short numbers stay: a building, a floor, a year.
        assert_eq!(
            contacts("bât. 12, 3e étage, depuis 2024"),
            "bât. 12, 3e étage, depuis 2024"
        );
    }
}
