//! The routing header: header family, transmission id, DTG line, FM, and the TO / INFO / XMT
//! recipient lists. Also splits a whole raw telegram into header and body.

use super::text::{is_blank, strip_page_line, trim};
use crate::model::Recipient;
use regex::Regex;
use std::sync::LazyLock;

/// `O 190942Z NOV 08 ZDS`, `O P 131528Z MAY 08`, `R 220927Z AUG 72`.
static DTG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*([ZOPR])(?:\s+([ZOPR]))?\s+(\d{2})(\d{2})(\d{2})Z\s+([A-Za-z]{3})\s+(\d{2})\b")
        .unwrap()
});

#[derive(Debug, Default)]
pub struct Header {
    pub kind: &'static str,
    pub transmission_id: Option<String>,
    pub precedence: Option<String>,
    pub date_time_group: Option<String>,
    pub sent_at: Option<String>,
    pub sender: Option<String>,
    pub recipients: Vec<Recipient>,
}

pub fn precedence_word(letter: &str) -> Option<&'static str> {
    match letter {
        "Z" => Some("FLASH"),
        "O" => Some("IMMEDIATE"),
        "P" => Some("PRIORITY"),
        "R" => Some("ROUTINE"),
        _ => None,
    }
}

pub fn parse(text: &str) -> Header {
    let lines: Vec<&str> = text.lines().collect();
    let mut h = Header {
        kind: kind(&lines),
        ..Header::default()
    };
    h.transmission_id = lines
        .iter()
        .map(|l| trim(l))
        .find(|l| l.starts_with("VZCZC"))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string);
    if let Some(c) = lines.iter().find_map(|l| DTG.captures(l)) {
        h.precedence = precedence_word(&c[1]).map(str::to_string);
        let month = c[6].to_ascii_uppercase();
        h.date_time_group = Some(format!("{}{}{}Z {} {}", &c[3], &c[4], &c[5], month, &c[7]));
        h.sent_at = dtg_datetime(&c[3], &c[4], &c[5], &month, &c[7]);
    }
    let Some(fm) = lines.iter().position(|l| is_fm(l)) else {
        return h;
    };
    h.sender = Some(trim(&trim(lines[fm])[2..]).to_string()).filter(|s| !s.is_empty());
    h.recipients = recipients(&lines[fm + 1..]);
    h
}

fn is_fm(line: &str) -> bool {
    let t = trim(line);
    t.starts_with("FM ") || t == "FM"
}

fn kind(lines: &[&str]) -> &'static str {
    let first = lines.iter().map(|l| trim(l)).find(|l| !l.is_empty());
    match first {
        None => "none",
        Some(l) if l.starts_with("This record is a partial extract") => "partial-extract",
        _ if lines.iter().any(|l| trim(l).starts_with("VZCZC")) => "vzczc",
        _ if lines
            .iter()
            .any(|l| l.contains("LOG-00") || trim(l).starts_with("ACTION ")) =>
        {
            "state-distribution"
        }
        _ if lines.iter().any(|l| is_fm(l)) => "plain",
        _ => "other",
    }
}

/// `DDHHMM` + month + 2-digit year → `YYYY-MM-DD HH:MM:SS` (years pivot at 50: `72` is 1972).
fn dtg_datetime(day: &str, hour: &str, min: &str, month: &str, year: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let m = MONTHS.iter().position(|&x| x == month)? as u32 + 1;
    let y: i32 = year.parse().ok()?;
    let y = if y < 50 { 2000 + y } else { 1900 + y };
    let date = chrono::NaiveDate::from_ymd_opt(y, m, day.parse().ok()?)?;
    let time = chrono::NaiveTime::from_hms_opt(hour.parse().ok()?, min.parse().ok()?, 0)?;
    // What `format("%Y-%m-%d %H:%M:%S")` writes for years 1950–2049, without parsing the
    // format string on every cable.
    use chrono::{Datelike, Timelike};
    Some(format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        date.year(),
        date.month(),
        date.day(),
        time.hour(),
        time.minute(),
        time.second()
    ))
}

/// The lists after FM: each line under TO / INFO / XMT is one addressee, except page-break
/// lines and lines that only continue the addressee above.
fn recipients(lines: &[&str]) -> Vec<Recipient> {
    let mut out: Vec<Recipient> = Vec::new();
    let mut kind: Option<&'static str> = None;
    for line in lines {
        let mut t = trim(line);
        if t.is_empty() || t == "BT" || t == "NNNN" {
            continue;
        }
        for (word, k) in [("TO", "to"), ("INFO", "info"), ("XMT", "xmt")] {
            if let Some(rest) = t.strip_prefix(word) {
                if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                    kind = Some(k);
                    t = trim(rest);
                    break;
                }
            }
        }
        let Some(k) = kind else { continue };
        if t.is_empty() || strip_page_line(t).is_some() {
            continue;
        }
        if let Some(prev) = out.last_mut().filter(|_| is_continuation(t)) {
            continue_recipient(prev, t);
            continue;
        }
        out.push(recipient(k, t));
    }
    out
}

/// A line starting with `/`, or holding only precedence words and a serial.
fn is_continuation(t: &str) -> bool {
    // `/OFFICE//` and a wrapped exclusion list `(EXCLUDING …)` belong to the line above.
    if t.starts_with('/') || t.starts_with('(') || t.starts_with("EXCLUDING") {
        return true;
    }
    t.split_whitespace().all(|w| {
        matches!(w, "NIACT" | "IMMEDIATE" | "PRIORITY" | "ROUTINE" | "FLASH")
            || (w.chars().all(|c| c.is_ascii_digit() || c == '-') && w.len() <= 11)
    })
}

fn continue_recipient(prev: &mut Recipient, t: &str) {
    if t.starts_with('/') {
        prev.name.push_str(t);
        return;
    }
    if t.starts_with('(') || t.starts_with("EXCLUDING") {
        let more = recipient(&prev.kind.clone(), t);
        prev.name.push(' ');
        prev.name.push_str(&more.name);
        prev.precedence = prev.precedence.take().or(more.precedence);
        prev.mcn = prev.mcn.take().or(more.mcn);
        return;
    }
    let precedence: Vec<&str> = t
        .split_whitespace()
        .filter(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    if prev.precedence.is_none() && !precedence.is_empty() {
        prev.precedence = Some(precedence.join(" "));
    }
    if prev.mcn.is_none() {
        prev.mcn = t
            .split_whitespace()
            .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            .map(str::to_string);
    }
}

/// `[RI/]NAME[//OFFICE//] [PRECEDENCE] [SERIAL]`.
///
/// Hand-written (it runs on every addressee line), same grammar as the patterns it replaced:
/// a route of 3–8 capitals and digits before one `/`, a trailing serial of 1–5 digits or a
/// range, and a trailing precedence word.
fn recipient(kind: &str, line: &str) -> Recipient {
    let mut rest = line;
    let mut route = None;
    if let Some(slash) = line.find('/') {
        let ri = &line[..slash];
        let ok = (3..=8).contains(&ri.len())
            && ri.as_bytes()[0].is_ascii_uppercase()
            && ri
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && !line[slash + 1..].starts_with('/');
        if ok {
            route = Some(ri.to_string());
            rest = &line[slash + 1..];
        }
    }
    let mut mcn = None;
    if let Some((head, last)) = rest.trim_end().rsplit_once(char::is_whitespace) {
        if is_serial(last) {
            mcn = Some(last.to_string());
            rest = head;
        }
    }
    let mut precedence = None;
    let trimmed = rest.trim_end();
    for word in [
        "NIACT IMMEDIATE",
        "IMMEDIATE",
        "PRIORITY",
        "PIORITY",
        "ROUTINE",
        "FLASH",
    ] {
        if let Some(head) = trimmed.strip_suffix(word) {
            if head.is_empty() || head.ends_with(char::is_whitespace) {
                // `PIORITY` is a typist's `PRIORITY` (09BAKU179).
                precedence = Some(if word == "PIORITY" { "PRIORITY" } else { word }.to_string());
                rest = head;
                break;
            }
        }
    }
    let mut name = trim(rest);
    if name.is_empty() {
        // A line that is only a serial or a precedence word keeps its text as the name.
        name = trim(line);
        mcn = None;
    }
    Recipient {
        kind: kind.to_string(),
        route,
        name: name.to_string(),
        precedence,
        mcn,
    }
}

/// `8958`, `012`, `2276-2279`.
fn is_serial(word: &str) -> bool {
    let digits = |s: &str| (1..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    match word.split_once('-') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(word),
    }
}

/// Split a whole telegram (raw format) into header and body. Headers can contain blank lines
/// (the `VZCZCXYZ` family, distribution blocks), so the split is after the FM/TO/INFO lists,
/// not at the first blank line.
pub fn split(text: &str) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !is_blank(l));
    let Some(first) = first else {
        return (String::new(), String::new());
    };
    let first_line = trim(lines[first]);
    let header_end = if first_line.starts_with("This record is a partial extract") {
        Some(first + 1)
    } else if let Some(fm) = header_fm(&lines) {
        // The lists end at the first blank line or at the body's banner.
        let end = lines[fm + 1..]
            .iter()
            .position(|l| is_blank(l) || super::body::is_banner(l))
            .map_or(lines.len(), |i| fm + 1 + i);
        Some(end)
    } else if first_line.starts_with("VZCZC") || DTG.is_match(first_line) {
        Some(
            lines[first..]
                .iter()
                .position(|l| is_blank(l))
                .map_or(lines.len(), |i| first + i),
        )
    } else {
        None
    };
    match header_end {
        None => (String::new(), text.to_string()),
        Some(end) => {
            let header = lines[..end].join("\n");
            let body_start = lines[end..]
                .iter()
                .position(|l| !is_blank(l))
                .map_or(lines.len(), |i| end + i);
            (header, lines[body_start..].join("\n"))
        }
    }
}

/// The FM line of a routing header: an `FM` line followed by a TO or INFO list. (An e-mail
/// export puts a whole TELEGRAM form, with TAGS and Subject, before it: 03ABUDHABI2641.)
fn header_fm(lines: &[&str]) -> Option<usize> {
    lines.iter().take(400).enumerate().find_map(|(i, l)| {
        let next = lines[i + 1..]
            .iter()
            .map(|l| trim(l))
            .find(|l| !l.is_empty())?;
        let list = ["TO ", "INFO ", "XMT "].iter().any(|k| next.starts_with(k));
        (is_fm(l) && list).then_some(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(line: &str) -> (Option<String>, String, Option<String>, Option<String>) {
        let x = recipient("to", line);
        (x.route, x.name, x.precedence, x.mcn)
    }

    #[test]
    fn recipient_lines() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            r("RUEHC/SECSTATE WASHDC IMMEDIATE 8958"),
            (
                s("RUEHC"),
                "SECSTATE WASHDC".into(),
                s("IMMEDIATE"),
                s("8958")
            )
        );
        assert_eq!(
            r("RUCNMEM/EU MEMBER STATES COLLECTIVE PRIORITY"),
            (
                s("RUCNMEM"),
                "EU MEMBER STATES COLLECTIVE".into(),
                s("PRIORITY"),
                None
            )
        );
        assert_eq!(
            r("RUEHHE/AMEMBASSY HELSINKI 0342"),
            (s("RUEHHE"), "AMEMBASSY HELSINKI".into(), None, s("0342"))
        );
        assert_eq!(
            r("RUEKJCS/JOINT STAFF WASHDC//J-3/J-5//"),
            (
                s("RUEKJCS"),
                "JOINT STAFF WASHDC//J-3/J-5//".into(),
                None,
                None
            )
        );
        assert_eq!(
            r("ZEN/AMEMBASSY BELMOPAN NIACT IMMEDIATE 2276-2279"),
            (
                s("ZEN"),
                "AMEMBASSY BELMOPAN".into(),
                s("NIACT IMMEDIATE"),
                s("2276-2279")
            )
        );
        assert_eq!(
            r("AMEMBASSY NEW DELHI PIORITY"),
            (None, "AMEMBASSY NEW DELHI".into(), s("PRIORITY"), None)
        );
        assert_eq!(
            r("SECSTATE WASHDC 9461"),
            (None, "SECSTATE WASHDC".into(), None, s("9461"))
        );
    }

    #[test]
    fn wrapped_names_and_exclusions_continue_the_addressee() {
        let h = parse("FM SECSTATE WASHDC\nTO ALL DIPLOMATIC AND CONSULAR POSTS COLLECTIVE\n(EXCLUDING AMEMBASSY PARIS) IMMEDIATE\nRUEKJCS/JOINT STAFF WASHDC\n//J-3/J-5//\nINFO RUEHZZ/NIACT POST NIACT IMMEDIATE 0001\nBT\nNNNN");
        let got: Vec<_> = h
            .recipients
            .iter()
            .map(|r| (r.kind.as_str(), r.name.as_str(), r.precedence.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "to",
                    "ALL DIPLOMATIC AND CONSULAR POSTS COLLECTIVE (EXCLUDING AMEMBASSY PARIS)",
                    Some("IMMEDIATE")
                ),
                ("to", "JOINT STAFF WASHDC//J-3/J-5//", None),
                ("info", "NIACT POST", Some("NIACT IMMEDIATE")),
            ]
        );
    }

    #[test]
    fn dtg() {
        let h = parse(
            "O 190942Z NOV 08 ZDS\nFM AMEMBASSY TOKYO\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 8958",
        );
        assert_eq!(h.date_time_group.as_deref(), Some("190942Z NOV 08"));
        assert_eq!(h.sent_at.as_deref(), Some("2008-11-19 09:42:00"));
        assert_eq!(h.precedence.as_deref(), Some("IMMEDIATE"));
        assert_eq!(h.sender.as_deref(), Some("AMEMBASSY TOKYO"));
        let h = parse("R 220927Z AUG 72\nFM AMEMBASSY TEHRAN");
        assert_eq!(h.sent_at.as_deref(), Some("1972-08-22 09:27:00"));
    }

    #[test]
    fn page_break_and_continuation_lines_are_not_recipients() {
        let h = parse("FM SECSTATE WASHDC\nTO PAGE 02        STATE   015113  182333Z\nAMEMBASSY PARIS\nINFO RUEHXX/AMEMBASSY ROME\nPRIORITY 0042\n");
        let names: Vec<_> = h
            .recipients
            .iter()
            .map(|r| (r.kind.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [("to", "AMEMBASSY PARIS"), ("info", "AMEMBASSY ROME")]
        );
        assert_eq!(h.recipients[1].precedence.as_deref(), Some("PRIORITY"));
        assert_eq!(h.recipients[1].mcn.as_deref(), Some("0042"));
    }
}
