//! The body: banner and SECTION line, captions and markings, the E.O. line, TAGS, SUBJECT,
//! REF and Classified By (the opening), then paragraphs with numbers, portion markings and
//! headings, the summary and the signature.

use super::text::{
    banner_classification, collapse_ws, has_dashes, has_stars, is_blank, is_ws,
    remove_inline_page_marks, strip_page_line, trim,
};
use crate::model::{Marking, Paragraph, Warning};
use regex::Regex;
use std::sync::LazyLock;

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).unwrap());
    };
}

re!(SECTION, r"(?i)\bSECTION\s+0*(\d{1,3})\s+OF\s+0*(\d{1,3})\b");
re!(EO, r"(?:^|\s)(?i:E\.?\s?O\.?)\s*\d{5}\b(.*)$");
re!(TAGS, r"(?:^|\s)(?:TAGS?|Tags?|tags?)\b\s*:?\s*(.*)$");
re!(
    SUBJECT,
    r"^(?:SUBJECT|SUBJ|Subject|subject)\b\s*[:.]?\s*(.*)$"
);
re!(
    REF,
    r"^(?:(?:REFS?|REFERENCES?|REFTELS?)\b\s*:?|(?:Refs?|References?|Reftels?)\s*:)\s*(.*)$"
);
re!(CLASSIFIED_BY, r"(?is)\bclassified\s+by\b\s*:?\s*(.*)$");
re!(
    DERIVED_FROM,
    r"(?i)^(?:\(U\)\s*)?derived\s+from\b\s*:?\s*(.*)$"
);
re!(EO_SUFFIX, r"[;,]?\s*\bE\.?\s?O\.?\s*\d{5}\s*$");
re!(DECLASSIFY_ON, r"(?i)^declassify\s+on\s*:?\s*(.*)$");
re!(
    REASONS,
    r"(?i)^(.*?)[\s.,;:]*\b(?:for\s+reasons?|reasons?|per)\b\s*:?\s*(.*)$"
);
re!(
    SECTION_NUMBER,
    r"^(.*?)[\s.,;:]*\b(1\s?[.:/]\s?[45]\s*\(?[a-hA-H].*)$"
);
// `DECL:`, `decl:`, `DECLl:` (twice in the corpus), but not `DECLASSIFIED JUNE 21, 2006`.
re!(DECL, r"(?i)\bDECLl?\b\s*:?\s*(.*)$");
re!(PORTION, r"^\(([^()]{1,24})\)[ \t\u{a0}]*(.*)$");
re!(
    MARKING,
    r"(?i)^(?:TS|SBU|S|C|U|N)(?:NF|[ ]?(?:/{1,2}|-|[ ])[ ]?[A-Z][A-Z0-9 /.-]*)?$"
);
re!(RULE, r"^\s*(?:-{3,}\s*)+$");
re!(STAR_RULE, r"^\s*\*{3,}[\s*]*$");
re!(HEADING_BETWEEN_RULES, r"^\s*-{3,}\s*(\S.*?)\s*-{3,}\s*$");
re!(HEADING_BEFORE_RULE, r"^\s*(\S.{0,78}?)\s*-{5,}\s*$");
re!(
    SUMMARY_START,
    r"(?i)^\s*(?:BEGIN\s+)?SUMMARY(?:\s*(?:AND|&|/)\s*[A-Z ]{3,20}?)?\s*(?:[.:]+|\s-+|--)\s*"
);
re!(SUMMARY_END, r"(?i)\bEND\s+(?:OF\s+)?SUMMARY\b");
re!(DATE_MDY, r"\b(\d{1,3})/(\d{1,2})/(\d{4}|\d{2})\b");
re!(DATE_YMD, r"\b(\d{4})[/-](\d{1,2})[/-](\d{1,2})\b");
re!(DATE_DMY, r"(?i)\b(\d{1,2})\s+([A-Z]{3})[A-Z]*\s+(\d{4})\b");
re!(
    GLUED_SIGNER,
    r"^(.*(?:[.!?)\x22'”’*:0-9]\s*|\bEND\s+[A-Z ]{3,20}?\s+|\bcfm\s+|[a-z]\s+))([A-Z][A-Z'-]{2,}|[A-Z][a-z][A-Za-z'-]+)$"
);
re!(
    SIGNER_LINE,
    r"^[A-Za-z][A-Za-z'.-]*(?:[ /]+[A-Za-z][A-Za-z'.-]*){0,3}$"
);
re!(
    TRAILER,
    r"(?i)^(?:NNNN|BT|#|End Cable Text|SELECT \* FROM|Declassified/Released|Systematic Review|\d{4}[A-Z]+\d+ - [A-Z]|.*From DB/Inbox|Track impresi)"
);
// The posts' website plug after the signature: `"Visit Ankara's Classified Web Site at
// http://www.intelink.s` / `gov.gov/wiki/Portal:Turkey"` (09ANKARA1472).
re!(
    WEBSITE_PLUG,
    r#"(?i)^(?:["“]?\s*Visit\s.*Classified\s+Web\s*Site|\S*gov\.gov/\S*["”]?$)"#
);

/// Words that end prose, never a signature.
const NOT_NAMES: &[&str] = &[
    "END",
    "COMMENT",
    "SUMMARY",
    "NOTE",
    "TEXT",
    "QUOTE",
    "CABLE",
    "SIPDIS",
    "NOFORN",
    "BT",
    "NNNN",
    "THANKS",
    "REGARDS",
    "CONFIDENTIAL",
    "SECRET",
    "UNCLASSIFIED",
    "UNCLAS",
    "STATE",
];

#[derive(Debug, Default)]
pub struct Body {
    pub banner: Option<String>,
    pub banner_classification: Option<&'static str>,
    pub section_count: u32,
    pub subject: Option<String>,
    pub declassify_on: Option<String>,
    pub declassify_raw: Option<String>,
    /// The REF block after its label, lines joined.
    pub references: Option<String>,
    pub classified_by: Option<String>,
    pub classification_reasons: Option<String>,
    pub tags: Vec<String>,
    pub signer: Option<String>,
    pub summary: Option<String>,
    pub paragraphs: Vec<Paragraph>,
    pub markings: Vec<Marking>,
    pub warnings: Vec<Warning>,
}

/// Captures only after a cheap `is_match`: most opening lines match none of the element
/// patterns, and a DFA answers "no" far faster than capture extraction does.
fn caps<'t>(re: &Regex, t: &'t str) -> Option<regex::Captures<'t>> {
    if re.is_match(t) {
        re.captures(t)
    } else {
        None
    }
}

/// A line of dashes (`--------------`, `-------------- --------------`).
fn is_rule(line: &str) -> bool {
    has_dashes(line) && RULE.is_match(line)
}

/// A banner line names a classification in its first letters.
pub fn is_banner(line: &str) -> bool {
    banner_classification(line).is_some()
}

pub fn parse(text: &str) -> Body {
    // Page-break lines are not text and do not split anything: drop them, keeping text a
    // collapsed body glued after them.
    let kept: Vec<std::borrow::Cow<str>> = text
        .lines()
        .filter_map(|l| match strip_page_line(l) {
            Some(rest) if is_blank(rest) => None,
            Some(rest) => Some(remove_inline_page_marks(rest)),
            None => Some(remove_inline_page_marks(l)),
        })
        .collect();
    let lines: Vec<&str> = kept.iter().map(|l| l.as_ref()).collect();
    let mut b = Body {
        section_count: 1,
        ..Body::default()
    };
    let first_numbered = lines.iter().position(|l| numbered(l).is_some());
    banner(&lines, &mut b);
    let opening_end = opening(&lines, first_numbered, &mut b);
    let mut rest: Vec<&str> = lines[opening_end..]
        .iter()
        .copied()
        // A stray SIPDIS line can sit inside a paragraph (04MADRID974).
        .filter(|l| trim(l) != "SIPDIS")
        .collect();
    let last_line = signature(&mut rest, &mut b);
    b.paragraphs = paragraphs(&rest, last_line.as_deref());
    b.summary = summary(&b.paragraphs);
    if b.classified_by.is_none() {
        // `1. (U) Classified by Ambassador … for reasons 1.5 (B) and (D).` (03ABUDHABI2641)
        if let Some(p) = b
            .paragraphs
            .iter()
            .take(4)
            .find(|p| CLASSIFIED_BY.is_match(&p.text))
        {
            let t = collapse_ws(&p.text);
            classified_by(&t, &mut b);
        }
    }
    if b.tags.is_empty() && !b.warnings.iter().any(|w| w.field == "tags") {
        b.warnings.push(Warning::new("tags", "no TAGS line"));
    }
    if b.subject.is_none() {
        b.warnings.push(Warning::new("subject", "no SUBJECT line"));
    }
    b
}

fn banner(lines: &[&str], b: &mut Body) {
    let Some(line) = lines
        .iter()
        .filter(|l| !is_blank(l))
        .take(3)
        .find(|l| is_banner(l))
    else {
        if !lines.iter().all(|l| is_blank(l)) {
            b.warnings
                .push(Warning::new("banner", "no classification banner"));
        }
        return;
    };
    b.banner = Some(trim(line).to_string());
    b.banner_classification = banner_classification(line);
    if let Some(c) = SECTION.captures(line) {
        b.section_count = c[2].parse().unwrap_or(1).max(1);
    }
}

/// A numbered paragraph's first line: (number, marking, rest of the line).
fn numbered(line: &str) -> Option<(u32, Option<String>, &str)> {
    numbered_with_style(line).map(|(n, m, r, _)| (n, m, r))
}

/// Like [`numbered`], also giving the character after the number (`.` or `)`).
///
/// Hand-written rather than a regex: it runs on every body line and is the parser's hot path.
/// Grammar: up to 12 blanks, 1–2 digits, `.` or `)`, then blanks or a `(` marking.
fn numbered_with_style(line: &str) -> Option<(u32, Option<String>, &str, char)> {
    // A U+FEFF left before `1.` by a copy is white space too (issue 11).
    let is_blank_char =
        |c: char| c == ' ' || c == '\t' || c == '\u{a0}' || crate::decode::is_zero_width(c);
    let body = line.trim_start_matches(is_blank_char);
    if line[..line.len() - body.len()].chars().count() > 12 {
        return None;
    }
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let number: u32 = body[..digits].parse().ok()?;
    let style = match body.as_bytes().get(digits)? {
        b'.' => '.',
        b')' => ')',
        _ => return None,
    };
    let after = &body[digits + 1..];
    let rest = after.trim_start_matches(is_blank_char);
    // `1.4 (B)` and `1.(C)`: after the number comes white space or a marking.
    // A lone `6.` is a number whether or not the renderer kept its trailing space
    // (09LAPAZ1784).
    if rest.len() == after.len() && !rest.starts_with('(') && !rest.is_empty() {
        return None;
    }
    if let Some((marking, text)) = portion_marking(rest) {
        return Some((number, Some(marking.to_uppercase()), text, style));
    }
    // `(U.S.)`, `(Iran)` after a number are text, not markings (09BERLIN1626).
    Some((number, None, rest, style))
}

/// A portion marking opening `text`: `(C) …`, `(S//NF) …`, or `C) …` with the opening
/// parenthesis lost (10ROME1). Returns the marking and the text after it.
fn portion_marking(text: &str) -> Option<(&str, &str)> {
    let (inner, after) = match text.strip_prefix('(') {
        Some(t) => {
            let close = t
                .char_indices()
                .take(26)
                .find(|(_, c)| *c == ')')
                .map(|(i, _)| i)?;
            (&t[..close], &t[close + 1..])
        }
        None => {
            let close = text.bytes().take(7).position(|b| b == b')')?;
            let inner = &text[..close];
            if !inner.bytes().all(|b| b.is_ascii_alphabetic() || b == b'/') {
                return None;
            }
            let after = &text[close + 1..];
            if !after.starts_with([' ', '\t', '\u{a0}']) {
                return None;
            }
            (inner, after)
        }
    };
    let marking = trim(inner);
    if inner.contains('(') || !MARKING.is_match(marking) {
        return None;
    }
    Some((marking, after.trim_start_matches([' ', '\t', '\u{a0}'])))
}

/// The opening: everything up to the end of the last E.O. / TAGS / SUBJECT / REF /
/// Classified By block before paragraph 1. Parses those elements and the captions.
/// Returns the index where paragraphs start.
fn opening(lines: &[&str], first_numbered: Option<usize>, b: &mut Body) -> usize {
    let limit = first_numbered.unwrap_or(lines.len()).min(120);
    let mut end = None::<usize>;
    let mut first_element = None::<usize>;
    let mut i = 0;
    while i < limit {
        let t = trim(lines[i]);
        let mut block_end = None;
        if let Some(c) = caps(&EO, t) {
            if b.declassify_on.is_none() && b.declassify_raw.is_none() {
                declassification(c.get(1).map_or("", |m| m.as_str()), b);
            }
            block_end = Some(i + 1);
        }
        if let Some(c) = caps(&DECLASSIFY_ON, t) {
            if b.declassify_on.is_none() {
                b.declassify_raw = None;
                declassification(c.get(1).map_or("", |m| m.as_str()), b);
            }
            block_end = Some(i + 1);
        }
        if b.tags.is_empty() {
            if let Some(c) = caps(&TAGS, t) {
                let mut text = c[1].to_string();
                let mut j = i + 1;
                while j < limit && !is_blank(lines[j]) && !is_keyword_line(lines[j]) {
                    text.push(' ');
                    text.push_str(trim(lines[j]));
                    j += 1;
                }
                b.tags = split_tags(&text);
                if b.tags.is_empty() {
                    b.warnings
                        .push(Warning::new("tags", "TAGS line present but empty"));
                }
                block_end = Some(j);
            }
        }
        if b.subject.is_none() {
            if let Some(c) = caps(&SUBJECT, t) {
                let mut text = c[1].to_string();
                let mut j = i + 1;
                while j < limit && !is_blank(lines[j]) && !is_keyword_line(lines[j]) {
                    text.push(' ');
                    text.push_str(trim(lines[j]));
                    j += 1;
                }
                // `… AS UK PRIMEREF: A. LONDON 1939 B. LONDON 1704` (08LONDON1991): the REF
                // line glued to the subject.
                if let Some(at) = text.find("REF:").filter(|_| b.references.is_none()) {
                    b.references = Some(collapse_ws(&text[at + 4..]));
                    text.truncate(at);
                }
                b.subject = subject_text(&text);
                block_end = Some(j);
            }
        }
        if let Some(c) = caps(&REF, t).filter(|_| b.references.is_none()) {
            let mut text = c[1].to_string();
            let mut j = i + 1;
            loop {
                while j < limit
                    && !is_blank(lines[j])
                    && !is_keyword_line(lines[j])
                    && !is_prose(lines[j])
                {
                    text.push(' ');
                    text.push_str(trim(lines[j]));
                    j += 1;
                }
                // REF items can be separated by blank lines when each has a bullet.
                let next = (j..limit).find(|&k| !is_blank(lines[k]));
                match next {
                    Some(k) if is_ref_bullet(trim(lines[k])) && !is_keyword_line(lines[k]) => {
                        text.push(' ');
                        text.push_str(trim(lines[k]));
                        j = k + 1;
                    }
                    _ => break,
                }
            }
            // `REF: ASUNCION 396 Classified By: …` (07SANTIAGO983): the next element glued on.
            if let Some(m) = CLASSIFIED_BY.find(&text) {
                if b.classified_by.is_none() {
                    classified_by(&collapse_ws(&text[m.start()..]), b);
                }
                text.truncate(m.start());
            }
            b.references = Some(collapse_ws(&text));
            block_end = Some(j);
        }
        if b.classified_by.is_none() {
            if let Some(c) = caps(&CLASSIFIED_BY, t).or_else(|| caps(&DERIVED_FROM, t)) {
                let mut text = c[0].to_string();
                let mut j = i + 1;
                // `------- SUMMARY -------` right under the line is not part of it (10LAGOS75).
                while j < limit
                    && !is_blank(lines[j])
                    && numbered(lines[j]).is_none()
                    && !is_rule(lines[j])
                    && !HEADING_BETWEEN_RULES.is_match(lines[j])
                    && !is_prose(lines[j])
                {
                    text.push(' ');
                    text.push_str(trim(lines[j]));
                    j += 1;
                }
                classified_by(&collapse_ws(&text), b);
                block_end = Some(j);
            }
        }
        match block_end {
            Some(e) => {
                first_element.get_or_insert(i);
                end = Some(end.map_or(e, |x| x.max(e)));
                i = e.max(i + 1);
            }
            None => i += 1,
        }
    }
    let caption_end = first_element.unwrap_or(limit.min(lines.len()));
    captions(&lines[..caption_end], b);
    match end {
        Some(e) => e,
        None => {
            let banner_at = lines.iter().position(|l| is_banner(l));
            first_numbered.unwrap_or(banner_at.map_or(0, |i| i + 1))
        }
    }
}

fn is_keyword_line(line: &str) -> bool {
    let t = trim(line);
    SUBJECT.is_match(t)
        || REF.is_match(t)
        || CLASSIFIED_BY.is_match(t)
        || EO.is_match(t)
        || t.starts_with("TAGS")
        || numbered(line).is_some()
}

/// A paragraph, not a continuation of an opening element: a long collapsed line or one that
/// opens with a portion marking (`(SBU) Poloff delivered…`, 08KUALALUMPUR317).
fn is_prose(line: &str) -> bool {
    let t = trim(line);
    t.len() > 160 || t.starts_with('(') && portion_marking(t).is_some_and(|(m, _)| m.len() > 1)
}

fn is_ref_bullet(t: &str) -> bool {
    let b = t.as_bytes();
    (b.len() > 2 && b[0].is_ascii_uppercase() && (b[1] == b'.' || b[1] == b')') && b[2] == b' ')
        || (b.len() > 3 && b[0] == b'(' && b[1].is_ascii_uppercase() && b[2] == b')')
}

/// TAGS codes: split on commas, semicolons and white space, `().;` trimmed, upper-cased,
/// repeats dropped.
fn split_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // `OVIP (STEINBERG, JAMES B.)` (09SINGAPORE529): a person's name in parentheses is one tag.
    let mut rest = text.to_string();
    while let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) {
        if close < open {
            break;
        }
        let name = collapse_ws(rest[open + 1..close].trim_end_matches(['.', ' ']));
        if name.contains(',') || name.contains(' ') {
            let name = name.to_uppercase();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        rest.replace_range(open..=close, " ");
    }
    let text = rest.as_str();
    let mut codes: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c == ';' || is_ws(c)) {
        let code = raw
            .trim_matches(|c: char| "().;:".contains(c))
            .to_uppercase();
        if !code.is_empty() && !codes.contains(&code) && !out.contains(&code) {
            codes.push(code);
        }
    }
    // Codes keep their order; a person tag follows the code it qualified (`OVIP`).
    let mut ordered = Vec::with_capacity(codes.len() + out.len());
    let persons = out;
    for code in codes {
        ordered.push(code.clone());
        if code == "OVIP" || code == "CVIS" || code == "KPAO" {
            ordered.extend(
                persons
                    .iter()
                    .filter(|p| !ordered.contains(p))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }
    for p in persons {
        if !ordered.contains(&p) {
            ordered.push(p);
        }
    }
    ordered
}

/// Subject text: white space collapsed, a leading portion marking such as `(C)` removed.
fn subject_text(text: &str) -> Option<String> {
    let mut s = collapse_ws(text);
    if let Some(p) = PORTION.captures(&s) {
        if MARKING.is_match(trim(&p[1])) {
            s = p[2].to_string();
        }
    }
    (!s.is_empty()).then_some(s)
}

/// `Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)` → person and reasons.
fn classified_by(text: &str, b: &mut Body) {
    let (derived, rest) = match CLASSIFIED_BY.captures(text) {
        Some(c) => (
            false,
            c.get(1).map_or("", |m| m.as_str()).trim().to_string(),
        ),
        None => match DERIVED_FROM.captures(text) {
            Some(c) => (true, c[0].trim().to_string()),
            None => return,
        },
    };
    // `Classified By: Classified by Political Officer …` (05MADRID395): the label twice.
    let rest = CLASSIFIED_BY
        .captures(&rest)
        .filter(|c| c.get(0).is_some_and(|m| m.start() == 0))
        .map_or(rest.clone(), |c| c[1].to_string());
    let rest = rest.as_str();
    if derived {
        // `Derived from: Multiple Sources`: the authority is the derivation itself.
        b.classified_by = Some(rest.trim_end_matches('.').to_string());
        return;
    }
    let clean = |s: &str| {
        let s = s.trim().trim_end_matches(['.', ',', ';', ':']).trim();
        // `CDA Robert Deutsch; E.O. 12958, reasons …` (05ANKARA1730): the order cited inline.
        let s = EO_SUFFIX.find(s).map_or(s, |m| &s[..m.start()]);
        // `… DOWNES FOR 1.4 (D)` (06CARACAS219): the reason keyword left out.
        let s = s
            .strip_suffix(" FOR")
            .or_else(|| s.strip_suffix(" for"))
            .unwrap_or(s)
            .trim_end_matches(['.', ',', ';', ':'])
            .trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    if let Some(r) = REASONS
        .captures(rest)
        .or_else(|| SECTION_NUMBER.captures(rest))
    {
        b.classified_by = clean(&r[1]);
        b.classification_reasons = clean(&r[2]);
    } else {
        b.classified_by = clean(rest);
    }
}

/// The E.O. line after its order number: a date after `DECL:` (or anywhere), else the raw
/// instruction (`OADR`, `X1`, `25X1-HUMAN`, `N/A`).
fn declassification(rest: &str, b: &mut Body) {
    let rest = rest.trim_start_matches([':', ' ', '\t']);
    let decl = DECL
        .captures(rest)
        .map_or(rest, |d| d.get(1).map_or("", |m| m.as_str()));
    // `E.O. 12958: DECL: 10/29/2018 TAGS: …` (08OSLO585): stop at a glued TAGS.
    let decl = decl.split("TAGS").next().unwrap_or(decl);
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
    let ymd = |y: i32, m: u32, d: u32| {
        chrono::NaiveDate::from_ymd_opt(y, m, d).map(|d| d.format("%Y-%m-%d").to_string())
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

/// Caption lines before the E.O. line: SIPDIS, NOFORN, CORRECTED COPY, pass and
/// distribution lines.
fn captions(lines: &[&str], b: &mut Body) {
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
        let t = collapse_ws(line);
        if t.is_empty() {
            continue;
        }
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
        } else if !is_banner(line)
            && words.contains(&"FOR")
            && !words.iter().all(|w| WORDS.contains(w))
        {
            add("DISTRIBUTION", Some(t.clone()));
        }
    }
}

/// Drop trailers and find the signature at the end of the body. Removes both from `lines`;
/// returns the last text line with a glued signature cut off, when there was one.
fn signature(lines: &mut Vec<&str>, b: &mut Body) -> Option<String> {
    while let Some(last) = lines.last() {
        let t = trim(last);
        // A plug line that ends in a plain word keeps it: `…index. cfm Tuttle` (08LONDON639).
        let ends_in_name = t
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|w| w.chars().all(|c| c.is_alphabetic()));
        if t.is_empty() || TRAILER.is_match(t) || (WEBSITE_PLUG.is_match(t) && !ends_in_name) {
            lines.pop();
        } else {
            break;
        }
    }
    // `MURRAY .`, `LA LIME` and a lone `.` line after the name: stray full stops.
    while lines.last().is_some_and(|l| trim(l) == ".") {
        lines.pop();
    }
    let last = trim(lines.last()?);
    let last = last.strip_suffix(" .").unwrap_or(last).trim_end();
    // `DANILOVICH 2005-05-06`, `SOBEL 2008-01-08`: a date after the name.
    let last = last
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '/')
        .trim_end();
    let candidate = last
        .strip_prefix("MINIMIZE CONSIDERED")
        .map_or(last, |s| s.trim());
    if SIGNER_LINE.is_match(candidate) && candidate.len() <= 40 {
        let words: Vec<&str> = candidate.split_whitespace().collect();
        let is_name = !words.is_empty()
            && words.len() <= 3
            && words
                .iter()
                .all(|w| !NOT_NAMES.contains(&w.to_uppercase().as_str()) || *w == "UNQUOTE")
            && !candidate.ends_with('.');
        if is_name {
            b.signer = Some(signer_name(&words));
            lines.pop();
            return None;
        }
    }
    if let Some(c) = GLUED_SIGNER.captures(last) {
        let name = &c[2];
        let before = c[1].trim_end();
        // After a lower-case word only an all-caps name is a signature (`… Portal:Unit
        // ed_Kingdom TUTTLE`), except the London website plug's `…index. cfm Tuttle`.
        let after_word = before.ends_with(|ch: char| ch.is_lowercase());
        let plausible =
            !after_word || before.ends_with("cfm") || name.chars().all(|ch| !ch.is_lowercase());
        if plausible && !NOT_NAMES.contains(&name.to_uppercase().as_str()) {
            b.signer = Some(name.to_string());
            // The caller reads the last line as this text; the line stays in place.
            return Some(before.to_string());
        }
    }
    None
}

/// `KUBISKE KUBISKE`, `SHANNON Shannon`, `CLINTON UNQUOTE CLINTON` name one person.
fn signer_name(words: &[&str]) -> String {
    let names: Vec<&str> = words.iter().copied().filter(|w| *w != "UNQUOTE").collect();
    if names.len() == 2 && names[0].eq_ignore_ascii_case(names[1]) {
        return names[0].to_string();
    }
    names.join(" ")
}

struct Builder {
    number: Option<u32>,
    marking: Option<String>,
    heading: Option<String>,
    lines: Vec<String>,
}

impl Builder {
    fn finish(self) -> Option<Paragraph> {
        let mut text = String::new();
        let mut blank_pending = false;
        for l in &self.lines {
            let l = l.trim_end_matches(is_ws);
            if l.trim_matches(is_ws).is_empty() {
                blank_pending = !text.is_empty();
                continue;
            }
            if !text.is_empty() {
                text.push_str(if blank_pending { "\n\n" } else { "\n" });
            }
            blank_pending = false;
            text.push_str(l);
        }
        let text = text.trim_start_matches(is_ws).to_string();
        (!text.is_empty() || self.number.is_some()).then_some(Paragraph {
            number: self.number,
            marking: self.marking,
            // Read from the marking by `parse::levels`, in `parse::parse`.
            level: None,
            caveats: None,
            heading: self.heading,
            text,
        })
    }
}

/// Split the body after the opening into paragraphs. With numbered paragraphs, a paragraph
/// runs to the next numbered paragraph, heading or the signature; unnumbered text is split at
/// blank lines.
fn paragraphs(lines: &[&str], last_line: Option<&str>) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut heading: Option<String> = None;
    let mut cur: Option<Builder> = None;
    let mut prev_number: Option<u32> = None;
    let n = lines.len();
    let line_at = |i: usize| -> &str {
        match last_line {
            Some(l) if i + 1 == n => l,
            _ => lines[i],
        }
    };
    // Old cables separate paragraphs with a lone `-` line (90CAPETOWN97).
    let blank_before = |i: usize| {
        i == 0 || is_blank(lines[i - 1]) || is_rule(lines[i - 1]) || trim(lines[i - 1]) == "-"
    };
    // Unblanked bodies end a paragraph with a sentence and start the next number on the
    // following line (`…per day.` / `16. Radio, …`, 07PARIS306).
    let ends_sentence =
        |i: usize| i > 0 && trim(lines[i - 1]).ends_with(['.', ':', ';', '"', ')', '\'']);
    let mut style: Option<char> = None;
    let mut i = 0;
    while i < n {
        let line = line_at(i);
        if let Some((text, used)) = heading_at(lines, i, blank_before(i)) {
            out.extend(cur.take().and_then(Builder::finish));
            heading = Some(text);
            i += used;
            continue;
        }
        if is_rule(line) || (has_stars(line) && STAR_RULE.is_match(line)) {
            if cur.as_ref().is_some_and(|c| c.number.is_none()) {
                out.extend(cur.take().and_then(Builder::finish));
            }
            i += 1;
            continue;
        }
        if let Some((number, marking, rest, this_style)) = numbered_with_style(line) {
            // The first paragraph sets the style (`1.` or `1)`); numbers in the other style
            // are items inside a paragraph (`1) (S/NF) …` questions, 09STATE6423). A marked
            // number starts a paragraph; an unmarked one must follow a blank line and continue
            // the sequence (or open a section: 08RIODEJANEIRO171 numbers 6 then 5 under two
            // headings), or directly follow a sentence as the next number.
            let same_style = style.is_none_or(|s| s == this_style);
            let accept = same_style
                && (marking.is_some()
                    || (blank_before(i)
                        && (cur.is_none() || prev_number.is_none_or(|p| number > p)))
                    || (ends_sentence(i) && prev_number.is_some_and(|p| number == p + 1)));
            if accept {
                style.get_or_insert(this_style);
                out.extend(cur.take().and_then(Builder::finish));
                prev_number = Some(number);
                cur = Some(Builder {
                    number: Some(number),
                    marking,
                    heading: heading.clone(),
                    lines: vec![rest.to_string()],
                });
                i += 1;
                continue;
            }
        }
        if is_blank(line) {
            match &mut cur {
                Some(c) if c.number.is_some() => c.lines.push(String::new()),
                _ => out.extend(cur.take().and_then(Builder::finish)),
            }
            i += 1;
            continue;
        }
        cur.get_or_insert_with(|| Builder {
            number: None,
            marking: None,
            heading: heading.clone(),
            lines: Vec::new(),
        })
        .lines
        .push(line.to_string());
        i += 1;
    }
    out.extend(cur.take().and_then(Builder::finish));
    out
}

/// A section heading at line `i`: (heading text, lines used).
fn heading_at(lines: &[&str], i: usize, blank_before: bool) -> Option<(String, usize)> {
    let line = lines[i];
    let next = lines.get(i + 1).copied();
    let short_text = |l: &str| {
        let t = trim(l);
        !t.is_empty() && t.len() <= 80 && !is_rule(l) && numbered(l).is_none()
    };
    // `----` / `Pointed Displeasure` / `----` (seed)
    if is_rule(line) {
        let (Some(text), Some(below)) = (next, lines.get(i + 2)) else {
            return None;
        };
        if short_text(text) && is_rule(below) {
            return Some((collapse_ws(text), 3));
        }
        return None;
    }
    // `AKP Government Adrift` / `------` (05ANKARA1730)
    if blank_before && short_text(line) && next.is_some_and(is_rule) {
        return Some((collapse_ws(line), 2));
    }
    // `------------- Comment: -------------`, `INAUGURATION LIKELY JANUARY 1 -----` (collapsed)
    if let Some(c) = has_dashes(line)
        .then(|| {
            HEADING_BETWEEN_RULES
                .captures(line)
                .or_else(|| HEADING_BEFORE_RULE.captures(line))
        })
        .flatten()
    {
        let t = trim(&c[1]);
        if !t.starts_with("--") && t.len() <= 80 {
            return Some((collapse_ws(t), 1));
        }
    }
    // A short all-caps line standing alone: `OVERVIEW`, `COMMENT`, `KEY POLITICAL CRITERIA:`.
    let t = trim(line);
    let alone = blank_before && next.is_none_or(is_blank);
    if alone
        && (3..=60).contains(&t.len())
        && t.chars().any(|c| c.is_alphabetic())
        && !t.chars().any(|c| c.is_lowercase())
        && t.chars().next().is_some_and(|c| c.is_alphabetic())
        && !t.ends_with(['.', ',', ';'])
        && !t.starts_with("END")
        && t.split_whitespace().count() <= 8
        && numbered(line).is_none()
    {
        return Some((t.trim_end_matches(':').trim().to_string(), 1));
    }
    None
}

/// The text between `Summary`/`SUMMARY:` and `End Summary`, else a paragraph that begins with
/// `Summary`, else the paragraph(s) under a `Summary` heading.
fn summary(paragraphs: &[Paragraph]) -> Option<String> {
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
    use super::*;

    #[test]
    fn numbered_lines() {
        assert_eq!(
            numbered("1. (C) Summary. Russian"),
            Some((1, Some("C".into()), "Summary. Russian"))
        );
        assert_eq!(
            numbered("12.(S/NF) text"),
            Some((12, Some("S/NF".into()), "text"))
        );
        assert_eq!(numbered("3) (c) text"), Some((3, Some("C".into()), "text")));
        assert_eq!(numbered("4. (U.S.) said"), Some((4, None, "(U.S.) said")));
        assert_eq!(numbered("1.4 (B) (D)"), None);
        assert_eq!(numbered("2007. The"), None);
    }

    #[test]
    fn markings() {
        for m in [
            "C",
            "S",
            "SBU",
            "U",
            "S/NF",
            "S//NF",
            "C/NOFORN",
            "S-NF",
            "SNF",
            "C NF",
            "N/SF",
            "S//FGI//NF",
            "S/REL NATO",
            "U//FOUO",
        ] {
            assert!(MARKING.is_match(m), "{m}");
        }
        for m in ["Iran", "China", "U.S.", "B"] {
            assert!(!MARKING.is_match(m), "{m}");
        }
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
    fn classified_by_lines() {
        let mut b = Body::default();
        classified_by(
            "Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)",
            &mut b,
        );
        assert_eq!(
            b.classified_by.as_deref(),
            Some("Ambassador J. Thomas Schieffer")
        );
        assert_eq!(b.classification_reasons.as_deref(), Some("1.4 (B) (D)"));
        let mut b = Body::default();
        classified_by(
            "CLASSIFIED BY: DCM Robert Smith for reasons 1.4 b and d.",
            &mut b,
        );
        assert_eq!(b.classified_by.as_deref(), Some("DCM Robert Smith"));
        assert_eq!(b.classification_reasons.as_deref(), Some("1.4 b and d"));
    }

    #[test]
    fn tags_split_on_commas_and_spaces() {
        assert_eq!(
            split_tags("PREL PGOV ECON JA RS KN"),
            ["PREL", "PGOV", "ECON", "JA", "RS", "KN"]
        );
        assert_eq!(
            split_tags("PREL, EPET,EAID; pgov, PREL"),
            ["PREL", "EPET", "EAID", "PGOV"]
        );
        assert_eq!(
            split_tags("OVIP (STEINBERG, JAMES B.), PREL, MNUC, ECON, SN, CH,"),
            [
                "OVIP",
                "STEINBERG, JAMES B",
                "PREL",
                "MNUC",
                "ECON",
                "SN",
                "CH"
            ]
        );
    }

    #[test]
    fn signatures() {
        let mut b = Body::default();
        let mut lines = vec!["text.", "SCHIEFFER", "", "NNNN"];
        assert_eq!(signature(&mut lines, &mut b), None);
        assert_eq!(b.signer.as_deref(), Some("SCHIEFFER"));
        assert_eq!(lines, ["text."]);
        let mut b = Body::default();
        let mut lines = vec!["END TALKING POINTS. RICE"];
        assert_eq!(
            signature(&mut lines, &mut b).as_deref(),
            Some("END TALKING POINTS.")
        );
        assert_eq!(b.signer.as_deref(), Some("RICE"));
        let mut b = Body::default();
        let mut lines = vec!["the end of the talks.", "END COMMENT."];
        assert_eq!(signature(&mut lines, &mut b), None);
        assert_eq!(b.signer, None);
        let mut b = Body::default();
        let mut lines = vec!["x", "CLINTON UNQUOTE CLINTON"];
        signature(&mut lines, &mut b);
        assert_eq!(b.signer.as_deref(), Some("CLINTON"));
    }
}

#[cfg(test)]
mod opening_tests {
    use super::*;

    fn body(text: &str) -> Body {
        parse(text)
    }

    #[test]
    fn subject_spellings_and_continuations() {
        for (text, want) in [
            // seed: two lines joined by one space
            ("SUBJECT: RUSSIA FM CRITCIZES JAPAN'S ROLE IN G8 REGARDING\nGEORGIA\n\n1. (C) x", "RUSSIA FM CRITCIZES JAPAN'S ROLE IN G8 REGARDING GEORGIA"),
            // 90CAPETOWN97
            ("SUBJ: ANC PRESSES SAG\n\n1. x", "ANC PRESSES SAG"),
            // no colon
            ("SUBJECT CONTINUING TERRORIST VIOLENCE\n\nREF: TEHRAN 4887\n", "CONTINUING TERRORIST VIOLENCE"),
            // 09STATE11937: lower case label, portion marking removed, REF ends it
            ("Subject: (U) Secretary Clinton's February 5, 2009\nexpanded meeting\nREF: STATE 1\n", "Secretary Clinton's February 5, 2009 expanded meeting"),
            // ends at Classified By and at paragraph 1
            ("SUBJECT: (S/NF) A B\nClassified By: X for reasons 1.4 (b)\n", "A B"),
            ("SUBJECT: A\nB\n1. (C) text", "A B"),
        ] {
            assert_eq!(body(text).subject.as_deref(), Some(want), "{text}");
        }
        let b = body("UNCLAS X 000001\n\nTAGS: PREL\n\n1. (U) text");
        assert_eq!(b.subject, None);
        assert!(b.warnings.iter().any(|w| w.field == "subject"));
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

    #[test]
    fn classification_authority_spellings() {
        for (line, by, reasons) in [
            ("Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)", "Ambassador J. Thomas Schieffer", Some("1.4 (B) (D)")),
            ("CLASSIFIED BY: A/DCM ABELARDO A. ARIAS FOR REASONS 1.4 (D)", "A/DCM ABELARDO A. ARIAS", Some("1.4 (D)")),
            ("(U) Classified by CDA Robert Deutsch; E.O. 12958, reasons 1.4 (b) and (d).", "CDA Robert Deutsch", Some("1.4 (b) and (d)")),
            ("Classified By: POL M/C James L. Wayman. Reasons 1.4(b/d)", "POL M/C James L. Wayman", Some("1.4(b/d)")),
            ("Classified By: COM Carmen Martinez for Reasons 1.5 (B,D)", "COM Carmen Martinez", Some("1.5 (B,D)")),
            ("Classified By: POLITICAL COUNSELOR ROBERT R. DOWNES FOR 1.4 (D)", "POLITICAL COUNSELOR ROBERT R. DOWNES", Some("1.4 (D)")),
            ("Classified By: Classified by Political Officer Ricardo Zuniga; reasons 1.4 (B) and (D)", "Political Officer Ricardo Zuniga", Some("1.4 (B) and (D)")),
            ("Classified By: Derived from Multiple Sources", "Derived from Multiple Sources", None),
            ("Derived from: DSCG 05-1", "Derived from: DSCG 05-1", None),
        ] {
            let b = body(line);
            assert_eq!(b.classified_by.as_deref(), Some(by), "{line}");
            assert_eq!(b.classification_reasons.as_deref(), reasons, "{line}");
        }
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
