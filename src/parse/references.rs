//! The REF block: `REF:`, `REFS:`, `REFERENCE:`, `REFTEL`, `Ref:`, with bullets `A.`, `(A)`,
//! `A)` or none, several items per line or spread over lines, items after blank lines when
//! each has a bullet. Each item keeps its text as written, a
//! kind (`cable`, `email`, `memcon`, `telcon`, `other`) and, for cables, the cited cable's
//! canonical reference id: `STATE 12345` in a 2008 cable is `08STATE12345`; an explicit year
//! (`08 STATE 12345`, `2008 STATE 12345`, `STATE 12345 (08)`, `MOSCOW 03242 2008`,
//! `08STATE12345`) wins.

use super::body::Body;
use super::classified_by::{self, CLASSIFIED_BY};
use super::continuation::{is_keyword_line, is_prose, Lines};
use super::posts;
use super::text::{caps, collapse_ws, trim};
use crate::model::Reference;
use regex::Regex;
use std::sync::LazyLock;

re!(
    pub REF,
    r"^(?:(?:REFS?|REFERENCES?|REFTELS?)\b\s*:?|(?:Refs?|References?|Reftels?)\s*:)\s*(.*)$"
);

/// The REF block in the opening: the label's line, its continuation lines, and bulleted
/// items after blank lines. Keeps the text after the label, lines joined, for [`parse`].
pub fn block(ctx: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    let c = caps(&REF, t).filter(|_| b.references.is_none())?;
    let goes_on = |l: &str| !is_keyword_line(l) && !is_prose(l);
    let (mut text, mut j) = ctx.join(&c[1], i + 1, goes_on);
    // REF items can be separated by blank lines when each has a bullet.
    while let Some(k) = ctx
        .next_non_blank(j)
        .filter(|&k| is_ref_bullet(trim(ctx.lines[k])) && !is_keyword_line(ctx.lines[k]))
    {
        text.push(' ');
        text.push_str(trim(ctx.lines[k]));
        (text, j) = ctx.join(&text, k + 1, goes_on);
    }
    // `REF: ASUNCION 396 Classified By: …` (07SANTIAGO983): the next element glued on.
    if let Some(m) = CLASSIFIED_BY.find(&text) {
        if b.classified_by.is_none() {
            classified_by::authority(&collapse_ws(&text[m.start()..]), b);
        }
        text.truncate(m.start());
    }
    b.references = Some(collapse_ws(&text));
    Some(j)
}

fn is_ref_bullet(t: &str) -> bool {
    let b = t.as_bytes();
    (b.len() > 2 && b[0].is_ascii_uppercase() && (b[1] == b'.' || b[1] == b')') && b[2] == b' ')
        || (b.len() > 3 && b[0] == b'(' && b[1].is_ascii_uppercase() && b[2] == b')')
}

/// `A.`, `A)`, `(A)` at an item start.
static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s;,])(\(([A-Za-z])\)|([A-Za-z])[.):])(?:\s|$)").unwrap());
/// `[year] POST NUMBER [(yy)|yyyy]` or `08STATE12345`, on the upper-cased item.
static CABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:^|[^A-Z0-9/])(?:\(?(\d{4}|\d{2})\)?\s*)?",
        r"([A-Z][A-Z]+(?:[ .][A-Z][A-Z]+){0,3})\s*0*(\d{1,6})\b",
        r"(?:\s*\((\d{2})\)|\s+((?:19|20)\d{2})\b)?"
    ))
    .unwrap()
});

/// Words that can precede a number without being a post.
const NOT_POSTS: &[&str] = &[
    "OF",
    "ON",
    "NO",
    "AND",
    "DATED",
    "IIR",
    "DTG",
    "FAM",
    "FAH",
    "PARA",
    "PARAS",
    "PARAGRAPH",
    "SECTION",
    "PAGE",
    "RESOLUTION",
    "UNSCR",
    "NUMBER",
    "NR",
    "TO",
    "IN",
    "AT",
    "THE",
    "FOR",
    "JUNE",
    "JULY",
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "SEPT",
    "OCT",
    "NOV",
    "DEC",
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
    "EMAIL",
    "MAIL",
    "LETTER",
    "TELCON",
    "MEMCON",
    "USC",
    "CFR",
    "EO",
    "PL",
    "HR",
    "S",
    "ECN",
    "MRN",
];

/// Split a REF block (the text after the label) into items.
pub fn parse(text: &str, citing_year: Option<u32>) -> Vec<Reference> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Vec::new();
    }
    let mut items: Vec<(Option<String>, String)> = Vec::new();
    let mut starts: Vec<(usize, usize, char)> = Vec::new(); // (bullet start, text start, letter)
    let mut expect = 'A';
    let mut from = 0;
    while from < text.len() {
        let found = BULLET.captures_at(text, from).and_then(|c| {
            let letter = c
                .get(2)
                .or(c.get(3))?
                .as_str()
                .chars()
                .next()?
                .to_ascii_uppercase();
            let m = c.get(1)?;
            Some((letter, m.start(), c.get(0)?.end()))
        });
        match found {
            Some((letter, start, end)) if letter == expect => {
                starts.push((start, end, letter));
                expect = (letter as u8 + 1) as char;
                from = end;
            }
            Some((_, _, end)) => from = end.max(from + 1),
            None => break,
        }
    }
    // Bullets must begin the block; otherwise it is one unbulleted list.
    if starts
        .first()
        .is_some_and(|s| text[..s.0].trim().is_empty())
    {
        for (k, &(_, text_start, letter)) in starts.iter().enumerate() {
            let end = starts.get(k + 1).map_or(text.len(), |n| n.0);
            let mut item = text[text_start..end].trim();
            // `A. A) BRASILIA 236` (08BRASILIA429): the bullet written twice.
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
            items.push((Some(letter.to_string()), clean_item(item)));
        }
    } else {
        for part in text.split(';') {
            for piece in split_cable_run(part) {
                let piece = clean_item(piece);
                if !piece.is_empty() {
                    items.push((None, piece));
                }
            }
        }
    }
    items
        .into_iter()
        .filter(|(_, t)| !t.is_empty())
        .enumerate()
        .map(|(i, (bullet, text))| {
            let (kind, target) = classify(&text, citing_year);
            Reference {
                position: i as u32 + 1,
                bullet,
                kind: kind.to_string(),
                target_reference_id: target,
                text,
            }
        })
        .collect()
}

/// `RIO DE JANEIRO 353 RIO DE JANEIRO 311` (09RIODEJANEIRO440): several cables in a row with
/// only spaces, commas or `AND` between them are several items.
fn split_cable_run(part: &str) -> Vec<&str> {
    // ASCII upper-casing keeps byte offsets valid for slicing `part`.
    let upper = part.to_ascii_uppercase();
    let mut cuts = vec![0];
    let mut last_end = None;
    for c in CABLE.captures_iter(&upper) {
        let post = c.get(2).map_or("", |m| m.as_str());
        if NOT_POSTS.contains(&post) {
            continue;
        }
        let start = c.get(1).or(c.get(2)).map_or(0, |m| m.start());
        if let Some(end) = last_end {
            let between = upper[end..start]
                .trim_matches(|ch: char| ch.is_whitespace() || ch == ',' || ch == '(');
            if between.is_empty() || between == "AND" {
                cuts.push(start);
            }
        }
        last_end = Some(c.get(0).map_or(start, |m| m.end()));
    }
    cuts.push(part.len());
    cuts.windows(2).map(|w| &part[w[0]..w[1]]).collect()
}

fn clean_item(s: &str) -> String {
    super::text::collapse_ws(s.trim().trim_end_matches([';', ',']).trim())
}

/// The kind of a reference and, for a cable, its canonical reference id.
fn classify(text: &str, citing_year: Option<u32>) -> (&'static str, Option<String>) {
    let upper = text.to_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    if has("EMAIL") || upper.contains("E-MAIL") || has("EMAILS") {
        return ("email", None);
    }
    if has("MEMCON") {
        return ("memcon", None);
    }
    if has("TELCON") {
        return ("telcon", None);
    }
    if has("IIR") || has("DTG") || has("FAM") || has("FAH") || has("LETTER") {
        return ("other", None);
    }
    if let Some(id) = cable_target(&upper, citing_year) {
        return ("cable", Some(id));
    }
    ("other", None)
}

fn cable_target(upper: &str, citing_year: Option<u32>) -> Option<String> {
    // `08STATE12345` written as an id.
    if let Some(word) = upper
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| crate::parse::is_reference_id(w) && w.len() >= 5)
    {
        return Some(word.to_string());
    }
    for c in CABLE.captures_iter(upper) {
        let post = c[2].trim();
        let last_word = post.rsplit([' ', '.']).next().unwrap_or(post);
        if NOT_POSTS.contains(&post) || NOT_POSTS.contains(&last_word) {
            continue;
        }
        // Drop leading words that are not part of a post name (`SEE STATE 123`).
        let post = post
            .split([' ', '.'])
            .skip_while(|w| NOT_POSTS.contains(w) || *w == "SEE" || *w == "REFTEL")
            .collect::<Vec<_>>()
            .join(" ");
        if post.is_empty() {
            continue;
        }
        let number: u64 = c[3].parse().ok()?;
        let year = c
            .get(1)
            .or(c.get(4))
            .or(c.get(5))
            .and_then(|y| y.as_str().parse::<u32>().ok())
            .map(|y| y % 100)
            .or(citing_year.map(|y| y % 100))?;
        return Some(format!("{year:02}{}{number}", posts::canonical(&post)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(text: &str) -> Vec<(Option<String>, String, String, Option<String>)> {
        parse(text, Some(2008))
            .into_iter()
            .map(|r| (r.bullet, r.text, r.kind, r.target_reference_id))
            .collect()
    }

    fn targets(text: &str) -> Vec<Option<String>> {
        parse(text, Some(2008))
            .into_iter()
            .map(|r| r.target_reference_id)
            .collect()
    }

    #[test]
    fn bare_numbers_take_the_citing_year_and_explicit_years_win() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(targets("STATE 12345"), [s("08STATE12345")]);
        assert_eq!(targets("08 STATE 12345"), [s("08STATE12345")]);
        assert_eq!(targets("2005 STATE 165022"), [s("05STATE165022")]);
        assert_eq!(targets("STATE 12345 (07)"), [s("07STATE12345")]);
        assert_eq!(targets("MOSCOW 03242 2008"), [s("08MOSCOW3242")]);
        assert_eq!(targets("07STATE12345"), [s("07STATE12345")]);
        assert_eq!(targets("SECSTATE 4887"), [s("08STATE4887")]);
        assert_eq!(targets("THE HAGUE 12"), [s("08THEHAGUE12")]);
        assert_eq!(targets("USUN 1001"), [s("08USUNNEWYORK1001")]);
        assert_eq!(targets("E. 06 kuwait 4664"), [s("06KUWAIT4664")]);
        assert_eq!(
            targets("A. 08 KIGALI 00830--05/DEC/2008"),
            [s("08KIGALI830")]
        );
        assert_eq!(targets("BRASILIA 000440"), [s("08BRASILIA440")]);
        assert_eq!(targets("(08) SAO PAULO 581"), [s("08SAOPAULO581")]);
    }

    #[test]
    fn bullets_and_kinds() {
        let r = refs("A) STATE 135205; B) STATE 127608; C) JOHNSON-STEVENS/GODFREY E-MAIL 10/15/07; D) 07 TRIPOLI 943");
        assert_eq!(r.len(), 4);
        assert_eq!(
            r[0],
            (
                Some("A".into()),
                "STATE 135205".into(),
                "cable".into(),
                Some("08STATE135205".into())
            )
        );
        assert_eq!(r[2].2, "email");
        assert_eq!(r[3].3.as_deref(), Some("07TRIPOLI943"));
        let r = refs("A. A) BRASILIA 236 B. B) OSD REPORT OF 12 MAY");
        assert_eq!(r[0].1, "BRASILIA 236");
        assert_eq!(r[1].1, "OSD REPORT OF 12 MAY");
        assert_eq!(r[1].2, "other");
        let r = refs("(A) 08 STATE 061194 (B) 7 FAM 180");
        assert_eq!(r[0].3.as_deref(), Some("08STATE61194"));
        assert_eq!(r[1].2, "other");
        let r = refs("B. B. LAMBERT - ENGLEKEN EMAIL 21 FEB 06");
        assert_eq!(r.len(), 1);
        let r = refs("A. MADRID 881 B. MADRID 919 C. H. MITCHELL/SIMS TELCON 02/16/2010");
        assert_eq!(r[2].2, "telcon");
        assert_eq!(refs("None"), []);
        let r =
            refs("RIO DE JANEIRO 329; RIO DE JANEIRO 404; RIO DE JANEIRO 353 RIO DE JANEIRO 311");
        assert_eq!(r.len(), 4);
        assert_eq!(r[3].1, "RIO DE JANEIRO 311");
        assert_eq!(refs("STATE 1 AND STATE 2").len(), 2);
        let r = refs("TEHRAN 4887");
        assert_eq!(
            r,
            [(
                None,
                "TEHRAN 4887".into(),
                "cable".into(),
                Some("08TEHRAN4887".into())
            )]
        );
    }
}
