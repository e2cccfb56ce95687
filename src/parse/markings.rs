//! Portion markings: the classification of a paragraph or subject in parentheses, `(C)`,
//! `(U)`, `(SBU)`, `(S/NF)`, `(S//NF)`, `(C/NOFORN)`, `(S-NF)` (08NAIROBI2290), `(SNF)`,
//! `(C NF)`, `(N/SF)`, `(S//FGI//NF)`, `(U//FOUO)`, release markings (`(S/REL NATO)`), in
//! lower case too, and `C) …` with the opening parenthesis lost (10ROME1). Not every
//! parenthesis is one: `(U.S.)`, `(Iran)` (09BERLIN1626).

use super::text::trim;

re!(pub PORTION, r"^\(([^()]{1,24})\)[ \t\u{a0}]*(.*)$");
re!(
    pub MARKING,
    r"(?i)^(?:TS|SBU|S|C|U|N)(?:NF|[ ]?(?:/{1,2}|-|[ ])[ ]?[A-Z][A-Z0-9 /.-]*)?$"
);

/// A portion marking opening `text`: `(C) …`, `(S//NF) …`, or `C) …` with the opening
/// parenthesis lost (10ROME1). Returns the marking and the text after it.
pub fn portion_marking(text: &str) -> Option<(&str, &str)> {
    let (inner, after) = match text.strip_prefix('(') {
        Some(t) => {
            let close = t
                .char_indices()
                .take(26)
                .find(|(_, c)| *c == ')')
                .map(|(i, _)| i)?;
            (&t[..close], &t[close + 1..])
        }
        None => {
            let close = text.bytes().take(7).position(|b| b == b')')?;
            let inner = &text[..close];
            if !inner.bytes().all(|b| b.is_ascii_alphabetic() || b == b'/') {
                return None;
            }
            let after = &text[close + 1..];
            if !after.starts_with([' ', '\t', '\u{a0}']) {
                return None;
            }
            (inner, after)
        }
    };
    let marking = trim(inner);
    if inner.contains('(') || !MARKING.is_match(marking) {
        return None;
    }
    Some((marking, after.trim_start_matches([' ', '\t', '\u{a0}'])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markings() {
        for m in [
            "C",
            "S",
            "SBU",
            "U",
            "S/NF",
            "S//NF",
            "C/NOFORN",
            "S-NF",
            "SNF",
            "C NF",
            "N/SF",
            "S//FGI//NF",
            "S/REL NATO",
            "U//FOUO",
        ] {
            assert!(MARKING.is_match(m), "{m}");
        }
        for m in ["Iran", "China", "U.S.", "B"] {
            assert!(!MARKING.is_match(m), "{m}");
        }
    }
}
