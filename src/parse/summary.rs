//! The summary: the text between `Summary`/`SUMMARY:`/`Summary.`/`BEGIN SUMMARY`/`Summary
//! and Comment:` and `End Summary` (up to eight paragraphs), else the paragraph that opens
//! with `Summary`, else the paragraph under a `Summary` heading (`(U) Summary`, 10STATE17263),
//! framed or underlined with dashes or `=====`. A portion marking after the label (`Summary:
//! (SBU) text`) is dropped.

use super::markings::portion_marking;
use super::text::collapse_ws;
use crate::model::Paragraph;

re!(
    SUMMARY_START,
    r"(?i)^\s*(?:BEGIN\s+)?SUMMARY(?:\s*(?:AND|&|/)\s*[A-Z ]{3,20}?)?\s*(?:[.:]+|\s-+|--)\s*"
);
re!(SUMMARY_END, r"(?i)\bEND\s+(?:OF\s+)?SUMMARY\b");

/// The text between `Summary`/`SUMMARY:` and `End Summary`, else a paragraph that begins with
/// `Summary`, else the paragraph(s) under a `Summary` heading.
pub fn parse(paragraphs: &[Paragraph]) -> Option<String> {
    let start = paragraphs.iter().position(|p| {
        SUMMARY_START.is_match(&p.text)
            || p.heading.as_deref().is_some_and(|h| {
                let h = h.trim_start_matches("(U)").trim().to_uppercase();
                h == "SUMMARY" || h == "SUMMARY AND COMMENT"
            })
    })?;
    let first = &paragraphs[start].text;
    let first = SUMMARY_START
        .find(first)
        .map_or(first.as_str(), |m| &first[m.end()..]);
    // `Summary: (SBU) text`: the portion marking after the label is not summary text.
    let first = portion_marking(first).map_or(first, |(_, rest)| rest);
    let mut text = String::new();
    for (k, p) in paragraphs[start..].iter().take(8).enumerate() {
        let t = if k == 0 { first } else { p.text.as_str() };
        if let Some(m) = SUMMARY_END.find(t) {
            text.push_str(&t[..m.start()]);
            return clean_summary(&text);
        }
        text.push_str(t);
        text.push('\n');
    }
    clean_summary(first)
}

fn clean_summary(s: &str) -> Option<String> {
    let s = collapse_ws(s);
    let s = s.trim_end_matches(['(', '-', ' ']).trim().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    fn body(text: &str) -> super::super::body::Body {
        super::super::body::parse(text)
    }

    #[test]
    fn summary_forms() {
        let b = body(
            "SUBJECT: S\n\n1. (C) Summary: One. Two.\n\n2. (C) Three. END SUMMARY.\n\n3. (C) Body.",
        );
        assert_eq!(b.summary.as_deref(), Some("One. Two. Three."));
        let b = body("SUBJECT: S\n\n1. (C) SUMMARY: Only this paragraph.\n\n2. (C) Body.");
        assert_eq!(b.summary.as_deref(), Some("Only this paragraph."));
        let b = body("SUBJECT: S\n\n-------\nSUMMARY\n-------\n\n1. (C) Under the heading.\n\n2. (C) End summary. Body.");
        assert_eq!(b.summary.as_deref(), Some("Under the heading."));
        let b = body("SUBJECT: S\n\n1. (C) No summary here.");
        assert_eq!(b.summary, None);
    }
}
