//! Helpers for tests that run the real binary against a scratch directory.
#![allow(dead_code)]

use assert_cmd::Command;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The development corpus (`../shared/corpus`, 980 cables in four formats), or None with a
/// notice when it is not beside the checkout.
pub fn corpus() -> Option<PathBuf> {
    let c = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if c.join("truth-dev.jsonl").exists() {
        Some(c)
    } else {
        eprintln!("NOTICE: ../shared/corpus not found; skipping the corpus part of this test");
        None
    }
}

pub fn bin() -> Command {
    Command::cargo_bin("cable-archive").unwrap()
}

/// Run `ingest --quiet --db DB PATHS...`; returns (exit code, stderr).
/// Ingest without `--quiet`, so per-file lines are on stderr (no progress bar: not a terminal).
pub fn ingest(db: &Path, paths: &[&Path]) -> (i32, String) {
    ingest_with(db, &[], paths)
}

/// `ingest ARGS... --db DB PATHS...`; returns (exit code, stderr).
pub fn ingest_with(db: &Path, args: &[&str], paths: &[&Path]) -> (i32, String) {
    let out = bin()
        .arg("ingest")
        .args(args)
        .arg("--db")
        .arg(db)
        .args(paths)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run `ARGS... --db DB`; returns (exit code, stdout, stderr).
pub fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).arg("--db").arg(db).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

pub fn query<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> Vec<T> {
    let conn = Connection::open(db).unwrap();
    let mut st = conn.prepare(sql).unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

pub fn one<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    let conn = Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Run a command that must succeed; its output, with stderr shown when it does not.
pub fn succeed(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `stats --fingerprint` of an archive: equal for archives with the same content.
pub fn fingerprint(db: &Path) -> String {
    let out = succeed(bin().args(["stats", "--fingerprint", "--db"]).arg(db));
    String::from_utf8(out.stdout).unwrap()
}

/// FTS5's own check of the search index (external content) against its content tables.
pub fn assert_index_matches_content(conn: &Connection) {
    for fts in ["paragraphs_fts", "cables_fts"] {
        conn.execute(
            &format!("INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)"),
            [],
        )
        .unwrap_or_else(|e| panic!("{fts}: {e}"));
    }
}
