//! Captions: the lines of the opening before its first element that carry handling words,
//! kept as markings with place `caption`: `SIPDIS`, `NOFORN`, `NODIS`, `EXDIS`, `LIMDIS`,
//! `STADIS`, `ORCON`, `ROGER`, `SENSITIVE` / `SENSITIVE BUT UNCLASSIFIED`, `FOR OFFICIAL USE
//! ONLY`, `CORRECTED COPY` with its reason (`C O R R E C T E D C O P Y (ADDRESSEE ADDED)`),
//! `PERSONAL FOR …`, `PASS …` lines and other `FOR …` distribution lines.

use super::body::{is_banner, Body};
use super::text::{collapse_ws, is_blank, is_ws};
use crate::model::Marking;

/// Caption lines before the E.O. line: SIPDIS, NOFORN, CORRECTED COPY, pass and
/// distribution lines.
pub fn parse(lines: &[&str], b: &mut Body) {
    const WORDS: &[&str] = &[
        "SIPDIS", "NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS", "ORCON", "ROGER",
    ];
    let mut add = |marking: &str, detail: Option<String>| {
        let m = Marking {
            marking: marking.to_string(),
            detail,
            place: "caption".to_string(),
        };
        if !b.markings.contains(&m) {
            b.markings.push(m);
        }
    };
    for line in lines {
        if is_blank(line) {
            continue;
        }
        let t = collapse_ws(line);
        let upper = t.to_uppercase();
        let letters = super::text::letters_upper(&t);
        if letters.contains("CORRECTEDCOPY") {
            let at = upper.find("COPY").or_else(|| upper.rfind("C O P Y"));
            let after = at.map_or("", |i| {
                let skip = if upper[i..].starts_with("COPY") { 4 } else { 7 };
                &t[i + skip..]
            });
            let detail = after.trim_matches(|c: char| " -/()".contains(c) || is_ws(c));
            add(
                "CORRECTED COPY",
                (!detail.is_empty()).then(|| detail.to_string()),
            );
            continue;
        }
        let words: Vec<&str> = upper
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        for w in WORDS {
            if words.contains(w) {
                add(w, None);
            }
        }
        if upper.contains("SENSITIVE BUT UNCLASSIFIED") {
            add("SENSITIVE BUT UNCLASSIFIED", None);
        } else if words.contains(&"SENSITIVE") {
            add("SENSITIVE", None);
        }
        if upper.contains("FOR OFFICIAL USE ONLY") && !is_banner(line) {
            add("FOR OFFICIAL USE ONLY", None);
        }
        if upper.starts_with("PERSONAL FOR") {
            add("PERSONAL FOR", Some(t.clone()));
        } else if words.contains(&"PASS") {
            add("PASS", Some(t.clone()));
        } else if words.contains(&"FOR")
            && !words.iter().all(|w| WORDS.contains(w))
            && !is_banner(line)
        {
            add("DISTRIBUTION", Some(t.clone()));
        }
    }
}
