//! `stats`: what an archive holds — cables, rows per table, parse warnings per field — and,
//! with `--fingerprint`, one hash of every row that does not depend on insertion order or
//! row ids, to compare two archives built from the same input.

use crate::read::ReadError;
use crate::store::CHILD_TABLES;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::io::Write;

/// The fingerprint's statement for each content table (`sql/read/fingerprint/`): the cable
/// row, then one per child table, in the order of `store::CHILD_TABLES` (a unit test holds
/// the two lists together).
const FINGERPRINT: &[(&str, &str)] = &[
    ("cables", include_str!("../sql/read/fingerprint/cables.sql")),
    (
        "recipients",
        include_str!("../sql/read/fingerprint/recipients.sql"),
    ),
    (
        "cable_tags",
        include_str!("../sql/read/fingerprint/cable_tags.sql"),
    ),
    (
        "paragraphs",
        include_str!("../sql/read/fingerprint/paragraphs.sql"),
    ),
    (
        "markings",
        include_str!("../sql/read/fingerprint/markings.sql"),
    ),
    (
        "cable_references",
        include_str!("../sql/read/fingerprint/cable_references.sql"),
    ),
    (
        "parse_warnings",
        include_str!("../sql/read/fingerprint/parse_warnings.sql"),
    ),
];

/// Where the cables came from (issue 10): sources and versions, fingerprinted without the runs
/// that recorded them.
const PROVENANCE: &[(&str, &str)] = &[
    (
        "cable_sources",
        include_str!("../sql/read/fingerprint/cable_sources.sql"),
    ),
    (
        "cable_versions",
        include_str!("../sql/read/fingerprint/cable_versions.sql"),
    ),
];

const CABLES_PER_FORMAT: &str = include_str!("../sql/read/stats_formats.sql");
const WARNINGS_PER_FIELD: &str = include_str!("../sql/read/stats_warnings.sql");

/// Every table whose rows are counted: the cables, their child rows, the tag lookup, the
/// versions, and the ingest bookkeeping.
fn counted_tables() -> Vec<&'static str> {
    let mut tables = vec!["cables"];
    tables.extend_from_slice(CHILD_TABLES);
    tables.extend([
        "tags",
        "cable_sources",
        "cable_versions",
        "ingest_runs",
        "ingest_errors",
        "ingest_files",
    ]);
    tables
}

pub fn run(conn: &Connection, fingerprint: bool, out: &mut impl Write) -> Result<(), ReadError> {
    if fingerprint {
        writeln!(out, "{}", fingerprint_of(conn)?)?;
        return Ok(());
    }
    writeln!(out, "rows per table")?;
    for table in counted_tables() {
        // Table names come from the list above, never from input.
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        writeln!(out, "  {table:<18} {n:>10}")?;
    }
    for (title, sql) in [
        ("cables per source format", CABLES_PER_FORMAT),
        ("parse warnings per field (cables)", WARNINGS_PER_FIELD),
    ] {
        writeln!(out, "{title}")?;
        let mut st = conn.prepare(sql)?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>("name")?, r.get::<_, i64>("cables")?))
        })?;
        for row in rows {
            let (name, n) = row?;
            writeln!(out, "  {name:<18} {n:>10}")?;
        }
    }
    Ok(())
}

/// SHA-256 over the sorted rows of every content table.
pub fn fingerprint_of(conn: &Connection) -> Result<String, ReadError> {
    let mut digest = Sha256::new();
    for (_, sql) in FINGERPRINT.iter().chain(PROVENANCE) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_covers_the_cable_and_every_child_table() {
        let tables: Vec<&str> = FINGERPRINT.iter().map(|(t, _)| *t).collect();
        let mut expected = vec!["cables"];
        expected.extend_from_slice(CHILD_TABLES);
        assert_eq!(tables, expected);
    }

    #[test]
    fn the_fingerprint_reads_every_column_of_every_content_table() {
        let tmp = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&tmp.path().join("a.db")).unwrap();
        // cable_versions is left out on purpose (see its statement).
        for (table, sql) in FINGERPRINT.iter().chain(&PROVENANCE[..1]) {
            let columns: Vec<String> = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            // Row ids, links to other rows and run bookkeeping say nothing about content.
            let skipped = [
                "id",
                "cable_id",
                "tag_id",
                // The cited cable's row id: `target_reference_id` says the same without ids.
                "target_cable_id",
                "ingest_run_id",
                "parser_version",
            ];
            for c in columns.iter().filter(|c| !skipped.contains(&c.as_str())) {
                assert!(sql.contains(c.as_str()), "{table}.{c} is not fingerprinted");
            }
        }
    }
}
