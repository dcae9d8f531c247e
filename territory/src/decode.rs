//! Bytes to text: municipal files come from Excel and old GIS tools, so
//! Windows-1252 is as common as UTF-8, often with a byte-order mark.
//! Anything else (a spreadsheet, a PDF, UTF-16 without a mark) is refused
//! with a reason rather than read as garbage.

use super::FileError;
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

/// The encoding a file was read in, shown in the preview so a coordinator
/// can spot a file that was not what they thought.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// Windows-1252 (what Excel on Windows writes as "CSV").
    Windows1252,
    /// UTF-16 with a byte-order mark ("Unicode text" from Excel).
    Utf16,
}

/// Reads `bytes` as text.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), FileError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty);
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(FileError::Spreadsheet);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|text| (text.to_string(), TextEncoding::Utf8))
            .map_err(|e| FileError::Encoding {
                byte: e.valid_up_to() + 3,
            });
    }
    for (mark, encoding) in [(b"\xFF\xFE", UTF_16LE), (b"\xFE\xFF", UTF_16BE)] {
        if bytes.starts_with(mark) {
            let (text, _, had_errors) = encoding.decode(bytes);
            if had_errors {
                return Err(FileError::Encoding { byte: 0 });
            }
            return Ok((text.into_owned(), TextEncoding::Utf16));
        }
    }
    if let Some(byte) = bytes.iter().position(|&b| b == 0) {
        return Err(FileError::Encoding { byte });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), TextEncoding::Utf8));
    }
    // Windows-1252 maps almost every byte; the five it leaves undefined,
    // and other control characters, mean the file is in some other
    // encoding (or is not text at all).
    let (text, _, _) = WINDOWS_1252.decode(bytes);
    if let Some(offset) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        .map(|(i, _)| i)
    {
        return Err(FileError::Encoding { byte: offset });
    }
    Ok((text.into_owned(), TextEncoding::Windows1252))
}

/// Parses a number the way French spreadsheets write it: a decimal comma,
/// spaces (or non-breaking spaces) between thousands.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let normalised = if cleaned.contains(',') && cleaned.contains('.') {
        // "1.234,56": dots group thousands.
        cleaned.replace('.', "").replace(',', ".")
    } else {
        cleaned.replace(',', ".")
    };
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses a whole count (floors, dwellings), accepting "12", "12,0", " 12 ".
pub fn parse_count(text: &str) -> Option<u32> {
    let value = parse_decimal(text)?;
    (value >= 0.0 && value.fract() == 0.0 && value <= f64::from(u32::MAX)).then_some(value as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_windows_1252_read_the_same() {
        let expected = "adresse\n3 allée Émile-Zola\n";
        let (plain, e1) = decode(expected.as_bytes()).expect("utf8");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(expected.as_bytes());
        let (with_bom, e2) = decode(&bom).expect("bom");
        let (cp1252, e3) = decode(b"adresse\n3 all\xE9e \xC9mile-Zola\n").expect("1252");
        assert_eq!((plain.as_str(), e1), (expected, TextEncoding::Utf8));
        assert_eq!((with_bom.as_str(), e2), (expected, TextEncoding::Utf8));
        assert_eq!((cp1252.as_str(), e3), (expected, TextEncoding::Windows1252));
    }

    #[test]
    fn utf16_without_a_mark_a_spreadsheet_and_nothing_are_refused() {
        let utf16: Vec<u8> = "cle;adresse"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(matches!(decode(&utf16), Err(FileError::Encoding { .. })));
        assert!(matches!(
            decode(b"\xD0\xCF\x11\xE0rest of an old Excel file"),
            Err(FileError::Spreadsheet)
        ));
        assert!(matches!(decode(b"  \n"), Err(FileError::Empty)));
        assert!(matches!(
            decode(b"abc\x81def"),
            Err(FileError::Encoding { byte: 3 })
        ));
    }

    #[test]
    fn french_numbers_read_as_written() {
        assert_eq!(parse_decimal("2,3522"), Some(2.3522));
        assert_eq!(parse_decimal("652 123,5"), Some(652_123.5));
        assert_eq!(parse_decimal("6\u{a0}857\u{202f}001"), Some(6_857_001.0));
        assert_eq!(parse_decimal("1.234,5"), Some(1234.5));
        assert_eq!(parse_decimal("48.79"), Some(48.79));
        assert_eq!(parse_decimal("NaN"), None);
        assert_eq!(parse_decimal("douze"), None);
        assert_eq!(parse_count("12,0"), Some(12));
        assert_eq!(parse_count("2,5"), None);
        assert_eq!(parse_count("-1"), None);
    }
}
