//! Dates as people type them on the command line: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, where a
//! year or a month means the whole period. Used by `search --from/--to` and by every date
//! parameter of `query` (`from`, `to`, `…_date`), so a canned query always receives two
//! valid days. Anything else is refused with an example, never read as something else:
//! `2009-13-01` once sorted after `2009-12-31` as text and returned 2010 cables, and `2009`
//! compared with `2009-…` timestamps matched nothing.

use crate::read::ReadError;
use chrono::NaiveDate;

/// The period a date stands for: its first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

const FORMS: &str = "a date is YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2009, 2009-02 or 2009-02-28";

/// Read `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `what` names the option in the error.
pub fn period(what: &str, text: &str) -> Result<Period, ReadError> {
    let t = text.trim();
    let bad = |why: String| ReadError::usage_with_hint(arg(what, &format!("{text:?}")), why, FORMS);
    let parts: Vec<&str> = t.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let ok_shape = match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    };
    if !ok_shape {
        return Err(bad("not a date".into()));
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let year = n[0] as i32;
    let month = n.get(1).copied();
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return Err(bad(format!("there is no month {m}")));
        }
    }
    let first = NaiveDate::from_ymd_opt(year, month.unwrap_or(1), n.get(2).copied().unwrap_or(1))
        .ok_or_else(|| bad(format!("{year}-{:02} has no day {}", n[1], n[2])))?;
    let last = match (month, n.get(2)) {
        (_, Some(_)) => first,
        (Some(m), None) => last_day_of_month(year, m),
        (None, None) => NaiveDate::from_ymd_opt(year, 12, 31).expect("December 31st"),
    };
    Ok(Period { first, last })
}

/// `--from 2009`, `--param from=2009`: an option and its value as typed.
fn arg(what: &str, value: &str) -> String {
    if what.ends_with('=') {
        format!("{what}{value}")
    } else {
        format!("{what} {value}")
    }
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .expect("a month has a last day")
}

/// A `--from`/`--to` pair as the first and last day it covers (`YYYY-MM-DD`), either open.
/// A range whose start is after its end is refused: it can match nothing.
pub fn range(
    from: Option<(&str, &str)>,
    to: Option<(&str, &str)>,
) -> Result<(Option<String>, Option<String>), ReadError> {
    let first = from.map(|(what, t)| period(what, t)).transpose()?;
    let last = to.map(|(what, t)| period(what, t)).transpose()?;
    if let (Some(f), Some(l), Some((fw, ft)), Some((tw, tt))) = (first, last, from, to) {
        if f.first > l.last {
            return Err(ReadError::usage_with_hint(
                format!("{} {}", arg(fw, ft), arg(tw, tt)),
                format!(
                    "the range is empty: it starts on {} and ends on {}",
                    f.first, l.last
                ),
                format!("swap them: {} {}", arg(fw, tt), arg(tw, ft)),
            ));
        }
    }
    Ok((
        first.map(|p| p.first.to_string()),
        last.map(|p| p.last.to_string()),
    ))
}

/// Is a query parameter a date? `from`, `to`, `since`, `until`, `date` and `…_date`.
pub fn is_date_parameter(name: &str) -> bool {
    matches!(name, "from" | "to" | "since" | "until" | "date") || name.ends_with("_date")
}

/// The day a date parameter is bound to: the first day of the period, except for an end
/// (`to`, `until`), which takes the last, so `--param to=2009` includes December 31st.
pub fn parameter_day(name: &str, text: &str) -> Result<String, ReadError> {
    let p = period(&format!("--param {name}="), text)?;
    Ok(if matches!(name, "to" | "until") {
        p.last
    } else {
        p.first
    }
    .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(text: &str) -> Result<(String, String), String> {
        period("--from", text)
            .map(|p| (p.first.to_string(), p.last.to_string()))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_three_forms_and_their_periods() {
        for (text, first, last) in [
            ("2009", "2009-01-01", "2009-12-31"),
            ("2009-02", "2009-02-01", "2009-02-28"),
            ("2008-02", "2008-02-01", "2008-02-29"),
            ("2009-12", "2009-12-01", "2009-12-31"),
            ("2009-02-28", "2009-02-28", "2009-02-28"),
            (" 2010-01-15 ", "2010-01-15", "2010-01-15"),
        ] {
            assert_eq!(days(text), Ok((first.into(), last.into())), "{text}");
        }
    }

    #[test]
    fn everything_else_is_refused_with_the_reason() {
        for (text, why) in [
            ("2009-13-01", "--from \"2009-13-01\": there is no month 13"),
            ("2009-02-30", "--from \"2009-02-30\": 2009-02 has no day 30"),
            ("2009-00", "--from \"2009-00\": there is no month 0"),
            ("01/02/2009", "--from \"01/02/2009\": not a date"),
            ("09", "--from \"09\": not a date"),
            ("2009-2-3", "--from \"2009-2-3\": not a date"),
            (
                "2009-02-03 10:00",
                "--from \"2009-02-03 10:00\": not a date",
            ),
            ("", "--from \"\": not a date"),
            ("yesterday", "--from \"yesterday\": not a date"),
        ] {
            assert_eq!(days(text), Err(why.to_string()), "{text}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(
            range(Some(("--from", "2009")), Some(("--to", "2009-03"))).unwrap(),
            (Some("2009-01-01".into()), Some("2009-03-31".into()))
        );
        assert_eq!(
            range(None, Some(("--to", "2009"))).unwrap(),
            (None, Some("2009-12-31".into()))
        );
        // A one-day range is not empty.
        assert!(range(Some(("--from", "2009-05-05")), Some(("--to", "2009-05-05"))).is_ok());
        let e = range(Some(("--from", "2010")), Some(("--to", "2009"))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--from 2010 --to 2009: the range is empty: it starts on 2010-01-01 and ends on 2009-12-31"
        );
        assert_eq!(e.exit_code(), 2);
        assert_eq!(parameter_day("to", "2009-02").unwrap(), "2009-02-28");
        assert_eq!(parameter_day("from", "2009-02").unwrap(), "2009-02-01");
        assert!(is_date_parameter("from") && is_date_parameter("release_date"));
        assert!(!is_date_parameter("tag") && !is_date_parameter("reference_id"));
    }
}
