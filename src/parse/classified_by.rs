//! Classified By: the classifying authority and the reasons. Labels `Classified By:`,
//! `CLASSIFIED BY:`, `Classified by`, `(U) Classified by`, the label written twice
//! (05MADRID395), `Derived from:`; glued to REF or SUBJECT (07SANTIAGO983); inside paragraph 1
//! (`1. (U) Classified by Ambassador … for reasons 1.5 (B) and (D).`, 03ABUDHABI2641); wrapped
//! onto the next line. Reasons after `for reasons`, `Reasons:`, `Reason`, `per`, or a bare
//! section number (`… DOWNES FOR 1.4 (D)`, 06CARACAS219). A word broken at the wrap is
//! joined (`Jo` / `hn Smith`); a line that names no authority (`CLASSIFIED BY SECTION 1.5
//! (B)`, `CLASSIFIED BY LINE ADDED`, a bare label before REF lines) gives way to a later one.

use super::body::Body;
use super::continuation::{is_prose, Lines};
use super::paragraphs::{is_numbered, is_rule, HEADING_BETWEEN_RULES};
use super::references::REF;
use super::subject::SUBJECT;
use super::text::{after_label, collapse_ws, may_hold, may_start, trim};

labelled!(
    pub CLASSIFIED_BY,
    CLASSIFIED_BY_LABEL,
    r"(?is)\bclassified\s+by\b\s*:?\s*"
);
labelled!(
    DERIVED_FROM,
    DERIVED_FROM_LABEL,
    r"(?i)^(?:\(U\)\s*)?derived\s+from\b\s*:?\s*"
);
re!(EO_SUFFIX, r"[;,]?\s*\bE\.?\s?O\.?\s*\d{5}\s*$");
re!(
    REASONS,
    r"(?i)^(.*?)[\s.,;:]*\b(?:for\s+reasons?|reasons?|per)\b\s*:?\s*(.*)$"
);
re!(
    SECTION_NUMBER,
    r"^(.*?)[\s.,;:]*\b(1\s?[.:/]\s?[45]\s*\(?[a-hA-H].*)$"
);

/// The Classified By (or Derived from) line and its continuation; the first one counts.
pub fn line(ctx: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    if b.classified_by.is_some() {
        return None;
    }
    // Few lines pass the word tests. The match runs to the end of the line: only its start
    // matters here.
    let start = may_hold(t, "classified")
        .then(|| after_label(&CLASSIFIED_BY_LABEL, &CLASSIFIED_BY, t))
        .flatten()
        .or_else(|| {
            may_hold(t, "derived")
                .then(|| after_label(&DERIVED_FROM_LABEL, &DERIVED_FROM, t))
                .flatten()
        })?
        .0;
    // `------- SUMMARY -------` right under the line is not part of it (10LAGOS75), nor is a
    // REF or SUBJECT line.
    let (text, j) = ctx.join_lines(&t[start..], i + 1, |l| {
        !is_numbered(l)
            && !is_rule(l)
            && !HEADING_BETWEEN_RULES.is_match(l)
            && !is_prose(l)
            && !REF.is_match(trim(l))
            && !SUBJECT.is_match(trim(l))
    });
    let joined = unwrap_words(&text);
    authority(&joined, b);
    // The reasons stay as written when joining the broken word changed only white space in
    // them (`1.4(b) an` / `d (d)` is stored `1.4(b) an d (d)`, as the labelled sample has it
    // for 10ASHGABAT118); the name is joined (`Michae` / `l Corbin`, 09BAGHDAD383).
    let plain = collapse_ws(&text);
    let mut written = Body::default();
    if plain != joined {
        authority(&plain, &mut written);
    }
    let same_but_spaces = |a: &str, w: &str| a.replace(' ', "") == w.replace(' ', "");
    if let (Some(a), Some(w)) = (&b.classification_reasons, &written.classification_reasons) {
        if same_but_spaces(a, w) {
            b.classification_reasons = written.classification_reasons;
        }
    }
    // `CLASSIFIED BY SECTION 1.5 (B)`, a corrected copy's `CLASSIFIED BY LINE ADDED`, a label
    // with nothing after it: no authority, so a later `Classified by` line may give one.
    let not_authority = b.classified_by.as_deref().is_none_or(|by| {
        let by = by.to_ascii_uppercase();
        by.starts_with("SECTION") || by.starts_with("LINE ADDED") || by.starts_with("LINE ")
    });
    if not_authority {
        b.classified_by = None;
        b.classification_reasons = None;
        return None;
    }
    Some(j)
}

/// Lines joined with one space, except a word broken at the wrap: `Ambassador Jo` / `hn
/// Smith`, `reasons 1.5 (B) a` / `nd (D)` (04MADRID3914), `FOR REAS` / `ONS 1.4 B/D`
/// (06PARIS2069). A continuation that opens with a lower-case fragment without a vowel, or
/// that completes `REASONS`, is glued to the word before.
fn unwrap_words(text: &str) -> String {
    if !text.contains('\n') {
        return collapse_ws(text);
    }
    let mut out = String::with_capacity(text.len());
    for (k, line) in text.split('\n').enumerate() {
        let line = line.trim();
        let first = line.split_whitespace().next().unwrap_or("");
        let last = out.rsplit(char::is_whitespace).next().unwrap_or("");
        // One letter after a word part (`Michae` / `l`, 09BAGHDAD383; `an` / `d`), but not
        // after a whole word: `1.4 b and` / `d` (10KUWAIT88) is a reason letter.
        let whole_word = ["and", "or", "a"].contains(&last.to_ascii_lowercase().as_str());
        let fragment = (first.len() >= 2 || (last.len() >= 2 && !whole_word))
            && first.chars().next().is_some_and(|c| c.is_lowercase())
            && first
                .chars()
                .all(|c| c.is_alphabetic() && !"aeiouy".contains(c));
        let reason = !last.is_empty()
            && (6..=7).contains(&(last.len() + first.len()))
            && ["REASONS", "REASON"]
                .contains(&format!("{last}{first}").to_ascii_uppercase().as_str());
        let glue = k > 0 && out.ends_with(char::is_alphabetic) && (fragment || reason);
        if k > 0 && !glue {
            out.push(' ');
        }
        out.push_str(line);
    }
    collapse_ws(&out)
}

/// `1. (U) Classified by Ambassador … for reasons 1.5 (B) and (D).` (03ABUDHABI2641): a
/// cable without the line in its opening may carry it in one of its first paragraphs.
pub fn in_paragraphs(b: &mut Body) {
    if let Some(p) = b
        .paragraphs
        .iter()
        .take(4)
        .find(|p| CLASSIFIED_BY.is_match(&p.text))
    {
        let t = collapse_ws(&p.text);
        authority(&t, b);
    }
}

/// `Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)` → person and reasons.
pub fn authority(text: &str, b: &mut Body) {
    // Both matches run to the end of the text.
    let (derived, rest) = match after_label(&CLASSIFIED_BY_LABEL, &CLASSIFIED_BY, text) {
        Some((_, rest)) => (false, rest.trim().to_string()),
        None => match after_label(&DERIVED_FROM_LABEL, &DERIVED_FROM, text) {
            Some((start, _)) => (true, text[start..].trim().to_string()),
            None => return,
        },
    };
    // `Classified By: Classified by Political Officer …` (05MADRID395): the label twice.
    let rest = may_start(&rest, "classified")
        .then(|| after_label(&CLASSIFIED_BY_LABEL, &CLASSIFIED_BY, &rest))
        .flatten()
        .filter(|(start, _)| *start == 0)
        .map_or(rest.clone(), |(_, after)| after.to_string());
    let rest = rest.as_str();
    if derived {
        // `Derived from: Multiple Sources`: the authority is the derivation itself.
        b.classified_by = Some(rest.trim_end_matches('.').to_string());
        return;
    }
    if let Some((by, reasons)) = split_reasons(rest) {
        b.classified_by = clean(by);
        b.classification_reasons = clean(reasons);
    } else {
        b.classified_by = clean(rest);
    }
}

// Where `REASONS` and `SECTION_NUMBER` split, found without captures (see `split_reasons`).
re!(REASONS_WORD, r"(?i)\b(?:for\s+reasons?|reasons?|per)\b");
re!(SECTION_START, r"\b1\s?[.:/]\s?[45]\s*\(?[a-hA-H]");

/// The authority and the reasons, as `REASONS` (else `SECTION_NUMBER`) captures them: the text
/// before the first reason keyword (or section number) without the white space and `.,;:`
/// before it, and what follows. On one line, a `find` of the keyword gives the same split as
/// the lazy `^(.*?)` capture at a tenth of the cost; text with a line break (`.` stops at it)
/// is left to the regexes.
fn split_reasons(rest: &str) -> Option<(&str, &str)> {
    if rest.contains('\n') {
        let c = REASONS
            .captures(rest)
            .or_else(|| SECTION_NUMBER.captures(rest))?;
        return Some((c.get(1)?.as_str(), c.get(2)?.as_str()));
    }
    let before = |at: usize| {
        rest[..at]
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':'))
    };
    if let Some(m) = REASONS_WORD.find(rest) {
        let after = rest[m.end()..].trim_start();
        let after = after.strip_prefix(':').unwrap_or(after).trim_start();
        return Some((before(m.start()), after));
    }
    SECTION_START
        .find(rest)
        .map(|m| (before(m.start()), &rest[m.start()..]))
}

/// Punctuation, a trailing order number and a dangling `FOR` off the ends.
fn clean(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches(['.', ',', ';', ':']).trim();
    // `CDA Robert Deutsch; E.O. 12958, reasons …` (05ANKARA1730): the order cited inline.
    let s = EO_SUFFIX.find(s).map_or(s, |m| &s[..m.start()]);
    // `… DOWNES FOR 1.4 (D)` (06CARACAS219): the reason keyword left out.
    let s = s
        .strip_suffix(" FOR")
        .or_else(|| s.strip_suffix(" for"))
        .unwrap_or(s)
        .trim_end_matches(['.', ',', ';', ':'])
        .trim();
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {

    /// The labels found alone give what the full patterns capture.
    #[test]
    fn labels_as_the_captures() {
        use crate::parse::text::assert_after_label_as_captures as check;
        let texts = [
            "Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)",
            "CLASSIFIED BY: Classified by Political Officer Jo Smith",
            "(U) Classified by DCM Jane Doe for reasons 1.4(b) and (d).",
            "classified by",
            "classified byline",
            "declassified by the court",
            "REF: A. STATE 1 Classified By: POLOFF x",
            "Classified  \u{a0}by\u{2003}:\u{a0} name",
            "Classified By:\nAmbassador\nReasons 1.4",
            "text\nClassified By: x\ny",
            "Derived from: Multiple Sources",
            "(U) Derived From DSCG 05-1",
            "(U)derived from:x",
            "Note: derived from: x",
            "derived fromage",
            "Classified By: Derived from: x",
            "",
            "\u{17f}classified by: x",
        ];
        check(&CLASSIFIED_BY_LABEL, &CLASSIFIED_BY, &texts);
        check(&DERIVED_FROM_LABEL, &DERIVED_FROM, &texts);
    }
    use super::*;

    #[test]
    fn split_reasons_as_the_regexes_capture() {
        for rest in [
            "Ambassador Robert S. Beecroft for reasons 1.4 (b) and (d)",
            "Ambassador X, Reasons: 1.4 (B) (D).",
            "CDA Robert Deutsch; E.O. 12958, reasons 1.4 (b,d)",
            "Pol Couns John Smith . , ; for  REASON 1.5(d)",
            "DCM PER 1.4 B AND D",
            "Political Officer Perry Paper, 1.4 (b) and (d)",
            "POLOFF JOHN DOE 1.5 (C)",
            "CDA A. B. Reasonable reasons1.4 (b) per section",
            "nobody at all",
            "Deputy Chief of Mission\u{a0}. for reasons 1.4(b)",
            "",
        ] {
            let want = REASONS
                .captures(rest)
                .or_else(|| SECTION_NUMBER.captures(rest))
                .map(|c| (c[1].to_string(), c[2].to_string()));
            let got = split_reasons(rest).map(|(a, b)| (a.to_string(), b.to_string()));
            assert_eq!(got, want, "{rest:?}");
        }
    }

    fn body(text: &str) -> Body {
        super::super::body::parse(text)
    }

    #[test]
    fn classified_by_lines() {
        let mut b = Body::default();
        authority(
            "Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)",
            &mut b,
        );
        assert_eq!(
            b.classified_by.as_deref(),
            Some("Ambassador J. Thomas Schieffer")
        );
        assert_eq!(b.classification_reasons.as_deref(), Some("1.4 (B) (D)"));
        let mut b = Body::default();
        authority(
            "CLASSIFIED BY: DCM Robert Smith for reasons 1.4 b and d.",
            &mut b,
        );
        assert_eq!(b.classified_by.as_deref(), Some("DCM Robert Smith"));
        assert_eq!(b.classification_reasons.as_deref(), Some("1.4 b and d"));
    }

    #[test]
    fn classification_authority_spellings() {
        for (line, by, reasons) in [
            ("Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)", "Ambassador J. Thomas Schieffer", Some("1.4 (B) (D)")),
            ("CLASSIFIED BY: A/DCM ABELARDO A. ARIAS FOR REASONS 1.4 (D)", "A/DCM ABELARDO A. ARIAS", Some("1.4 (D)")),
            ("(U) Classified by CDA Robert Deutsch; E.O. 12958, reasons 1.4 (b) and (d).", "CDA Robert Deutsch", Some("1.4 (b) and (d)")),
            ("Classified By: POL M/C James L. Wayman. Reasons 1.4(b/d)", "POL M/C James L. Wayman", Some("1.4(b/d)")),
            ("Classified By: COM Carmen Martinez for Reasons 1.5 (B,D)", "COM Carmen Martinez", Some("1.5 (B,D)")),
            ("Classified By: POLITICAL COUNSELOR ROBERT R. DOWNES FOR 1.4 (D)", "POLITICAL COUNSELOR ROBERT R. DOWNES", Some("1.4 (D)")),
            ("Classified By: Classified by Political Officer Ricardo Zuniga; reasons 1.4 (B) and (D)", "Political Officer Ricardo Zuniga", Some("1.4 (B) and (D)")),
            ("Classified By: Derived from Multiple Sources", "Derived from Multiple Sources", None),
            ("Derived from: DSCG 05-1", "Derived from: DSCG 05-1", None),
        ] {
            let b = body(line);
            assert_eq!(b.classified_by.as_deref(), Some(by), "{line}");
            assert_eq!(b.classification_reasons.as_deref(), reasons, "{line}");
        }
    }
}
