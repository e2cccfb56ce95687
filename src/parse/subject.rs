//! The SUBJECT line: `SUBJECT:` (seed), `Subject:`, `SUBJ:` (90CAPETOWN97), `SUBJECT` without
//! a colon, wrapped onto the next lines and joined with one space; a leading portion marking
//! (`SUBJECT: (U) Secretary Clinton's …`, 09STATE11937) is dropped (the marking itself is
//! kept among the markings by the paragraphs' rules, not here). It ends at a blank line, the
//! next element's label, paragraph 1 or a rule of dashes, and inside a line at a glued
//! `REF:` (`… PRIMEREF: …`, 08LONDON1991), `Refs:`, `Ref(s):` or `Classified By:`. In a
//! flattened opening (`E.O. 12958: DECL: … Tags: a, b Subject: text`) it starts after the
//! inline label. Backslashes that end HTML lines are dropped.

use super::body::Body;
use super::classified_by;
use super::continuation::{
    is_keyword_line, Lines, INLINE_CLASSIFIED_BY, INLINE_REF, INLINE_SUBJECT,
};
use super::declassification::EO;
use super::markings::{MARKING, PORTION};
use super::paragraphs::{is_rule, HEADING_BETWEEN_RULES};
use super::tags::TAGS;
use super::text::{after_label, collapse_ws, may_hold, trim};

labelled!(
    pub SUBJECT,
    SUBJECT_LABEL,
    r"^(?:SUBJECT|SUBJ|Subject|subject)\b\s*[:.]?\s*"
);

/// The SUBJECT line and its continuation lines; the first one in the opening counts.
pub fn line(ctx: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    if b.subject.is_some() {
        return None;
    }
    if !may_hold(t, "subj") {
        return None;
    }
    let first = match after_label(&SUBJECT_LABEL, &SUBJECT, t) {
        Some((_, rest)) => rest,
        None => flattened(t)?,
    };
    // A rule of dashes under the subject opens a section (`-----` / `Summary` / `-----`).
    let (mut text, j) = ctx.join(first, i + 1, |l| {
        !is_keyword_line(l) && !is_rule(l) && !HEADING_BETWEEN_RULES.is_match(l)
    });
    // `… AS UK PRIMEREF: A. LONDON 1939 B. LONDON 1704` (08LONDON1991): the REF line glued to
    // the subject; `Subject: text Ref: Lima 1 Classified By: …` on a flattened line.
    // Either can come first (09BRASILIA1383: `SUBJECT: … Classified By: … REFTELS: A) …`).
    let by = INLINE_CLASSIFIED_BY.find(&text).map(|m| m.start());
    let rf = INLINE_REF.find(&text).map(|m| (m.start(), m.end()));
    if let Some(at) = by.filter(|_| b.classified_by.is_none()) {
        let end = rf.filter(|r| r.0 > at).map_or(text.len(), |r| r.0);
        classified_by::authority(&collapse_ws(&text[at..end]), b);
    }
    if let Some((_, at)) = rf.filter(|_| b.references.is_none()) {
        let end = by.filter(|&c| c > at).unwrap_or(text.len());
        b.references = Some(collapse_ws(&text[at..end]));
    }
    if let Some(cut) = by.into_iter().chain(rf.map(|r| r.0)).min() {
        text.truncate(cut);
    }
    b.subject = subject_text(&text);
    Some(j)
}

/// `E.O. 12958: DECL: … Tags: a, b Subject: text` on one line: the subject after its label,
/// when a TAGS or E.O. label comes before it.
fn flattened(t: &str) -> Option<&str> {
    let m = INLINE_SUBJECT.find(t).filter(|m| m.start() > 0)?;
    let before = &t[..m.start()];
    (TAGS.is_match(before) || EO.is_match(before)).then(|| &t[m.end()..])
}

/// Subject text: white space collapsed, a leading portion marking such as `(C)` removed.
fn subject_text(text: &str) -> Option<String> {
    // HTML pages whose lines end in a backslash before the line break.
    let mut s = collapse_ws(&text.replace("\\ ", " "));
    s.truncate(s.trim_end_matches('\\').trim_end().len());
    if let Some(p) = PORTION.captures(&s) {
        if MARKING.is_match(trim(&p[1])) {
            s = p[2].to_string();
        }
    }
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    /// The label found alone gives what the full pattern captures.
    #[test]
    fn label_as_the_captures() {
        crate::parse::text::assert_after_label_as_captures(
            &super::SUBJECT_LABEL,
            &super::SUBJECT,
            &[
                "SUBJECT: RUSSIA FM CRITCIZES JAPAN'S ROLE",
                "SUBJ: x",
                "Subject. x",
                "subject:",
                "SUBJECT",
                "SUBJECTIVE VIEWS",
                "SUBJECT  :  (U) text",
                "SUBJECT:\u{a0}\u{a0}text\u{a0}",
                " SUBJECT: leading space",
                "Tags: x Subject: y",
                "SUBJECT: a\nb",
                "x\nSUBJECT: b",
                "SUBJ.: x",
                "",
            ],
        );
    }

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
