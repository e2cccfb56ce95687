//! HTML front-end: a cable page of the 2010 Cablegate site.
//!
//! Reads the metadata table (Reference ID, Created, Released, Classification, Origin), the
//! `Viewing cable REFID, TITLE` heading and the `<pre>` blocks (routing header, body). The
//! pages do not escape `&` or `<` inside cable text (`R&D;`, `<<218634>>`), so only real tags
//! are removed and only character references are decoded.

use super::{non_empty, normalize_datetime, DecodeError};
use crate::model::{Format, Source, Warning};
use regex::Regex;
use std::sync::LazyLock;

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>").unwrap());
/// `<a id='par5' href='#par5'>¶</a>`: WikiLeaks' paragraph anchors, not cable text.
static ANCHOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<a id=['"]par\w+['"][^>]*>¶</a>"#).unwrap());
static CHAR_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}));").unwrap());

pub fn decode(page: &str) -> Result<Source, DecodeError> {
    let blocks = pre_blocks(page);
    if blocks.is_empty() {
        return Err(DecodeError::NotACable(
            "HTML page without a <pre> cable block".into(),
        ));
    }
    let mut source = Source {
        format: Some(Format::Html),
        ..Source::default()
    };
    // A cut-off page holds part of a cable; the complete page (or another format) is the
    // source to ingest, so the page is rejected rather than stored incomplete.
    if blocks.iter().any(|(_, truncated)| *truncated) {
        return Err(DecodeError::TruncatedHtml);
    }
    let cells = table_cells(page);
    if cells.len() >= 5 {
        source.reference_id = non_empty(&cells[0]);
        source.created_at = normalize_datetime(&cells[1]);
        source.released_at = normalize_datetime(&cells[2]);
        source.classification = non_empty(&cells[3]).map(|c| c.to_uppercase());
        source.origin = non_empty(&cells[4]);
    } else {
        source
            .warnings
            .push(Warning::new("metadata", "HTML page has no metadata table"));
    }
    source.title = heading_title(page);
    let texts: Vec<String> = blocks.iter().map(|(b, _)| block_text(b)).collect();
    match texts.len() {
        1 => source.body = texts.into_iter().next().unwrap_or_default(),
        _ => {
            let mut it = texts.into_iter();
            source.header = it.next();
            source.body = it.next().unwrap_or_default();
        }
    }
    Ok(source)
}

/// The contents of each `<pre>` block, and whether it was cut off before `</pre>`.
fn pre_blocks(page: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = find_ci(rest, "<pre") {
        let Some(gt) = rest[start..].find('>') else {
            break;
        };
        let inner = &rest[start + gt + 1..];
        match find_ci(inner, "</pre>") {
            Some(end) => {
                out.push((&inner[..end], false));
                rest = &inner[end + 6..];
            }
            None => {
                out.push((inner, true));
                break;
            }
        }
    }
    out
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Text of the `<td>` cells of the `<table class='cable'>` metadata table.
fn table_cells(page: &str) -> Vec<String> {
    let Some(start) = page
        .find("class='cable'")
        .or_else(|| page.find("class=\"cable\""))
    else {
        return Vec::new();
    };
    let table = &page[start..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    table
        .split("<td")
        .skip(1)
        .map(|cell| {
            let cell = &cell[cell.find('>').map_or(0, |i| i + 1)..];
            let cell = &cell[..cell.find("</td>").unwrap_or(cell.len())];
            decode_entities(&TAG.replace_all(cell, ""))
                .trim()
                .to_string()
        })
        .collect()
}

/// `<h3>Viewing cable 08TOKYO3205, RUSSIA FM CRITCIZES ...</h3>` → the part after the id.
fn heading_title(page: &str) -> Option<String> {
    let start = page.find("Viewing cable ")? + "Viewing cable ".len();
    let rest = &page[start..];
    let line = &rest[..rest.find("</h3>")?];
    let (_, title) = line.split_once(", ")?;
    non_empty(&decode_entities(&TAG.replace_all(title, "")))
}

/// A `<pre>` block → telegram text: anchors dropped, tags removed (link text kept),
/// character references decoded.
fn block_text(block: &str) -> String {
    let no_anchors = ANCHOR.replace_all(block, "");
    let no_tags = TAG.replace_all(&no_anchors, "");
    decode_entities(&no_tags)
}

/// Numeric character references and the five XML entities. Named HTML entities are left
/// alone: cable text contains `&` quotes that browsers misread as entities (`&part` → `∂`,
/// 08KABUL3030), and these pages never use named entities for real characters.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let numeric = CHAR_REF.replace_all(s, |c: &regex::Captures| {
        let code = match (c.get(1), c.get(2)) {
            (Some(hex), _) => u32::from_str_radix(hex.as_str(), 16).ok(),
            (_, Some(dec)) => dec.as_str().parse().ok(),
            _ => None,
        };
        code.and_then(char::from_u32)
            .map_or_else(|| c[0].to_string(), String::from)
    });
    numeric
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_tags_and_references() {
        let block = "TAGS: <a href='/tag/PREL_0.html'>PREL</a>&#x000A;<a id='par1' href='#par1'>¶</a>1. (C) R&D; <<218634>> &amp;";
        assert_eq!(block_text(block), "TAGS: PREL\n1. (C) R&D; <<218634>> &");
    }

    #[test]
    fn one_block_page_keeps_the_block_as_body() {
        let page = "<html><table class='cable'><tr><td>09X1</td><td>2009-01-01 10:10</td><td>2010-12-01 10:00</td><td>SECRET</td><td>Embassy X</td></tr></table><code><pre>S E C R E T X 000001&#x000A;TAGS: PREL</pre></code></html>";
        let s = decode(page).unwrap();
        assert_eq!(s.header, None);
        assert_eq!(s.body, "S E C R E T X 000001\nTAGS: PREL");
        assert_eq!(s.reference_id.as_deref(), Some("09X1"));
        assert_eq!(s.released_at.as_deref(), Some("2010-12-01 10:00:00"));
    }
}
