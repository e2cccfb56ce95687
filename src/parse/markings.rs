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
    if inner.contains('(') || !is_marking(marking) {
        return None;
    }
    Some((marking, after.trim_start_matches([' ', '\t', '\u{a0}'])))
}

/// [`MARKING`]: a level, then nothing, `NF`, or a separator (`/`, `//`, `-` or a space, with a
/// space before or after it) and words. By hand on ASCII (every numbered paragraph asks, and
/// the regex's setup cost more than the test); other text goes to the regex, whose `(?i)`
/// folds Unicode case (`ſ` is an `s`).
pub fn is_marking(m: &str) -> bool {
    if !m.is_ascii() {
        return MARKING.is_match(m);
    }
    /// `[A-Z][A-Z0-9 /.-]*`, any letter case.
    fn words(t: &[u8]) -> bool {
        t.first().is_some_and(u8::is_ascii_alphabetic)
            && t[1..]
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'/' | b'.' | b'-'))
    }
    /// `[ ]?` before `then`: with the space or without it.
    fn space_then(t: &[u8], then: impl Fn(&[u8]) -> bool) -> bool {
        then(t) || t.strip_prefix(b" ").is_some_and(then)
    }
    let after_level = |r: &[u8]| {
        r.is_empty()
            || r.eq_ignore_ascii_case(b"NF")
            || space_then(r, |r| {
                [&b"//"[..], b"/", b"-", b" "]
                    .iter()
                    .any(|sep| r.strip_prefix(*sep).is_some_and(|r| space_then(r, words)))
            })
    };
    let m = m.as_bytes();
    [&b"TS"[..], b"SBU", b"S", b"C", b"U", b"N"]
        .iter()
        .any(|level| {
            m.get(..level.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(level))
                && after_level(&m[level.len()..])
        })
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
            assert!(is_marking(m), "{m}");
        }
        for m in ["Iran", "China", "U.S.", "B"] {
            assert!(!MARKING.is_match(m), "{m}");
            assert!(!is_marking(m), "{m}");
        }
    }

    /// The hand-written test says what the `MARKING` regex says: on every text of up to four
    /// characters over an alphabet of levels, separators and others, and on longer ones.
    #[test]
    fn is_marking_as_the_regex() {
        let alphabet: Vec<char> = "SsNnFTtBbCUu /-.1x(\u{17f}".chars().collect();
        let mut texts = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(last.iter().cloned());
        }
        texts.extend(
            [
                "S//FGI//NF",
                "S / REL NATO",
                "C  NF",
                "S// NF",
                "S /-NF",
                "TS/SI/TK/NF",
                "SBU NOFORN",
                "u//fouo",
                "S/NF.",
                "S/ 1",
                "S/NF (x)",
                "U.S.",
            ]
            .map(String::from),
        );
        for t in &texts {
            assert_eq!(is_marking(t), MARKING.is_match(t), "{t:?}");
        }
    }
}
