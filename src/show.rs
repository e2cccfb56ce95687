//! `show REFID`: a cable as a person reads it — metadata, recipients, tags, markings,
//! references (marking those in the archive), then the numbered paragraphs under their
//! headings; or, with `--format json`, the cable with all its child rows, and with `table` or
//! `csv`, its paragraphs one per row. The statements are `sql/read/show_*.sql`, read into the
//! structs below by column name.

use crate::query::{OutputFormat, Rows};
use crate::read::ReadError;
use rusqlite::types::Value;
use rusqlite::{named_params, Connection, OptionalExtension, Row};
use serde::Serialize;
use std::io::Write;

const CABLE: &str = include_str!("../sql/read/show_cable.sql");
const RECIPIENTS: &str = include_str!("../sql/read/show_recipients.sql");
const SOURCES: &str = include_str!("../sql/read/show_sources.sql");
const TAGS: &str = include_str!("../sql/read/show_tags.sql");
const MARKINGS: &str = include_str!("../sql/read/show_markings.sql");
const REFERENCES: &str = include_str!("../sql/read/show_references.sql");
const PARAGRAPHS: &str = include_str!("../sql/read/show_paragraphs.sql");
const WARNINGS: &str = include_str!("../sql/read/show_warnings.sql");

/// The cable row as `show` reads it.
#[derive(Debug, Serialize)]
pub struct CableRow {
    #[serde(skip)]
    pub id: i64,
    pub reference_id: String,
    pub published_id: Option<String>,
    pub created_at: Option<String>,
    pub sent_at: Option<String>,
    pub released_at: Option<String>,
    pub classification: Option<String>,
    pub classification_level: Option<String>,
    pub noforn: bool,
    pub origin: Option<String>,
    pub sender: Option<String>,
    pub precedence: Option<String>,
    pub date_time_group: Option<String>,
    pub subject: Option<String>,
    pub section_count: i64,
    pub declassify_on: Option<String>,
    pub declassify_raw: Option<String>,
    pub classified_by: Option<String>,
    pub classification_reasons: Option<String>,
    pub signer: Option<String>,
    pub signer_key: Option<String>,
    pub summary: Option<String>,
    pub source_format: String,
    pub source_path: String,
    pub source_row: Option<i64>,
}

impl CableRow {
    fn read(r: &Row) -> rusqlite::Result<Self> {
        Ok(CableRow {
            id: r.get("id")?,
            reference_id: r.get("reference_id")?,
            published_id: r.get("published_id")?,
            created_at: r.get("created_at")?,
            sent_at: r.get("sent_at")?,
            released_at: r.get("released_at")?,
            classification: r.get("classification")?,
            classification_level: r.get("classification_level")?,
            noforn: r.get("noforn")?,
            origin: r.get("origin")?,
            sender: r.get("sender")?,
            precedence: r.get("precedence")?,
            date_time_group: r.get("date_time_group")?,
            subject: r.get("subject")?,
            section_count: r.get("section_count")?,
            declassify_on: r.get("declassify_on")?,
            declassify_raw: r.get("declassify_raw")?,
            classified_by: r.get("classified_by")?,
            classification_reasons: r.get("classification_reasons")?,
            signer: r.get("signer")?,
            signer_key: r.get("signer_key")?,
            summary: r.get("summary")?,
            source_format: r.get("source_format")?,
            source_path: r.get("source_path")?,
            source_row: r.get("source_row")?,
        })
    }
}

/// A file or CSV row the cable was read from (`cable_sources`).
#[derive(Debug, Serialize)]
pub struct SourceRow {
    pub source_format: String,
    pub source_path: String,
    /// CSV row number; 0 for a single-cable file.
    pub source_row: i64,
    /// Holds the current version (else an older one, kept in `cable_versions`).
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct RecipientRow {
    pub kind: String,
    pub route: Option<String>,
    pub name: String,
    pub precedence: Option<String>,
    pub mcn: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TagRow {
    pub code: String,
    pub kind: String,
    pub description: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MarkingRow {
    pub marking: String,
    pub detail: Option<String>,
    pub place: String,
}

#[derive(Debug, Serialize)]
pub struct ReferenceRow {
    pub bullet: Option<String>,
    pub text: String,
    pub kind: String,
    pub target_reference_id: Option<String>,
    pub in_archive: bool,
}

#[derive(Debug, Serialize)]
pub struct ParagraphRow {
    pub position: i64,
    pub number: Option<i64>,
    pub marking: Option<String>,
    pub level: Option<String>,
    pub caveats: Option<String>,
    pub heading: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct WarningRow {
    pub field: String,
    pub message: String,
}

/// A cable with its child rows: what `show --format json` prints.
#[derive(Debug, Serialize)]
pub struct Shown {
    #[serde(flatten)]
    pub cable: CableRow,
    pub sources: Vec<SourceRow>,
    pub recipients: Vec<RecipientRow>,
    pub tags: Vec<TagRow>,
    pub markings: Vec<MarkingRow>,
    pub references: Vec<ReferenceRow>,
    pub paragraphs: Vec<ParagraphRow>,
    /// `parse_warnings`: what the parser could not read.
    pub warnings: Vec<WarningRow>,
}

/// The rows of one child statement for a cable.
fn children<T>(
    conn: &Connection,
    sql: &str,
    cable_id: i64,
    read: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>, ReadError> {
    let mut st = conn.prepare(sql)?;
    let rows = st.query_map(named_params! { ":cable_id": cable_id }, read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Read a cable and its child rows. `reference_id` may be written as in a REF line.
pub fn load(conn: &Connection, reference_id: &str) -> Result<Shown, ReadError> {
    crate::read::require_levels(conn)?;
    let id = crate::query::canonical_reference(conn, reference_id)?;
    let cable = conn
        .query_row(CABLE, named_params! { ":reference_id": id }, CableRow::read)
        .optional()?
        .ok_or(ReadError::NoSuchCable(id))?;
    let cable_id = cable.id;
    Ok(Shown {
        sources: children(conn, SOURCES, cable_id, |r| {
            Ok(SourceRow {
                source_format: r.get("source_format")?,
                source_path: r.get("source_path")?,
                source_row: r.get("source_row")?,
                current: r.get("current")?,
            })
        })?,
        recipients: children(conn, RECIPIENTS, cable_id, |r| {
            Ok(RecipientRow {
                kind: r.get("kind")?,
                route: r.get("route")?,
                name: r.get("name")?,
                precedence: r.get("precedence")?,
                mcn: r.get("mcn")?,
            })
        })?,
        tags: children(conn, TAGS, cable_id, |r| {
            Ok(TagRow {
                code: r.get("code")?,
                kind: r.get("kind")?,
                description: r.get("description")?,
            })
        })?,
        markings: children(conn, MARKINGS, cable_id, |r| {
            Ok(MarkingRow {
                marking: r.get("marking")?,
                detail: r.get("detail")?,
                place: r.get("place")?,
            })
        })?,
        references: children(conn, REFERENCES, cable_id, |r| {
            Ok(ReferenceRow {
                bullet: r.get("bullet")?,
                text: r.get("text")?,
                kind: r.get("kind")?,
                target_reference_id: r.get("target_reference_id")?,
                in_archive: r.get("in_archive")?,
            })
        })?,
        paragraphs: children(conn, PARAGRAPHS, cable_id, |r| {
            Ok(ParagraphRow {
                position: r.get("position")?,
                number: r.get("number")?,
                marking: r.get("marking")?,
                level: r.get("level")?,
                caveats: r.get("caveats")?,
                heading: r.get("heading")?,
                text: r.get("text")?,
            })
        })?,
        warnings: children(conn, WARNINGS, cable_id, |r| {
            Ok(WarningRow {
                field: r.get("field")?,
                message: r.get("message")?,
            })
        })?,
        cable,
    })
}

pub fn run(
    conn: &Connection,
    reference_id: &str,
    format: Option<OutputFormat>,
    out: &mut impl Write,
) -> Result<(), ReadError> {
    let shown = load(conn, reference_id)?;
    match format {
        None => print_text(&shown, out),
        Some(OutputFormat::Json) => {
            writeln!(out, "{}", serde_json::to_string_pretty(&shown)?)?;
            Ok(())
        }
        Some(format) => crate::query::print(&paragraph_rows(&shown), format, out),
    }
}

/// `show --format table|csv`: the paragraphs, one per row, with the cable's id.
fn paragraph_rows(shown: &Shown) -> Rows {
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
    Rows {
        columns: [
            "reference_id",
            "position",
            "number",
            "marking",
            "level",
            "caveats",
            "heading",
            "text",
        ]
        .map(String::from)
        .to_vec(),
        rows: shown
            .paragraphs
            .iter()
            .map(|p| {
                vec![
                    Value::Text(shown.cable.reference_id.clone()),
                    Value::Integer(p.position),
                    p.number.map_or(Value::Null, Value::Integer),
                    text(&p.marking),
                    text(&p.level),
                    text(&p.caveats),
                    text(&p.heading),
                    Value::Text(p.text.clone()),
                ]
            })
            .collect(),
    }
}

/// Words into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

fn print_text(s: &Shown, out: &mut impl Write) -> Result<(), ReadError> {
    print_metadata(&s.cable, out)?;
    print_lists(s, out)?;
    if let Some(summary) = s.cable.summary.as_deref().filter(|x| !x.is_empty()) {
        writeln!(out, "\nSummary")?;
        for line in wrap(summary, 92) {
            writeln!(out, "  {line}")?;
        }
    }
    print_paragraphs(&s.paragraphs, out)?;
    if let Some(signer) = s.cable.signer.as_deref().filter(|x| !x.is_empty()) {
        writeln!(out, "\n  {signer}")?;
    }
    Ok(())
}

fn print_metadata(c: &CableRow, out: &mut impl Write) -> Result<(), ReadError> {
    let subject = c.subject.as_deref().unwrap_or("");
    writeln!(out, "{}  {subject}", c.reference_id)?;
    let rule_width = (c.reference_id.len() + 2 + subject.chars().count()).min(100);
    writeln!(out, "{}", "=".repeat(rule_width))?;
    let published = c.published_id.clone().filter(|p| *p != c.reference_id);
    let sections = Some(c.section_count.to_string());
    let meta: [(&str, &Option<String>); 15] = [
        ("Published id", &published),
        ("Created", &c.created_at),
        ("Sent (DTG)", &c.sent_at),
        ("Released", &c.released_at),
        ("Classification", &c.classification),
        ("Origin", &c.origin),
        ("From", &c.sender),
        ("Precedence", &c.precedence),
        ("Date-time group", &c.date_time_group),
        ("Sections", &sections),
        ("Declassify on", &c.declassify_on),
        ("Declassify", &c.declassify_raw),
        ("Classified by", &c.classified_by),
        ("Reasons", &c.classification_reasons),
        ("Signer", &c.signer),
    ];
    for (label, value) in meta {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            writeln!(out, "{label:<16} {v}")?;
        }
    }
    Ok(())
}

fn print_lists(s: &Shown, out: &mut impl Write) -> Result<(), ReadError> {
    if !s.sources.is_empty() {
        // Paths under the current directory are shown relative to it.
        let here = std::env::current_dir().ok();
        writeln!(out, "\nSources")?;
        for src in &s.sources {
            let path = std::path::Path::new(&src.source_path);
            let shown = here
                .as_deref()
                .and_then(|h| path.strip_prefix(h).ok())
                .unwrap_or(path)
                .display();
            let row = match src.source_row {
                0 => String::new(),
                n => format!(" row {n}"),
            };
            let older = if src.current {
                ""
            } else {
                " (an older version)"
            };
            writeln!(out, "  {:<9} {shown}{row}{older}", src.source_format)?;
        }
    }
    if !s.recipients.is_empty() {
        writeln!(out, "\nRecipients")?;
        for r in &s.recipients {
            let route = r
                .route
                .as_deref()
                .map_or(String::new(), |x| format!("{x}/"));
            let extra: Vec<&str> = [&r.precedence, &r.mcn]
                .into_iter()
                .filter_map(|x| x.as_deref())
                .collect();
            writeln!(
                out,
                "  {:<4} {route}{} {}",
                r.kind.to_uppercase(),
                r.name,
                extra.join(" ")
            )?;
        }
    }
    if !s.tags.is_empty() {
        writeln!(out, "\nTags")?;
        for t in &s.tags {
            let desc = t
                .description
                .as_deref()
                .map_or(String::new(), |d| format!(" — {d}"));
            writeln!(out, "  {:<6} {}{desc}", t.code, t.kind)?;
        }
    }
    if !s.markings.is_empty() {
        writeln!(out, "\nMarkings")?;
        for m in &s.markings {
            let detail = m
                .detail
                .as_deref()
                .map_or(String::new(), |d| format!(": {d}"));
            writeln!(out, "  {}{detail}", m.marking)?;
        }
    }
    if !s.references.is_empty() {
        writeln!(out, "\nReferences")?;
        for r in &s.references {
            let bullet = r
                .bullet
                .as_deref()
                .map_or(String::new(), |b| format!("{b}. "));
            let target = match (&r.target_reference_id, r.in_archive) {
                (Some(t), true) => format!("  -> {t} (in this archive)"),
                (Some(t), false) => format!("  -> {t}"),
                _ => String::new(),
            };
            writeln!(out, "  {bullet}{} [{}]{target}", r.text, r.kind)?;
        }
    }
    Ok(())
}

fn print_paragraphs(paragraphs: &[ParagraphRow], out: &mut impl Write) -> Result<(), ReadError> {
    writeln!(out, "\nText")?;
    let mut heading: Option<&str> = None;
    for p in paragraphs {
        if p.heading.as_deref() != heading {
            if let Some(h) = &p.heading {
                writeln!(out, "\n  -- {h} --")?;
            }
            heading = p.heading.as_deref();
        }
        let number = p.number.map_or(String::new(), |n| format!("{n}. "));
        let marking = p
            .marking
            .as_deref()
            .map_or(String::new(), |m| format!("({m}) "));
        writeln!(out)?;
        let mut lines = p.text.lines();
        writeln!(
            out,
            "  {number}{marking}{}",
            lines.next().unwrap_or_default()
        )?;
        for l in lines {
            writeln!(out, "  {l}")?;
        }
    }
    Ok(())
}
