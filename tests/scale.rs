//! Issue 4's behaviour through the binary: the same rows whatever `--jobs`, unchanged cables
//! skipped on re-ingest, `--full` and a parser upgrade re-parsing them.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// The dev corpus CSV when present (980 cables), else the bundled examples.
fn input() -> PathBuf {
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/cables.csv");
    if csv.exists() {
        csv
    } else {
        eprintln!("NOTICE: ../shared/corpus not found; using examples/ only");
        examples()
    }
}

fn ingest_jobs(db: &Path, jobs: &str, extra: &[&str]) -> String {
    let out = succeed(
        bin()
            .args(["ingest", "--quiet", "--jobs", jobs])
            .args(extra)
            .arg("--db")
            .arg(db)
            .arg(input())
            .arg(examples()),
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn one_and_two_jobs_give_identical_rows_and_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    ingest_jobs(&a, "1", &[]);
    ingest_jobs(&b, "2", &[]);
    assert_eq!(fingerprint(&a), fingerprint(&b));
    let ids = "SELECT id || ' ' || reference_id FROM cables ORDER BY id";
    let pids = "SELECT id || ' ' || cable_id || ' ' || position FROM paragraphs ORDER BY id";
    assert_eq!(query::<String>(&a, ids), query::<String>(&b, ids));
    assert_eq!(query::<String>(&a, pids), query::<String>(&b, pids));
    assert!(one::<i64>(&a, "SELECT count(*) FROM cables") >= 5);
}

#[test]
fn reingest_skips_unchanged_and_full_or_a_new_parser_reparses() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let first = ingest_jobs(&db, "2", &[]);
    let n: i64 = one(&db, "SELECT count(*) FROM cables");
    assert!(
        first.contains(&format!("{n} cables added, 0 updated, 0 unchanged")),
        "{first}"
    );
    let before = fingerprint(&db);

    // Unchanged files are not even read.
    let again = ingest_jobs(&db, "2", &[]);
    assert!(
        again.contains("0 cables added, 0 updated, 0 unchanged, 0 rejected, 5 files unchanged"),
        "{again}"
    );
    assert_eq!(fingerprint(&db), before);
    let full = ingest_jobs(&db, "2", &["--full"]);
    assert!(
        full.contains(&format!("0 cables added, {n} updated, 0 unchanged")),
        "{full}"
    );
    assert_eq!(
        fingerprint(&db),
        before,
        "re-parsing the same input gives the same rows"
    );

    // After a parser upgrade, files are read again and rows written by the old parser are
    // re-parsed, not skipped.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "UPDATE cables SET parser_version = '0.0.0' WHERE reference_id = '08TOKYO3205';
             UPDATE ingest_files SET parser_version = '0.0.0';",
        )
        .unwrap();
    let upgraded = ingest_jobs(&db, "2", &[]);
    assert!(
        upgraded.contains(&format!("0 cables added, 1 updated, {} unchanged", n - 1)),
        "{upgraded}"
    );
    assert_eq!(fingerprint(&db), before);

    // The same cables from a file the archive has not seen: another source of each stored
    // version (issue 10), recorded, nothing rewritten.
    let versions = "SELECT group_concat(reference_id || content_sha256) FROM (SELECT * FROM cables ORDER BY id)";
    let stored: String = one(&db, versions);
    let copy = tempfile::tempdir().unwrap();
    let csv = copy.path().join("copy.csv");
    let source = if input().is_file() {
        input()
    } else {
        examples().join("cables.csv")
    };
    std::fs::copy(&source, &csv).unwrap();
    let rows: i64 = one(
        &db,
        &format!(
            "SELECT count(*) FROM cable_sources WHERE source_path = '{}'",
            source.canonicalize().unwrap().display()
        ),
    );
    let all_sources: i64 = one(&db, "SELECT count(*) FROM cable_sources");
    let out = bin()
        .args(["ingest", "--quiet", "--db"])
        .arg(&db)
        .arg(&csv)
        .output()
        .unwrap();
    let copied = String::from_utf8(out.stderr).unwrap();
    assert!(
        copied.contains(&format!(
            "0 cables added, 0 updated, 0 unchanged, 0 rejected, {rows} duplicate sources"
        )),
        "{copied}"
    );
    assert_eq!(one::<String>(&db, versions), stored);
    assert_eq!(
        one::<i64>(&db, "SELECT count(*) FROM cable_sources"),
        all_sources + rows
    );
}
