//! The E.O. line and its declassification instruction: `E.O. 12958: DECL: 11/20/2016`
//! (seed), `EO 12958 DECL: 06/03/08`, `E.o. 12958: decl: …`, `E.O. 12958: DECLl:`, a date
//! without `DECL:` (`E.O. 12958 03/24/2019`), older orders (`E.O. 12356: DECL:  OADR`,
//! `E.O. 11652: GDS`), instructions that are not dates (`OADR`, `N/A`, `MR`, `TEN YEARS AFTER
//! KOREAN UNIFICATION`), and the separate `Declassify on: Source marked 25X1-human, Date of
//! source:` line (09STATE67105). Dates: `MM/DD/YYYY`, `M/D/YY`, `YYYY/MM/DD`, `YYYY-MM-DD`,
//! `DD MON YYYY`.

use super::body::Body;
use super::continuation::Lines;
use super::text::{after_label, caps, collapse_ws, is_ascii_ws, is_ws, may_hold_digits, may_start};
use crate::model::Warning;

labelled!(pub EO, EO_LABEL, r"(?:^|\s)(?i:E\.?\s?O\.?)\s*\d{5}\b");
re!(DECLASSIFY_ON, r"(?i)^declassify\s+on\s*:?\s*(.*)$");
// `DECL:`, `decl:`, `DECLl:` (twice in the corpus), but not `DECLASSIFIED JUNE 21, 2006`.
labelled!(DECL, DECL_LABEL, r"(?i)\bDECLl?\b\s*:?\s*");
re!(DATE_MDY, r"\b(\d{1,3})/(\d{1,2})/(\d{4}|\d{2})\b");
re!(DATE_YMD, r"\b(\d{4})[/-](\d{1,2})[/-](\d{1,2})\b");
re!(DATE_DMY, r"(?i)\b(\d{1,2})\s+([A-Z]{3})[A-Z]*\s+(\d{4})\b");

/// The E.O. line; the first one in the opening counts.
pub fn eo_line(_: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    let (_, rest) = may_hold_eo(t)
        .then(|| after_label(&EO_LABEL, &EO, t))
        .flatten()?;
    if b.declassify_on.is_none() && b.declassify_raw.is_none() {
        declassification(rest, b);
    }
    Some(i + 1)
}

/// What a line must hold for [`EO`] to match: on ASCII, `E`, a dot or not, a white space or
/// not, `O` (either case), a dot or not, white space, five digits. Banner and routing lines with long serials pass the digit test
/// of [`may_hold_digits`] (which decides for other text), and the regex cost more than this.
fn may_hold_eo(t: &str) -> bool {
    if !t.is_ascii() {
        return may_hold_digits(t, 5);
    }
    let b = t.as_bytes();
    memchr::memchr2_iter(b'O', b'o', b).any(|at| {
        let before = &b[..at];
        let before = match before.split_last() {
            Some((&c, rest)) if is_ascii_ws(c) => rest,
            _ => before,
        };
        let before = before.strip_suffix(b".").unwrap_or(before);
        if !matches!(before.last(), Some(b'E' | b'e')) {
            return false;
        }
        let rest = &b[at + 1..];
        let rest = rest.strip_prefix(b".").unwrap_or(rest);
        let digits = rest
            .iter()
            .position(|&c| !is_ascii_ws(c))
            .map_or(&[][..], |i| &rest[i..]);
        digits
            .get(..5)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    })
}

/// `Declassify on:`: a date there wins over an instruction on the E.O. line.
pub fn declassify_on_line(_: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    let c = may_start(t, "declassify")
        .then(|| caps(&DECLASSIFY_ON, t))
        .flatten()?;
    if b.declassify_on.is_none() {
        b.declassify_raw = None;
        declassification(c.get(1).map_or("", |m| m.as_str()), b);
    }
    Some(i + 1)
}

/// The E.O. line after its order number: a date after `DECL:` (or anywhere), else the raw
/// instruction (`OADR`, `X1`, `25X1-HUMAN`, `N/A`).
fn declassification(rest: &str, b: &mut Body) {
    let rest = rest.trim_start_matches([':', ' ', '\t']);
    let decl = after_label(&DECL_LABEL, &DECL, rest).map_or(rest, |(_, after)| after);
    // `E.O. 12958: DECL: 10/29/2018 TAGS: …` (08OSLO585): stop at a glued TAGS.
    let decl = decl.split("TAGS").next().unwrap_or(decl);
    let decl = decl.split(" Tags").next().unwrap_or(decl);
    b.declassify_on = parse_date(decl);
    if b.declassify_on.is_some() {
        return;
    }
    let raw = collapse_ws(decl.trim_matches(|c: char| c == ':' || c == '.' || is_ws(c)));
    if raw.is_empty() {
        return;
    }
    if !raw.eq_ignore_ascii_case("N/A")
        && raw.chars().any(|c| c.is_ascii_digit())
        && raw.contains('/')
    {
        b.warnings.push(Warning::new(
            "declassify_on",
            format!("declassification {raw:?} is not a valid date"),
        ));
    }
    b.declassify_raw = Some(raw);
}

/// Dates after `DECL:`: `MM/DD/YYYY`, `M/D/YY`, `YYYY/MM/DD`, `YYYY-MM-DD`, `DD MON YYYY`.
/// Two-digit years are 20YY (declassification dates lie in the future of 1995–2010 cables).
pub fn parse_date(text: &str) -> Option<String> {
    // The years here have four digits at most, which `%Y` writes zero-padded to four: the
    // same text as `format("%Y-%m-%d")`, without parsing the format string on every call.
    let ymd = |y: i32, m: u32, d: u32| {
        use chrono::Datelike;
        chrono::NaiveDate::from_ymd_opt(y, m, d)
            .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
    };
    if let Some(c) = DATE_YMD.captures(text) {
        return ymd(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    }
    if let Some(c) = DATE_MDY.captures(text) {
        let y: i32 = c[3].parse().ok()?;
        let y = if c[3].len() == 2 { 2000 + y } else { y };
        // `011/2/2019` (09BRASILIA1383): a 3-digit month with a leading zero.
        return ymd(y, c[1].parse().ok()?, c[2].parse().ok()?);
    }
    if let Some(c) = DATE_DMY.captures(text) {
        let months = [
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ];
        let m = months.iter().position(|&x| x.eq_ignore_ascii_case(&c[2]))? as u32 + 1;
        return ymd(c[3].parse().ok()?, m, c[1].parse().ok()?);
    }
    None
}

#[cfg(test)]
mod tests {

    /// The cheap test before the E.O. regex passes every line the regex matches.
    #[test]
    fn eo_prefilter_passes_what_the_regex_matches() {
        for t in [
            "E.O. 12958: DECL: 11/20/2016",
            "EO 12958 DECL",
            "e.o.12958",
            "E. O. 12958",
            "E.O.\t\x0b 12958",
            "E .O. 12958",
            "E\t O 12958",
            "XE.O. 12958",
            "text E.O. 12958",
            "E.O \x0c12958",
            "EO12958",
            "E.O. 1295",
            "TOKYO 003205",
            "E.O.\u{a0}12958",
            "E.O. \u{0661}\u{0662}\u{0663}\u{0664}\u{0665}",
        ] {
            if EO.is_match(t) {
                assert!(may_hold_eo(t), "{t:?}");
            }
        }
        assert!(!may_hold_eo("TOKYO 003205"));
    }

    /// The labels found alone give what the full patterns capture.
    #[test]
    fn labels_as_the_captures() {
        use crate::parse::text::assert_after_label_as_captures as check;
        check(
            &EO_LABEL,
            &EO,
            &[
                "E.O. 12958: DECL: 11/20/2016",
                "EO 12958 DECL: 06/03/08",
                "E.o. 12958: decl: 08/13/2034",
                "E. O. 12958",
                "E.O.12958",
                "E.O. 129581",
                "E.O. 1295",
                "XE.O. 12958: x",
                "text E.O. 12958 x E.O. 13526 y",
                "\u{a0}E.O.\u{a0}12958:\u{a0}N/A",
                "E.O. \u{0661}\u{0662}\u{0663}\u{0664}\u{0665}",
                "E.O. 12958\nx",
                "",
            ],
        );
        check(
            &DECL_LABEL,
            &DECL,
            &[
                ": DECL: 11/20/2016",
                "DECLl: 2019/07/29",
                "decl 10/29/2018 TAGS: x",
                "DECLASSIFIED JUNE 21, 2006",
                "OADR",
                "DECL:",
                "XDECL: 1",
                "DECL:\u{a0} x DECL: y",
                "DECL: a\nb",
                "",
            ],
        );
    }
    use super::*;

    fn body(text: &str) -> Body {
        super::super::body::parse(text)
    }

    #[test]
    fn declassification_dates() {
        for (text, want) in [
            ("11/20/2016", "2016-11-20"),
            ("2019/07/29", "2019-07-29"),
            ("6/7/2017", "2017-06-07"),
            ("06/03/08", "2008-06-03"),
            ("1/26/20", "2020-01-26"),
            ("2019-02-12", "2019-02-12"),
            ("011/2/2019", "2019-11-02"),
            ("20 FEB 2019", "2019-02-20"),
        ] {
            assert_eq!(parse_date(text).as_deref(), Some(want), "{text}");
        }
        assert_eq!(parse_date("OADR"), None);
    }

    #[test]
    fn declassification_instructions_that_are_not_dates() {
        for (line, on, raw) in [
            ("E.O. 12958: DECL: 11/20/2016", Some("2016-11-20"), None),
            ("EO 12958 DECL: 06/03/08", Some("2008-06-03"), None),
            ("E.o. 12958: decl: 08/13/2034", Some("2034-08-13"), None),
            ("E.O. 12958: DECLl: 2019/07/29", Some("2019-07-29"), None),
            ("E.O. 12958 03/24/2019", Some("2019-03-24"), None),
            ("E.O. 12356: DECL:  OADR", None, Some("OADR")),
            ("E.O. 12958: N/A", None, Some("N/A")),
            ("E.O. 11652: GDS", None, Some("GDS")),
            (
                "E.O. 12958: DECL: TEN YEARS AFTER KOREAN UNIFICATION",
                None,
                Some("TEN YEARS AFTER KOREAN UNIFICATION"),
            ),
        ] {
            let b = body(line);
            assert_eq!(
                (b.declassify_on.as_deref(), b.declassify_raw.as_deref()),
                (on, raw),
                "{line}"
            );
        }
        let b = body("Declassify on: Source marked 25X1-human, Date of source:\n");
        assert_eq!(
            b.declassify_raw.as_deref(),
            Some("Source marked 25X1-human, Date of source")
        );
    }
}
