//! The body: everything after the routing header. Walks the grammar elements in the order a
//! telegram has them: the classification banner with its `SECTION NN OF NN` (first three
//! non-blank lines: `C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003205`, seed), the
//! opening ([`super::opening`]), the signature and trailers at the end
//! ([`super::signature`]), the paragraphs in between ([`super::paragraphs`]) and the summary
//! among them ([`super::summary`]).

use super::text::{banner_classification, is_ascii_ws, is_blank, trim, without_page_marks};
use super::{classified_by, opening, paragraphs, signature, summary};
use crate::model::{Marking, Paragraph, Warning};

re!(SECTION, r"(?i)\bSECTION\s+0*(\d{1,3})\s+OF\s+0*(\d{1,3})\b");

#[derive(Debug, Default)]
pub struct Body {
    pub banner: Option<String>,
    pub banner_classification: Option<&'static str>,
    pub section_count: u32,
    pub subject: Option<String>,
    pub declassify_on: Option<String>,
    pub declassify_raw: Option<String>,
    /// The REF block after its label, lines joined.
    pub references: Option<String>,
    pub classified_by: Option<String>,
    pub classification_reasons: Option<String>,
    pub tags: Vec<String>,
    pub signer: Option<String>,
    pub summary: Option<String>,
    pub paragraphs: Vec<Paragraph>,
    pub markings: Vec<Marking>,
    pub warnings: Vec<Warning>,
}

/// A banner line names a classification in its first letters.
pub fn is_banner(line: &str) -> bool {
    banner_classification(line).is_some()
}

pub fn parse(text: &str) -> Body {
    // Page-break lines are not text and do not split anything: drop them, keeping text a
    // collapsed body glued after them.
    let mut kept = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    kept.extend(super::text::lines(text).filter_map(without_page_marks));
    let lines: Vec<&str> = kept.iter().map(|l| l.as_ref()).collect();
    let mut b = Body {
        section_count: 1,
        ..Body::default()
    };
    let first_numbered = lines.iter().position(|l| paragraphs::is_numbered(l));
    banner(&lines, &mut b);
    let opening_end = opening::parse(&lines, first_numbered, &mut b);
    let mut rest: Vec<&str> = lines[opening_end..]
        .iter()
        .copied()
        // A stray SIPDIS line can sit inside a paragraph (04MADRID974).
        .filter(|l| !is_sipdis_line(l))
        .collect();
    let last_line = signature::parse(&mut rest, &mut b);
    b.paragraphs = paragraphs::parse(&rest, last_line.as_deref());
    b.summary = summary::parse(&b.paragraphs);
    if b.classified_by.is_none() {
        classified_by::in_paragraphs(&mut b);
    }
    if b.tags.is_empty() && !b.warnings.iter().any(|w| w.field == "tags") {
        b.warnings.push(Warning::new("tags", "no TAGS line"));
    }
    if b.subject.is_none() {
        b.warnings.push(Warning::new("subject", "no SUBJECT line"));
    }
    b
}

/// A line that is `SIPDIS` alone. Most lines open with something else after their white
/// space (a non-ASCII byte may be white space: then the full trim decides).
fn is_sipdis_line(l: &str) -> bool {
    let first = l.bytes().find(|&c| !is_ascii_ws(c));
    first.is_some_and(|c| c == b'S' || c >= 0x80) && trim(l) == "SIPDIS"
}

fn banner(lines: &[&str], b: &mut Body) {
    let Some(line) = lines
        .iter()
        .filter(|l| !is_blank(l))
        .take(3)
        .find(|l| is_banner(l))
    else {
        if !lines.iter().all(|l| is_blank(l)) {
            b.warnings
                .push(Warning::new("banner", "no classification banner"));
        }
        return;
    };
    b.banner = Some(trim(line).to_string());
    b.banner_classification = banner_classification(line);
    if let Some(c) = SECTION.captures(line) {
        b.section_count = c[2].parse().unwrap_or(1).max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sipdis_line_as_the_trim() {
        for l in [
            "SIPDIS",
            "  SIPDIS \t",
            "\u{a0}SIPDIS\u{a0}",
            "\u{feff}SIPDIS",
            "SIPDIS text",
            "sipdis",
            "",
            " ",
            "S",
        ] {
            assert_eq!(is_sipdis_line(l), trim(l) == "SIPDIS", "{l:?}");
        }
    }
}
