//! What a REF item cites: its kind (`cable`, `email`, `memcon`, `telcon`, `other`) and, for a
//! cable, the canonical reference id. A cable is `[year] POST [:|#] NUMBER [(yy)|yyyy]`:
//! `STATE 12345` in a 2008 cable is `08STATE12345`; an explicit year (`08 STATE 12345`,
//! `2008 STATE 12345`, `STATE 12345 (08)`, `MOSCOW 03242 2008`) wins; a compact id
//! (`08STATE12345`, `07LIMA0561` → `07LIMA561`) is taken as written without its padding.
//! Posts are one to four words, dotted, hyphenated or with an apostrophe (`ST. PETERSBURG`,
//! `PORT-OF-SPAIN`, `N'DJAMENA`), after a leading `EMBASSY` or classification word; the post
//! table in [`crate::parse::posts`] gives the spelling ids use.

use crate::parse::posts;

// `[^A-Z0-9/]` before: `8/DEC/2008` is a date, not the post `DEC`. The trailing year must be
// on the same line: a year opening the next line belongs to the next ref.
re!(
    pub CABLE,
    concat!(
        r"(?:^|[^A-Z0-9/])(?:\(?(\d{4}|\d{2})\)?\s*)?",
        r"([A-Z][A-Z']+(?:(?:\.? |[.-])[A-Z][A-Z']+){0,3})[ \t]*[:#]?\s*0*(\d{1,6})\b",
        r"(?:\s*\((\d{2})\)|[ \t]+((?:19|20)\d{2})\b)?"
    )
);
re!(NEXT_CITATION, r"^\s*[A-Z][A-Z']+[ \t]*[:#]?[ \t]*\d");

/// Words that can precede a number without being a post.
pub const NOT_POSTS: &[&str] = &[
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

/// Words before a post name that are not part of it: `SEE STATE 123`, `EMBASSY LIMA 1234`,
/// `CONFIDENTIAL STATE 5678`.
const NOT_POST_PREFIXES: &[&str] = &[
    "SEE",
    "REFTEL",
    "EMBASSY",
    "AMEMBASSY",
    "AMCONSUL",
    "CONSULATE",
    "CONFIDENTIAL",
    "SECRET",
    "UNCLASSIFIED",
    "UNCLAS",
    "LIMITED",
    "OFFICIAL",
    "USE",
    "SBU",
];

/// One `[year] POST NUMBER [year]` match in an upper-cased item.
pub struct Citation<'a> {
    /// Where the match starts (at the leading year when there is one).
    pub start: usize,
    pub end: usize,
    pub post: &'a str,
    pub number: &'a str,
    pub year: Option<&'a str>,
}

/// Every citation-shaped match, left to right. A number followed by `/` is a date or a
/// document number (`NOTE 9/28`, `201/2006`), not a serial. A year after the number that is
/// followed by another post and number is that citation's leading year
/// (`LIMA 1234 2007 STATE 5678`).
pub fn citations(upper: &str) -> Vec<Citation<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < upper.len() {
        let Some(c) = CABLE.captures_at(upper, at) else {
            break;
        };
        let (whole, post, number) = (c.get(0).unwrap(), c.get(2).unwrap(), c.get(3).unwrap());
        if upper[number.end()..].starts_with('/') {
            at = number.end();
            continue;
        }
        let trailing = c
            .get(5)
            .filter(|y| !NEXT_CITATION.is_match(&upper[y.end()..]));
        let end = match (c.get(5), trailing) {
            (Some(_), None) => number.end(),
            _ => whole.end(),
        };
        let year = c.get(1).or(c.get(4)).or(trailing).map(|m| m.as_str());
        out.push(Citation {
            start: c.get(1).unwrap_or(post).start(),
            end,
            post: post.as_str(),
            number: number.as_str(),
            year,
        });
        at = end;
    }
    out
}

/// The kind of a reference and, for a cable, its canonical reference id.
pub fn classify(text: &str, citing_year: Option<u32>) -> (&'static str, Option<String>) {
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
        return Some(compact_id(word));
    }
    for c in citations(upper) {
        let post = c.post.trim();
        let last_word = post.rsplit([' ', '.']).next().unwrap_or(post);
        if NOT_POSTS.contains(&post) || NOT_POSTS.contains(&last_word) {
            continue;
        }
        // Drop leading words that are not part of a post name.
        let post = post
            .split([' ', '.'])
            .filter(|w| !w.is_empty())
            .skip_while(|w| NOT_POSTS.contains(w) || NOT_POST_PREFIXES.contains(w))
            .collect::<Vec<_>>()
            .join(" ");
        if post.is_empty() {
            continue;
        }
        let number: u64 = c.number.parse().ok()?;
        let year = c
            .year
            .and_then(|y| y.parse::<u32>().ok())
            .map(|y| y % 100)
            .or(citing_year.map(|y| y % 100))?;
        return Some(format!("{year:02}{}{number}", posts::canonical(&post)));
    }
    None
}

/// `07LIMA0561` → `07LIMA561`: ids carry the serial without padding.
fn compact_id(word: &str) -> String {
    let digits = word.len() - word.bytes().rev().take_while(u8::is_ascii_digit).count();
    let serial = word[digits..].trim_start_matches('0');
    let serial = if serial.is_empty() { "0" } else { serial };
    format!("{}{serial}", &word[..digits])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_ids_lose_their_padding() {
        assert_eq!(compact_id("07LIMA0561"), "07LIMA561");
        assert_eq!(compact_id("08STATE12345"), "08STATE12345");
        assert_eq!(compact_id("08STATE0000"), "08STATE0");
    }

    #[test]
    fn citations_skip_dates_and_give_a_leading_year_to_the_next_ref() {
        let c = citations("NOTE 201/2006 LIMA 12");
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].post, c[0].number), ("LIMA", "12"));
        let c = citations("LIMA 1234 2007 STATE 5678");
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].year, None);
        assert_eq!((c[1].post, c[1].year), ("STATE", Some("2007")));
        let c = citations("MOSCOW 03242 2008");
        assert_eq!(c[0].year, Some("2008"));
        let c = citations("LIMA 1234\n2007 STATE 5678");
        assert_eq!((c[0].year, c[1].year), (None, Some("2007")));
    }
}
