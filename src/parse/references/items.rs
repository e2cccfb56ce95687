//! A REF block split into items. Bullets: `A.`, `A)`, `A:`, `A.)`, `A -`, `(A)` (also glued
//! to the post: `(A)LIMA 1234`), `C)2008 …`, `[A]`, numbers `(1)`, a pilcrow before any of them
//! (`¶B. STATE 12345`), the bullet written twice (`A. A) BRASILIA 236`, 08BRASILIA429) or with
//! the word REF again (`A. REF LIMA 222`); a letter repeated at the start of a line opens a
//! new item. Bare letters (`A LIMA 721 B LIMA 690`) count when the block opens with `A` and
//! each letter follows a serial. Without bullets, items are split at `;` and between cables
//! that follow each other with only spaces, commas, colons or `AND` between them.

use super::cited::{citations, NOT_POSTS};
use crate::parse::text::collapse_ws;

re!(
    BULLET,
    r"(?:^|[\s;,])(?:\(([A-Za-z]|\d{1,2})\)|\[([A-Za-z])\]|([A-Za-z])(?:\.\)|[.):]|[ ]?-)(?:\s|$)|([A-Z])\)\d)"
);
// `Ref:  Ref A) …`: the label written again after the label.
re!(REPEATED_LABEL, r"^(?i:ref(?:s|tels?|\(s\))?)\b\s*:?\s*");

/// (bullet, item text) in order; the text is cleaned but not classified.
pub fn split(text: &str) -> Vec<(Option<String>, String)> {
    let text = text.replace('¶', " ");
    let mut text = text.trim();
    if let Some(m) = REPEATED_LABEL.find(text).filter(|m| m.end() < text.len()) {
        text = &text[m.end()..];
    }
    if let Some(items) = bulleted(text).or_else(|| bare_letters(text)) {
        return items;
    }
    let mut items = Vec::new();
    for part in text.split(';') {
        for piece in split_cable_run(part) {
            let piece = clean_item(piece);
            if !piece.is_empty() {
                items.push((None, piece));
            }
        }
    }
    items
}

/// One bullet found: where it starts, where its item's text starts, its label.
struct Bullet {
    start: usize,
    text_start: usize,
    label: String,
}

/// The label that follows `label` in its series: `A` → `B`, `1` → `2`.
fn successor(label: &str) -> String {
    match label.parse::<u32>() {
        Ok(n) => (n + 1).to_string(),
        Err(_) => label
            .bytes()
            .next()
            .map_or(String::new(), |b| ((b + 1) as char).to_string()),
    }
}

fn bullets(text: &str) -> Vec<Bullet> {
    let mut found: Vec<Bullet> = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let Some(c) = BULLET.captures_at(text, from) else {
            break;
        };
        let whole = c.get(0).unwrap();
        let label = c.get(1).or(c.get(2)).or(c.get(3)).or(c.get(4)).unwrap();
        // `C)2008 SAO PAULO 260` (09BRASILIA1383): the item text starts at the digit.
        let text_start = whole.end() - usize::from(c.get(4).is_some());
        let start = label.start() - usize::from(text[..label.start()].ends_with(['(', '[']));
        let label = label.as_str().to_ascii_uppercase();
        let at_line_start = text[..start].trim_end_matches([' ', '\t']).ends_with('\n');
        let accept = match found.last() {
            None => label == "A" || label == "1",
            Some(prev) => label == successor(&prev.label) || (label == prev.label && at_line_start),
        };
        if accept {
            found.push(Bullet {
                start,
                text_start,
                label,
            });
            from = text_start;
        } else {
            from = whole.end().max(from + 1);
        }
    }
    found
}

/// Items after bullets, when the block opens with one.
fn bulleted(text: &str) -> Option<Vec<(Option<String>, String)>> {
    let found = bullets(text);
    // Bullets must begin the block; otherwise it is one unbulleted list.
    if !found
        .first()
        .is_some_and(|s| text[..s.start].trim().is_empty())
    {
        return None;
    }
    let mut items = Vec::new();
    for (k, b) in found.iter().enumerate() {
        let end = found.get(k + 1).map_or(text.len(), |n| n.start);
        let mut item = text[b.text_start..end].trim();
        // `A. A) BRASILIA 236` (08BRASILIA429): the bullet written twice.
        let letter = &b.label;
        let lower = letter.to_ascii_lowercase();
        for twin in [
            format!("{lower}."),
            format!("{letter})"),
            format!("{letter}."),
            format!("({letter})"),
            format!("{letter}:"),
        ] {
            if let Some(rest) = item.strip_prefix(twin.as_str()) {
                item = rest.trim_start();
            }
        }
        items.push((Some(b.label.clone()), clean_item(item)));
    }
    Some(items)
}

/// `A LIMA 721 B LIMA 690`: bare letters, each after the previous item's serial.
fn bare_letters(text: &str) -> Option<Vec<(Option<String>, String)>> {
    let rest = text.strip_prefix("A ")?;
    if !rest.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit()) {
        return None;
    }
    let mut cuts = vec![(0, 2, "A".to_string())];
    let mut letter = b'B';
    let mut from = 2;
    while let Some(at) = text[from..].find(&format!(" {} ", letter as char)) {
        let at = from + at;
        let before = text[..at].trim_end();
        if before.ends_with(|c: char| c.is_ascii_digit() || c == ')') {
            cuts.push((at + 1, at + 3, (letter as char).to_string()));
            letter += 1;
        }
        from = at + 2;
    }
    if cuts.len() < 2 {
        return None;
    }
    let items = cuts
        .iter()
        .enumerate()
        .map(|(k, (_, text_start, label))| {
            let end = cuts.get(k + 1).map_or(text.len(), |n| n.0);
            (Some(label.clone()), clean_item(&text[*text_start..end]))
        })
        .collect();
    Some(items)
}

/// `RIO DE JANEIRO 353 RIO DE JANEIRO 311` (09RIODEJANEIRO440): several cables in a row with
/// only spaces, commas, colons or `AND` between them are several items.
fn split_cable_run(part: &str) -> Vec<&str> {
    // ASCII upper-casing keeps byte offsets valid for slicing `part`.
    let upper = part.to_ascii_uppercase();
    let mut cuts = vec![0];
    let mut last_end = None;
    for c in citations(&upper) {
        if NOT_POSTS.contains(&c.post) {
            continue;
        }
        if let Some(end) = last_end {
            let between = upper[end..c.start]
                .trim_matches(|ch: char| ch.is_whitespace() || ch == ',' || ch == '(' || ch == ':');
            if between.is_empty() || between == "AND" {
                cuts.push(c.start);
            }
        }
        last_end = Some(c.end);
    }
    cuts.push(part.len());
    cuts.windows(2).map(|w| &part[w[0]..w[1]]).collect()
}

/// White space collapsed, separators off the ends, and `REF` repeated before the item
/// (`A. REF LIMA 222`) dropped.
fn clean_item(s: &str) -> String {
    let s = s.trim().trim_end_matches([';', ',', ':']).trim();
    let s = match s.split_once(char::is_whitespace) {
        Some((w, rest)) if w.eq_ignore_ascii_case("REF") && !rest.trim().is_empty() => rest,
        _ => s,
    };
    collapse_ws(s)
}
