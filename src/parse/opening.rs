//! The opening: the block between the banner and paragraph 1 that holds the captions
//! (SIPDIS, NOFORN, CORRECTED COPY, PASS lines), the E.O. line, TAGS, SUBJECT, REF and
//! Classified By, in any order and sometimes glued on one line. Each element has its module;
//! this one walks the lines (at most 120, never past paragraph 1), lets every element try
//! each line, and says where the paragraphs start.

use super::body::{is_banner, Body};
use super::continuation::Lines;
use super::text::trim;
use super::{captions, classified_by, declassification, references, subject, tags};

/// An element at line `i` (trimmed `t`): parses it into the body and returns the index after
/// its last line, or `None` when the line does not open it.
type Element = fn(Lines, usize, &str, &mut Body) -> Option<usize>;

/// In the order they are tried on a line; when several match, the last one's block counts.
const ELEMENTS: [Element; 6] = [
    declassification::eo_line,
    declassification::declassify_on_line,
    tags::line,
    subject::line,
    references::block,
    classified_by::line,
];

/// Parses the opening's elements and captions into `b`; returns the index where paragraphs
/// start: after the last element's block, else paragraph 1, else after the banner.
pub fn parse(lines: &[&str], first_numbered: Option<usize>, b: &mut Body) -> usize {
    let limit = first_numbered.unwrap_or(lines.len()).min(120);
    let ctx = Lines { lines, limit };
    let mut end = None::<usize>;
    let mut first_element = None::<usize>;
    let mut i = 0;
    while i < limit {
        let t = trim(lines[i]);
        let mut block_end = None;
        for element in ELEMENTS {
            if let Some(e) = element(ctx, i, t, b) {
                block_end = Some(e);
            }
        }
        match block_end {
            Some(e) => {
                first_element.get_or_insert(i);
                end = Some(end.map_or(e, |x| x.max(e)));
                i = e.max(i + 1);
            }
            None => i += 1,
        }
    }
    let caption_end = first_element.unwrap_or(limit.min(lines.len()));
    captions::parse(&lines[..caption_end], b);
    match end {
        Some(e) => e,
        None => {
            let banner_at = lines.iter().position(|l| is_banner(l));
            first_numbered.unwrap_or(banner_at.map_or(0, |i| i + 1))
        }
    }
}
