//! Continuation lines: an opening element (TAGS, SUBJECT, REF, Classified By) wraps onto the
//! lines after its label (`SUBJECT: RUSSIA FM CRITCIZES JAPAN'S ROLE IN G8 REGARDING` /
//! `GEORGIA`, seed) until a blank line, the next element's label, paragraph 1 or prose. One
//! helper joins them for every element; each element says what else ends it.

use super::text::{has_label, is_blank, trim};
use super::{classified_by, declassification, markings, paragraphs, references, subject};

/// The lines of the opening an element may continue into: `lines[..limit]`.
#[derive(Clone, Copy)]
pub struct Lines<'a> {
    pub lines: &'a [&'a str],
    pub limit: usize,
}

impl<'a> Lines<'a> {
    /// `first` followed by the lines from `from` on, each trimmed and after one space, while
    /// they are not blank and `goes_on` accepts them. Returns the text and the index of the
    /// first line not taken.
    pub fn join(
        &self,
        first: &str,
        from: usize,
        goes_on: impl Fn(&str) -> bool,
    ) -> (String, usize) {
        self.join_with(first, from, ' ', |_, l| goes_on(l))
    }

    /// Like [`Lines::join`], asking `goes_on` with the text joined so far and the line.
    pub fn join_while(
        &self,
        first: &str,
        from: usize,
        goes_on: impl Fn(&str, &str) -> bool,
    ) -> (String, usize) {
        self.join_with(first, from, ' ', goes_on)
    }

    /// Like [`Lines::join`], keeping the line breaks (REF items start on new lines).
    pub fn join_lines(
        &self,
        first: &str,
        from: usize,
        goes_on: impl Fn(&str) -> bool,
    ) -> (String, usize) {
        self.join_with(first, from, '\n', |_, l| goes_on(l))
    }

    fn join_with(
        &self,
        first: &str,
        from: usize,
        sep: char,
        goes_on: impl Fn(&str, &str) -> bool,
    ) -> (String, usize) {
        let mut text = first.to_string();
        let mut j = from;
        while j < self.limit && !is_blank(self.lines[j]) && goes_on(&text, self.lines[j]) {
            text.push(sep);
            text.push_str(trim(self.lines[j]));
            j += 1;
        }
        (text, j)
    }

    /// The first non-blank line at or after `from`, within the opening.
    pub fn next_non_blank(&self, from: usize) -> Option<usize> {
        (from..self.limit).find(|&k| !is_blank(self.lines[k]))
    }
}

// Labels that end an element written on the same line as the next one, in flattened
// openings (`… Tags: a, b Subject: text Ref: Lima 1 Classified By: …`) and glued lines
// (`… AS UK PRIMEREF: A. LONDON 1939`, 08LONDON1991).
re!(
    pub INLINE_SUBJECT,
    r"(?:^|\s)(?:SUBJECT|Subject|SUBJ)\s*:\s*"
);
re!(
    pub INLINE_REF,
    r"(?:REF(?:S|\(S\)|TELS?)?:|(?:^|\s)(?:Refs?|Ref\(s\)|refs?|Reftels?)\s*:)"
);
re!(pub INLINE_CLASSIFIED_BY, r"(?:^|\s)(?i:classified\s+by)\s*:");

/// A line that opens another element (or paragraph 1), so no element continues into it.
pub fn is_keyword_line(line: &str) -> bool {
    let t = trim(line);
    has_label(&subject::SUBJECT_LABEL, &subject::SUBJECT, t)
        || has_label(&references::REF_LABEL, &references::REF, t)
        || has_label(
            &classified_by::CLASSIFIED_BY_LABEL,
            &classified_by::CLASSIFIED_BY,
            t,
        )
        || has_label(&declassification::EO_LABEL, &declassification::EO, t)
        || t.starts_with("TAGS")
        || paragraphs::is_numbered(line)
}

/// A paragraph, not a continuation of an opening element: a long collapsed line or one that
/// opens with a portion marking (`(SBU) Poloff delivered…`, 08KUALALUMPUR317).
pub fn is_prose(line: &str) -> bool {
    let t = trim(line);
    t.len() > 160
        || t.starts_with('(') && markings::portion_marking(t).is_some_and(|(m, _)| m.len() > 1)
}
