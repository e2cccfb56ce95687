//! Page-text front-end: the text rendering of a later WikiLeaks cable page.
//!
//! Layout: the labels `Identifier`, `Created`, `Classification`, `Origin`, then their values,
//! `Cable title:` and the title, `Tags:`, `pdf how-to read a cable`, the routing header, the
//! body's opening (up to the first numbered paragraph) with no blank line before it, one blank
//! line, then the full body, which starts with the same opening. The opening is stored once.
//! Label lines use no-break spaces (U+00A0), which count as white space here.

use super::{non_empty, normalize_datetime, DecodeError};
use crate::model::{Format, Source, Warning};

fn is_ws(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}'
}

pub fn decode(text: &str) -> Result<Source, DecodeError> {
    let lines: Vec<&str> = text.lines().collect();
    let label_end = lines
        .iter()
        .position(|l| l.trim_matches(is_ws) == "Origin")
        .ok_or_else(|| DecodeError::NotACable("page text without an Origin label".into()))?;
    let mut values = lines[label_end + 1..]
        .iter()
        .map(|l| l.trim_matches(is_ws))
        .filter(|l| !l.is_empty());
    let mut source = Source {
        format: Some(Format::PageText),
        reference_id: values.next().and_then(non_empty),
        created_at: values.next().and_then(normalize_datetime),
        classification: values.next().and_then(non_empty).map(|c| c.to_uppercase()),
        origin: values.next().and_then(non_empty),
        ..Source::default()
    };
    let starts = |l: &&str, p: &str| l.trim_start_matches(is_ws).starts_with(p);
    let title_at = lines.iter().position(|l| starts(l, "Cable title:"));
    let tags_at = lines.iter().position(|l| starts(l, "Tags:"));
    let pdf_at = lines
        .iter()
        .position(|l| starts(l, "pdf") && l.contains("how-to read a cable"))
        .ok_or_else(|| {
            DecodeError::NotACable("page text without the `pdf how-to read a cable` line".into())
        })?;
    if let (Some(t), Some(g)) = (title_at, tags_at) {
        let title: Vec<&str> = lines[t + 1..g]
            .iter()
            .map(|l| l.trim_matches(is_ws))
            .filter(|l| !l.is_empty())
            .collect();
        source.title = non_empty(&title.join(" "));
    }
    let telegram = &lines[pdf_at + 1..];
    match split_duplicate_opening(telegram) {
        Some((header_end, body_start)) => {
            source.header = Some(telegram[..header_end].join("\n"));
            source.body = telegram[body_start..].join("\n");
        }
        None => {
            source.warnings.push(Warning::new(
                "text",
                "page text: the repeated body opening was not found",
            ));
            source.body = telegram.join("\n");
        }
    }
    Ok(source)
}

/// Find the repeated opening: lines `[i, j-1)` (the first copy, followed by one blank line)
/// equal the first lines of the full body at `j`. Returns `(i, j)`: the header is `[..i]`,
/// the body `[j..]`. Lines compare without trailing white space, because the renderer keeps
/// trailing spaces only on the first copy's first line.
fn split_duplicate_opening(lines: &[&str]) -> Option<(usize, usize)> {
    let key = |l: &str| l.trim_end_matches(is_ws).to_string();
    let keys: Vec<String> = lines.iter().map(|l| key(l)).collect();
    for j in 2..keys.len() {
        if !keys[j - 1].is_empty() || keys[j].is_empty() {
            continue;
        }
        // The first copy ends at j-1 (its trailing blank lines were dropped), so it is
        // keys[i..j-1] for some i with keys[i] == keys[j].
        for i in (0..j - 1).rev() {
            let n = j - 1 - i;
            if keys[i] == keys[j]
                && j + n <= keys.len()
                && keys[i..j - 1] == keys[j..j + n]
                && opening_ends_at_paragraph_one(&keys[j + n..])
            {
                return Some((i, j));
            }
        }
    }
    None
}

/// The opening copy runs to the first numbered paragraph, or is the whole body.
fn opening_ends_at_paragraph_one(after: &[String]) -> bool {
    match after.iter().find(|l| !l.trim_matches(is_ws).is_empty()) {
        None => true,
        Some(l) => l
            .trim_start_matches(is_ws)
            .starts_with(|c: char| c.is_ascii_digit()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opening_is_found_once() {
        let lines = [
            "VZCZC",
            "FM X",
            "TO Y",
            "BANNER ",
            "",
            "SUBJECT: S",
            "",
            "BANNER",
            "",
            "SUBJECT: S",
            "",
            "1. (C) text",
        ];
        assert_eq!(split_duplicate_opening(&lines), Some((3, 7)));
    }

    #[test]
    fn a_body_without_numbers_repeats_whole() {
        let lines = ["FM X", "TO Y", "BANNER", "text", "", "BANNER", "text"];
        assert_eq!(split_duplicate_opening(&lines), Some((2, 5)));
    }
}
