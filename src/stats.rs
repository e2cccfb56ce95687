//! `stats`: what an archive holds — cables, rows per table, parse warnings per field — and,
//! with `--fingerprint`, one hash of every row that does not depend on insertion order or
//! row ids, to compare two archives built from the same input.

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// Tables whose rows are counted, in schema order.
const TABLES: &[&str] = &[
    "cables",
    "recipients",
    "tags",
    "cable_tags",
    "paragraphs",
    "markings",
    "cable_references",
    "parse_warnings",
    "ingest_runs",
    "ingest_errors",
];

/// Every stored row as text keyed by reference id (never by row id), for the fingerprint.
const FINGERPRINT_QUERIES: &[&str] = &[
    "SELECT json_array(reference_id, published_id, created_at, released_at, classification, origin,
        title, subject, header_kind, transmission_id, precedence, date_time_group, sent_at, sender,
        banner, section_count, declassify_on, declassify_raw, classified_by,
        classification_reasons, signer, summary, header, body, source_path, source_format,
        source_row, content_sha256) FROM cables",
    "SELECT json_array(c.reference_id, r.position, r.kind, r.route, r.name, r.precedence, r.mcn)
        FROM recipients r JOIN cables c ON c.id = r.cable_id",
    "SELECT json_array(c.reference_id, ct.position, t.code, t.kind, t.description)
        FROM cable_tags ct JOIN cables c ON c.id = ct.cable_id JOIN tags t ON t.id = ct.tag_id",
    "SELECT json_array(c.reference_id, p.position, p.number, p.marking, p.heading, p.text)
        FROM paragraphs p JOIN cables c ON c.id = p.cable_id",
    "SELECT json_array(c.reference_id, m.marking, m.detail, m.place)
        FROM markings m JOIN cables c ON c.id = m.cable_id",
    "SELECT json_array(c.reference_id, r.position, r.bullet, r.text, r.kind, r.target_reference_id)
        FROM cable_references r JOIN cables c ON c.id = r.cable_id",
    "SELECT json_array(c.reference_id, w.field, w.message)
        FROM parse_warnings w JOIN cables c ON c.id = w.cable_id",
];

pub fn run(db: &Path, fingerprint: bool) -> anyhow::Result<()> {
    let conn = crate::store::open_read_only(db)?;
    // `--fingerprint` reads every row: Ctrl-C interrupts it (status 130).
    let _watch = crate::interrupt::watch(&conn, None);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if fingerprint {
        writeln!(out, "{}", fingerprint_of(&conn)?)?;
        return Ok(());
    }
    writeln!(out, "rows per table")?;
    for table in TABLES {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        writeln!(out, "  {table:<18} {n:>10}")?;
    }
    writeln!(out, "cables per source format")?;
    let mut st = conn.prepare(
        "SELECT source_format, count(*) FROM cables GROUP BY source_format ORDER BY source_format",
    )?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (format, n) = row?;
        writeln!(out, "  {format:<18} {n:>10}")?;
    }
    writeln!(out, "parse warnings per field (cables)")?;
    let mut st = conn.prepare(
        "SELECT field, count(DISTINCT cable_id) FROM parse_warnings GROUP BY field ORDER BY field",
    )?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (field, n) = row?;
        writeln!(out, "  {field:<18} {n:>10}")?;
    }
    Ok(())
}

/// SHA-256 over the sorted rows of every content table.
pub fn fingerprint_of(conn: &Connection) -> anyhow::Result<String> {
    let mut digest = Sha256::new();
    for sql in FINGERPRINT_QUERIES {
        let mut rows: Vec<String> = conn
            .prepare(sql)?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        rows.sort_unstable();
        for row in rows {
            digest.update(row.as_bytes());
            digest.update(b"\n");
        }
        digest.update(b"\x00");
    }
    Ok(format!("{:x}", digest.finalize()))
}
