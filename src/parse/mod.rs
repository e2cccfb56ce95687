//! Parse: a decoded [`Source`] → a [`Cable`], by one telegram grammar for every format.
//!
//! One module per grammar element, in the order they stand in a telegram: `header` (routing
//! header and recipients), then the body, which `body` walks: the banner, `opening` (the block
//! before paragraph 1, with `captions`, `declassification` for the E.O. line, `tags`,
//! `subject`, `references` and `classified_by`, sharing `continuation` for wrapped lines),
//! `paragraphs` (numbers, `markings`, headings), `summary` and `signature`. This module joins
//! them with the metadata the format carried and fills what a format lacks (a raw telegram's
//! date from its DTG, classification from its banner, origin from FM). Parsing never touches
//! SQL.

/// A lazily compiled regex with a name: the grammar modules keep their patterns beside the
/// rules that use them.
macro_rules! re {
    ($vis:vis $name:ident, $pat:expr) => {
        $vis static $name: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| regex::Regex::new($pat).unwrap());
    };
}

/// An element's label and the rest of its line: `$name` is `LABEL(.*)$`, `$label` is `LABEL`
/// alone, for [`text::after_label`], which finds group 1 without captures.
macro_rules! labelled {
    ($vis:vis $name:ident, $label:ident, $pat:literal) => {
        re!($vis $name, concat!($pat, r"(.*)$"));
        re!($vis $label, $pat);
    };
}

pub mod body;
mod captions;
mod classified_by;
mod continuation;
mod declassification;
pub mod header;
pub mod levels;
mod markings;
mod opening;
mod paragraphs;
pub mod posts;
pub mod references;
mod signature;
mod subject;
mod summary;
mod tags;
pub mod text;

use crate::model::{Cable, Format, Source, Tag, Warning};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("no reference id: not in the metadata, the file name or the banner")]
    NoReferenceId,
    #[error("not a cable: no routing header, classification banner, TAGS or SUBJECT line found")]
    NotACable,
}

static REFERENCE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{2}[A-Z][A-Z0-9-]*[0-9]+$").unwrap());

/// `08TOKYO3205`-shaped: two-digit year, post, serial.
pub fn is_reference_id(s: &str) -> bool {
    REFERENCE_ID.is_match(s)
}

/// Does this text look like a telegram at all? Looks for a routing header, a DTG line, a
/// classification banner as first line, or the E.O. / TAGS / SUBJECT lines.
pub fn looks_like_telegram(text: &str) -> bool {
    let mut lines = text.lines().take(300).filter(|l| !text::is_blank(l));
    let Some(first) = lines.next() else {
        return false;
    };
    if body::is_banner(first) || text::trim(first).starts_with("This record is a partial extract") {
        return true;
    }
    std::iter::once(first).chain(lines).any(|l| {
        let t = text::trim(l);
        t.starts_with("VZCZC")
            || looks_like_tags_line(t)
            || t.starts_with("SUBJECT:")
            || t.starts_with("E.O. 1")
            || t.starts_with("EO 1")
            || (t.starts_with("FM ") && t.len() < 60)
    })
}

/// `TAGS: PREL`, `TAGS PREL, PGOV`, `TAGS:` — but not prose that starts with the word
/// (`TAGS codes are links.` in the corpus README).
fn looks_like_tags_line(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("TAGS") else {
        return false;
    };
    match rest.strip_prefix(':') {
        Some(_) => true,
        None => rest
            .trim_start_matches(text::is_ws)
            .starts_with(|c: char| c.is_ascii_uppercase()),
    }
}

/// Identifies the parser's output: bump the suffix whenever the same input would parse
/// differently, so a re-ingest after an upgrade re-parses what it had skipped as unchanged.
pub const PARSER_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+p3");

/// The identity of the version a source holds: the SHA-256 of its telegram text, normalised
/// (`decode::identity_sha256`). Computed before parsing, so a version already stored can be
/// recognised without parsing it again.
pub fn content_sha256(source: &Source) -> String {
    crate::decode::identity_sha256(source.header.as_deref(), &source.body)
}

pub fn parse(source: Source) -> Result<Cable, ParseError> {
    let content_sha256 = content_sha256(&source);
    let format = source.format.unwrap_or(Format::Raw);
    let (header_text, body_text) = header_and_body(source.header, source.body)?;
    let h = header::parse(&header_text);
    let mut b = body::parse(&body_text);
    let mut warnings = source.warnings;
    warnings.extend(std::mem::take(&mut b.warnings));
    warnings.extend(header_warning(&header_text, &h));
    warnings.extend(control_warning(&header_text, &body_text));
    let published_id = source.reference_id.map(|s| s.trim().to_string());
    let reference_id = published_id
        .as_deref()
        .map(canonical_id)
        .or_else(|| id_from_banner(b.banner.as_deref(), h.sent_at.as_deref()))
        .ok_or(ParseError::NoReferenceId)?;
    let created_at = source.created_at.or_else(|| h.sent_at.clone());
    let classification = source
        .classification
        .or_else(|| classification_from_banner(&b));
    let origin = source
        .origin
        .or_else(|| h.sender.as_deref().and_then(origin_from_sender));
    let references = b
        .references
        .as_deref()
        .map(|t| references::parse(t, citing_year(created_at.as_deref(), &reference_id)))
        .unwrap_or_default();
    let classification_level =
        levels::cable_level(classification.as_deref(), b.banner.as_deref()).map(str::to_string);
    let captions: Vec<&str> = b.markings.iter().map(|m| m.marking.as_str()).collect();
    let noforn = levels::is_noforn(classification.as_deref(), &captions);
    let signer_key = levels::signer_key(b.signer.as_deref());
    let mut paragraphs = b.paragraphs;
    paragraphs.iter_mut().for_each(levels::fill_paragraph);
    Ok(Cable {
        reference_id,
        published_id,
        created_at,
        released_at: source.released_at,
        classification,
        origin,
        title: source.title,
        subject: b.subject,
        header_kind: h.kind.to_string(),
        transmission_id: h.transmission_id,
        precedence: h.precedence,
        date_time_group: h.date_time_group,
        sent_at: h.sent_at,
        sender: h.sender,
        banner: b.banner,
        section_count: b.section_count,
        declassify_on: b.declassify_on,
        declassify_raw: b.declassify_raw,
        classified_by: b.classified_by,
        classification_reasons: b.classification_reasons,
        signer: b.signer,
        signer_key,
        classification_level,
        noforn,
        summary: b.summary,
        header: header_text,
        body: body_text,
        source_path: source.source_path,
        source_format: format,
        source_row: source.source_row,
        content_sha256,
        recipients: h.recipients,
        tags: b.tags.into_iter().map(tag).collect(),
        paragraphs,
        markings: b.markings,
        references,
        warnings,
    })
}

/// The routing header and the body: as the format gave them, else split from the whole
/// telegram (`header::split`). A text with neither a header nor the look of a telegram is not
/// a cable.
fn header_and_body(header: Option<String>, body: String) -> Result<(String, String), ParseError> {
    let (header_text, body_text) = match header {
        Some(h) => (h, body),
        None => header::split(&body),
    };
    if header_text.trim().is_empty() && !looks_like_telegram(&body_text) {
        return Err(ParseError::NotACable);
    }
    Ok((header_text, body_text))
}

/// A missing routing header, or one without its FM line.
fn header_warning(header_text: &str, h: &header::Header) -> Option<Warning> {
    if header_text.trim().is_empty() {
        Some(Warning::new("header", "no routing header"))
    } else if h.kind != "none" && h.kind != "partial-extract" && h.sender.is_none() {
        Some(Warning::new("header", "routing header without an FM line"))
    } else {
        None
    }
}

/// Control characters in a telegram (other than line breaks, tab and form feed) are no part
/// of a cable: a terminal would act on them (`ESC]0;…`, `ESC[2J`; issue 11). The text is
/// stored as published and escaped on a terminal (crate::term); the warning says where.
fn control_warning(header: &str, body: &str) -> Option<Warning> {
    let is_control =
        |c: char| crate::term::is_control(c) && !matches!(c, '\n' | '\r' | '\t' | '\x0c');
    // A byte scan first: on every cable of a run, and nearly always clean. C1 characters
    // are 0xC2 0x80–0x9F in UTF-8 (0xC2 also leads the no-break space, then the char scan).
    let suspect = |t: &str| has_suspect_byte(t.as_bytes()) && t.contains(is_control);
    let (part, text) = [("header", header), ("body", body)]
        .into_iter()
        .find(|(_, t)| suspect(t))?;
    let count = |s: &str| s.chars().filter(|&c| is_control(c)).count();
    let n = count(header) + count(body);
    let (line, first) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.chars().find(|&c| is_control(c)).map(|c| (i + 1, c)))?;
    Some(Warning::new(
        "control_characters",
        format!(
            "{n} control character{} (first U+{:04X} on line {line} of the {part}); stored as published, escaped on a terminal",
            if n == 1 { "" } else { "s" },
            first as u32
        ),
    ))
}

/// Whether `bytes` holds a byte that may start a control character: C0 other than line
/// breaks, tab and form feed, DEL, or 0xC2 (C1 controls, and the no-break space).
fn has_suspect_byte(bytes: &[u8]) -> bool {
    text::any_byte(bytes, |b| {
        (b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0c)
            | (b == 0x7f)
            | (b == 0xc2)
    })
}

/// A raw telegram's classification from its banner and captions: `SECRET` with a NOFORN
/// caption is `SECRET//NOFORN`, as the page metadata writes it.
fn classification_from_banner(b: &body::Body) -> Option<String> {
    let base = b.banner_classification?;
    let caption = |m: &str| b.markings.iter().any(|x| x.marking == m);
    Some(if caption("NOFORN") {
        format!("{base}//NOFORN")
    } else if base == "UNCLASSIFIED" && caption("SENSITIVE") {
        "UNCLASSIFIED//FOR OFFICIAL USE ONLY".to_string()
    } else {
        base.to_string()
    })
}

fn tag(code: String) -> Tag {
    Tag {
        kind: tags::kind(&code).to_string(),
        description: tags::description(&code).map(str::to_string),
        code,
    }
}

/// The year a bare `STATE 12345` in the REF block belongs to: the cable's own year.
fn citing_year(created_at: Option<&str>, reference_id: &str) -> Option<u32> {
    created_at
        .and_then(|c| c.get(..4))
        .and_then(|y| y.parse().ok())
        .or_else(|| Some(2000 + reference_id.get(..2)?.parse::<u32>().ok()?))
}

static SECTION_IN_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{2})SECTION\d+OF\d+([A-Z].*)$").unwrap());

/// Malformed published ids → canonical: `09SECTION01OF03SANJOSE525` → `09SANJOSE525`
/// (the SECTION line of the banner was read into the id).
pub fn canonical_id(published: &str) -> String {
    let upper = published.trim().to_uppercase();
    match SECTION_IN_ID.captures(&upper) {
        Some(c) => format!("{}{}", &c[1], &c[2]),
        None => upper,
    }
}

static BANNER_POST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([A-Za-z][A-Za-z .]*?)\s+0*(\d{1,6})\s*$").unwrap());

/// `… SECTION 01 OF 02 TOKYO 003205` in a 2008 cable → `08TOKYO3205`.
fn id_from_banner(banner: Option<&str>, sent_at: Option<&str>) -> Option<String> {
    let banner = banner?;
    let year = sent_at?.get(2..4)?;
    let tail = banner.rsplit_once(" OF ").map_or(banner, |(_, t)| t);
    let tail = tail.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
    let c = BANNER_POST.captures(tail)?;
    let letters: String = text::letters_upper(&c[1]);
    let post = strip_classification_prefix(&letters);
    (!post.is_empty()).then(|| format!("{year}{post}{}", &c[2]))
}

fn strip_classification_prefix(letters: &str) -> &str {
    for p in ["CONFIDENTIAL", "UNCLASSIFIED", "UNCLAS", "SECRET"] {
        if let Some(rest) = letters.strip_prefix(p) {
            return rest;
        }
    }
    letters
}

/// The page metadata's origin from an FM line: `AMEMBASSY TOKYO` → `Embassy Tokyo`.
pub fn origin_from_sender(sender: &str) -> Option<String> {
    let title = |s: &str| {
        s.split_whitespace()
            .map(|w| {
                let mut c = w.chars();
                c.next().map_or(String::new(), |f| {
                    f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase()
                })
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let s = sender.trim();
    let (kind, place) = s.split_once(' ').unwrap_or((s, ""));
    Some(match kind {
        "AMEMBASSY" => format!("Embassy {}", title(place)),
        "AMCONSUL" => format!("Consulate {}", title(place)),
        "USMISSION" => format!("Mission {}", title(place)),
        "SECSTATE" => "Secretary of State".to_string(),
        _ => s.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_origins() {
        assert!(is_reference_id("08TOKYO3205"));
        assert!(is_reference_id("09SECTION01OF03SANJOSE525"));
        assert!(!is_reference_id("notes"));
        assert_eq!(canonical_id("09SECTION01OF03SANJOSE525"), "09SANJOSE525");
        assert_eq!(canonical_id("08TOKYO3205"), "08TOKYO3205");
        assert_eq!(
            id_from_banner(
                Some("C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003205"),
                Some("2008-11-19 09:42:00")
            )
            .as_deref(),
            Some("08TOKYO3205")
        );
        assert_eq!(
            id_from_banner(Some("UNCLAS SAO PAULO 000104"), Some("2009-01-01 00:00:00")).as_deref(),
            Some("09SAOPAULO104")
        );
        assert_eq!(
            origin_from_sender("AMEMBASSY TOKYO").as_deref(),
            Some("Embassy Tokyo")
        );
        assert_eq!(
            origin_from_sender("SECSTATE WASHDC").as_deref(),
            Some("Secretary of State")
        );
    }
}
