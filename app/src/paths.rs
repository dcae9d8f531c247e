//! Door and entrance labels as route segments. Labels are the
//! municipality's (`A/2`, `12%`…), and the Dioxus router leaves `/` and
//! `%` as they are when it writes a route, then decodes `%XX` when it reads
//! one: a label with either would come back as another door. Those two are
//! escaped here; the router decodes them back.

/// `label`, with `%` and `/` escaped for a route segment.
pub fn route_label(label: &str) -> String {
    label.replace('%', "%25").replace('/', "%2F")
}

#[cfg(test)]
mod tests {
    use super::route_label;

    /// What the router does when it reads a segment.
    fn decoded(segment: &str) -> String {
        let mut out = Vec::new();
        let bytes = segment.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%'
                && let Some(hex) = segment.get(i + 1..i + 3)
                && let Ok(byte) = u8::from_str_radix(hex, 16)
            {
                out.push(byte);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn a_label_comes_back_as_itself() {
        for label in ["101", "A/2", "12%", "%2F", "Bât. B", "٣"] {
            let segment = route_label(label);
            assert!(!segment.contains('/'), "{segment}");
            assert_eq!(decoded(&segment), label);
        }
    }
}
