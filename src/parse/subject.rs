//! The SUBJECT line: `SUBJECT:` (seed), `Subject:`, `SUBJ:` (90CAPETOWN97), `SUBJECT` without
//! a colon, wrapped onto the next lines and joined with one space; a leading portion marking
//! (`SUBJECT: (U) Secretary Clinton's …`, 09STATE11937) is dropped (the marking itself is
//! kept among the markings by the paragraphs' rules, not here).

use super::body::Body;
use super::continuation::{is_keyword_line, Lines};
use super::markings::{MARKING, PORTION};
use super::text::{caps, collapse_ws, trim};

re!(
    pub SUBJECT,
    r"^(?:SUBJECT|SUBJ|Subject|subject)\b\s*[:.]?\s*(.*)$"
);

/// The SUBJECT line and its continuation lines; the first one in the opening counts.
pub fn line(ctx: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    if b.subject.is_some() {
        return None;
    }
    let c = caps(&SUBJECT, t)?;
    let (mut text, j) = ctx.join(&c[1], i + 1, |l| !is_keyword_line(l));
    // `… AS UK PRIMEREF: A. LONDON 1939 B. LONDON 1704` (08LONDON1991): the REF line glued to
    // the subject.
    if let Some(at) = text.find("REF:").filter(|_| b.references.is_none()) {
        b.references = Some(collapse_ws(&text[at + 4..]));
        text.truncate(at);
    }
    b.subject = subject_text(&text);
    Some(j)
}

/// Subject text: white space collapsed, a leading portion marking such as `(C)` removed.
fn subject_text(text: &str) -> Option<String> {
    let mut s = collapse_ws(text);
    if let Some(p) = PORTION.captures(&s) {
        if MARKING.is_match(trim(&p[1])) {
            s = p[2].to_string();
        }
    }
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    fn body(text: &str) -> super::Body {
        super::super::body::parse(text)
    }

    #[test]
    fn subject_spellings_and_continuations() {
        for (text, want) in [
            // seed: two lines joined by one space
            ("SUBJECT: RUSSIA FM CRITCIZES JAPAN'S ROLE IN G8 REGARDING\nGEORGIA\n\n1. (C) x", "RUSSIA FM CRITCIZES JAPAN'S ROLE IN G8 REGARDING GEORGIA"),
            // 90CAPETOWN97
            ("SUBJ: ANC PRESSES SAG\n\n1. x", "ANC PRESSES SAG"),
            // no colon
            ("SUBJECT CONTINUING TERRORIST VIOLENCE\n\nREF: TEHRAN 4887\n", "CONTINUING TERRORIST VIOLENCE"),
            // 09STATE11937: lower case label, portion marking removed, REF ends it
            ("Subject: (U) Secretary Clinton's February 5, 2009\nexpanded meeting\nREF: STATE 1\n", "Secretary Clinton's February 5, 2009 expanded meeting"),
            // ends at Classified By and at paragraph 1
            ("SUBJECT: (S/NF) A B\nClassified By: X for reasons 1.4 (b)\n", "A B"),
            ("SUBJECT: A\nB\n1. (C) text", "A B"),
        ] {
            assert_eq!(body(text).subject.as_deref(), Some(want), "{text}");
        }
        let b = body("UNCLAS X 000001\n\nTAGS: PREL\n\n1. (U) text");
        assert_eq!(b.subject, None);
        assert!(b.warnings.iter().any(|w| w.field == "subject"));
    }
}
