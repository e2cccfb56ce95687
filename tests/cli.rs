//! The binary end to end: each input format, bad input, exit statuses, re-ingest, `parse`.

mod common;
use common::*;
use std::fs;

#[test]
fn every_example_format_is_ingested() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    let (code, stderr) = ingest(&db, &[&examples()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("4 files: 5 cables added, 0 updated, 0 unchanged, 0 rejected"),
        "{stderr}"
    );
    let formats: Vec<String> = query(
        &db,
        "SELECT reference_id || ' ' || source_format FROM cables ORDER BY reference_id",
    );
    assert_eq!(
        formats,
        [
            "08TOKYO3205 page-text",
            "09LEMURIA42 raw",
            "09MU7 csv",
            "10ATLANTIS1 html",
            "10ATLANTIS2 csv"
        ]
    );
}

#[test]
fn html_page_metadata_anchors_and_entities() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&examples().join("html")]);
    assert_eq!(code, 0, "{stderr}");
    let row: String = one(&db, "SELECT json_array(reference_id, created_at, released_at, classification, origin, title, subject, section_count, declassify_on, signer) FROM cables");
    assert_eq!(
        row,
        r#"["10ATLANTIS1","2010-01-15 12:12:00","2010-12-01 09:00:00","CONFIDENTIAL","Embassy Atlantis","ATLANTIS: PARLIAMENT DEBATES \"SEA WALL\" FUNDING","ATLANTIS: PARLIAMENT DEBATES \"SEA WALL\" FUNDING AND TIDE TABLES",2,"2020-01-15","EXAMPLE"]"#
    );
    let body: String = one(&db, "SELECT body FROM cables");
    assert!(
        !body.contains('¶') && !body.contains("<a") && !body.contains("&#x000A;"),
        "{body}"
    );
    assert!(
        body.contains("the sea wall & R&D; budget"),
        "unescaped & kept as published: {body}"
    );
    let tags: Vec<String> = query(&db, "SELECT code FROM tags ORDER BY id");
    assert_eq!(tags, ["PREL", "PGOV", "XA"]);
    let paras: Vec<String> = query(&db, "SELECT number || '|' || marking || '|' || coalesce(heading, '') || '|' || text FROM paragraphs ORDER BY position");
    assert_eq!(paras.len(), 3);
    assert!(
        paras[1].starts_with("2|C|Budget Fight|The opposition said"),
        "{paras:?}"
    );
    // A page-break line does not split paragraph 2 and is not text.
    assert!(paras[1].ends_with("demanded a vote."), "{paras:?}");
    assert!(!paras.iter().any(|p| p.contains("ATLANTIS 00000001")));
}

#[test]
fn raw_telegram_takes_its_id_from_the_file_name_and_metadata_from_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&examples().join("raw")]);
    assert_eq!(code, 0, "{stderr}");
    let row: String = one(&db, "SELECT json_array(reference_id, created_at, classification, origin, sender, precedence, header_kind) FROM cables");
    assert_eq!(
        row,
        r#"["09LEMURIA42","2009-03-02 15:00:00","UNCLASSIFIED//FOR OFFICIAL USE ONLY","Embassy Lemuria","AMEMBASSY LEMURIA","ROUTINE","plain"]"#
    );
    // Plain-language header: one addressee per line; `PRIORITY 0043` continues the line above.
    let recipients: Vec<String> = query(&db, "SELECT kind || '|' || name || '|' || coalesce(precedence, '') || '|' || coalesce(mcn, '') FROM recipients ORDER BY position");
    assert_eq!(
        recipients,
        [
            "to|SECSTATE WASHDC||0042",
            "info|AMEMBASSY ATLANTIS|PRIORITY|0043",
            "info|AMCONSUL MU||"
        ]
    );
    let markings: Vec<String> = query(&db, "SELECT marking FROM markings ORDER BY id");
    assert_eq!(markings, ["SENSITIVE", "SIPDIS"]);
}

#[test]
fn csv_backslash_and_doubled_quotes_give_the_same_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let backslash = examples().join("cables.csv");
    let text = fs::read_to_string(&backslash).unwrap();
    // The same file in RFC 4180 dialect: `\"` → `""`, `\\` → `\`.
    let rfc = text
        .replace("\\\\", "\u{1}")
        .replace("\\\"", "\"\"")
        .replace('\u{1}', "\\");
    assert_ne!(rfc, text);
    let rfc_path = tmp.path().join("rfc4180.csv");
    fs::write(&rfc_path, rfc).unwrap();
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    assert_eq!(ingest(&a, &[&backslash]).0, 0);
    assert_eq!(ingest(&b, &[&rfc_path]).0, 0);
    let sql = "SELECT json_array(reference_id, source_row, created_at, subject, body) FROM cables ORDER BY id";
    let rows_a: Vec<String> = query(&a, sql);
    assert_eq!(rows_a, query::<String>(&b, sql));
    assert_eq!(rows_a.len(), 2);
    assert!(
        rows_a[1].contains(r#"\"Harbor Master\" saying a backslash \\ is not a quote"#),
        "{}",
        rows_a[1]
    );
    assert!(
        rows_a[0].contains(r#""10ATLANTIS2",1,"2010-01-15 12:12:00""#),
        "{}",
        rows_a[0]
    );
}

#[test]
fn bad_inputs_are_reported_recorded_and_the_rest_is_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("empty.txt"), "").unwrap();
    fs::write(
        dir.join("image.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
    )
    .unwrap();
    fs::write(dir.join("notes.txt"), "Shopping list:\nmilk\neggs\n").unwrap();
    fs::write(dir.join(".hidden.txt"), "not read at all").unwrap();
    let csv = fs::read_to_string(examples().join("cables.csv")).unwrap();
    let bad_rows = format!(
        "{csv}\"3\",\"02/31/2009 10:10\",\"09MU8\",\"Consulate Mu\",\"UNCLASSIFIED\",\"\",\"h\",\"b\"\n\"4\",\"03/02/2009 10:10\",\"09MU9\",\"x\"\n"
    );
    fs::write(dir.join("cables.csv"), bad_rows).unwrap();
    fs::copy(examples().join("08TOKYO3205.txt"), dir.join("seed.txt")).unwrap();
    let mut latin1 = fs::read(examples().join("raw/09LEMURIA42.txt")).unwrap();
    latin1.extend_from_slice(b"\n(Caf\xe9 note.)");
    fs::write(dir.join("09LEMURIA42.txt"), latin1).unwrap();

    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&dir]);
    assert_eq!(code, 3, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    let d = dir.display().to_string();
    for want in [
        format!("{d}/cables.csv: row 3: line 47: invalid created date \"02/31/2009 10:10\""),
        format!("{d}/cables.csv: row 4: line 48: 4 columns, expected 8"),
        // Walked files that are not cables are skipped, named once, and do not fail the run.
        format!("{d}/empty.txt: skipped: empty file"),
        format!("{d}/image.png: skipped: binary file (PNG image), not text"),
        format!("{d}/notes.txt: skipped: not a cable: looks like prose; no routing header, classification banner, TAGS or SUBJECT line found"),
    ] {
        assert!(lines.contains(&want.as_str()), "missing {want:?} in:\n{stderr}");
    }
    assert!(
        stderr.contains(
            "6 files: 4 cables added, 0 updated, 0 unchanged, 2 rejected, 3 skipped (not cables)"
        ),
        "{stderr}"
    );
    let errors: Vec<String> = query(&db, "SELECT kind || '|' || source_path || '|' || coalesce(location, '') || '|' || reason FROM ingest_errors ORDER BY id");
    assert_eq!(errors.len(), 5, "{errors:?}");
    let kinds: Vec<String> = query(&db, "SELECT kind FROM ingest_errors ORDER BY kind, id");
    assert_eq!(
        kinds,
        ["rejected", "rejected", "skipped", "skipped", "skipped"]
    );
    assert!(
        errors[0].ends_with("/cables.csv|row 3|line 47: invalid created date \"02/31/2009 10:10\""),
        "{errors:?}"
    );
    let ids: Vec<String> = query(&db, "SELECT reference_id FROM cables ORDER BY reference_id");
    assert_eq!(ids, ["08TOKYO3205", "09LEMURIA42", "09MU7", "10ATLANTIS2"]);
    let warning: String = one(&db, "SELECT w.field || ': ' || w.message FROM parse_warnings w JOIN cables c ON c.id = w.cable_id WHERE c.reference_id = '09LEMURIA42'");
    assert!(
        warning.starts_with("encoding: ") && warning.contains("decoded as Windows-1252"),
        "{warning}"
    );
    let body: String = one(
        &db,
        "SELECT body FROM cables WHERE reference_id = '09LEMURIA42'",
    );
    assert!(body.ends_with("(Café note.)"), "{body}");
    let run: String = one(
        &db,
        "SELECT json_array(files_seen, cables_added, rejected, status) FROM ingest_runs",
    );
    assert_eq!(run, r#"[6,4,2,"rejected-some"]"#);
}

#[test]
fn exit_statuses_for_fatal_and_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let missing = tmp.path().join("nowhere");
    let out = bin()
        .args(["ingest", "--db"])
        .arg(&db)
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        format!("error: {}: no such file or directory", missing.display())
    );
    let not_db = tmp.path().join("not.db");
    fs::write(
        &not_db,
        "this is not a database, just text that is long enough to have a header page",
    )
    .unwrap();
    let out = bin()
        .args(["ingest", "--db"])
        .arg(&not_db)
        .arg(examples().join("raw"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not.db: cannot open database") && err.contains("not a database"),
        "{err}"
    );
    let out = bin()
        .args(["ingest", "--db"])
        .arg(tmp.path().join("no/such/dir/a.db"))
        .arg(examples().join("raw"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(bin().arg("ingest").output().unwrap().status.code(), Some(2));
    assert_eq!(
        bin().arg("frobnicate").output().unwrap().status.code(),
        Some(2)
    );
    assert_eq!(
        bin().arg("--version").output().unwrap().status.code(),
        Some(0)
    );
    for cmd in [
        "ingest",
        "parse",
        "stats",
        "query",
        "sql",
        "search",
        "show",
        "datasette-metadata",
    ] {
        let out = bin().args([cmd, "--help"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: cable-archive"));
    }
}

#[test]
fn reingest_is_idempotent_and_changed_content_replaces_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    fs::copy(
        examples().join("raw/09LEMURIA42.txt"),
        dir.join("09LEMURIA42.txt"),
    )
    .unwrap();
    fs::copy(
        examples().join("08TOKYO3205.txt"),
        dir.join("08TOKYO3205.txt"),
    )
    .unwrap();
    let snapshot = |db: &std::path::Path| -> Vec<String> {
        query(db, "SELECT 'c' || json_array(id, reference_id, content_sha256) FROM cables
                   UNION ALL SELECT 'r' || json_array(cable_id, position, name) FROM recipients
                   UNION ALL SELECT 'p' || json_array(cable_id, position, text) FROM paragraphs
                   UNION ALL SELECT 't' || json_array(cable_id, tag_id, position) FROM cable_tags
                   UNION ALL SELECT 'm' || json_array(cable_id, marking, detail) FROM markings ORDER BY 1")
    };
    assert_eq!(ingest(&db, &[&dir]).0, 0);
    let first = snapshot(&db);
    let (code, stderr) = ingest(&db, &[&dir]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("0 cables added, 0 updated, 0 unchanged, 0 rejected, 2 files unchanged"),
        "{stderr}"
    );
    assert_eq!(snapshot(&db), first);

    let path = dir.join("09LEMURIA42.txt");
    let changed = fs::read_to_string(&path)
        .unwrap()
        .replace("held rates at 2 percent", "cut rates to 1 percent");
    fs::write(&path, changed).unwrap();
    let (code, stderr) = ingest(&db, &[&dir]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("0 cables added, 1 updated, 0 unchanged, 0 rejected, 1 files unchanged"),
        "{stderr}"
    );
    // Both versions are kept; the new one is current.
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_versions"), 2);
    let id: i64 = one(
        &db,
        "SELECT id FROM cables WHERE reference_id = '09LEMURIA42'",
    );
    assert!(
        first
            .iter()
            .any(|r| r.starts_with(&format!("c[{id},\"09LEMURIA42\""))),
        "id kept"
    );
    let text: String = one(&db, "SELECT text FROM paragraphs p JOIN cables c ON c.id = p.cable_id WHERE c.reference_id = '09LEMURIA42' AND number = 1");
    assert!(text.contains("cut rates to 1 percent"), "{text}");
    assert_eq!(
        one::<i64>(&db, "SELECT count(*) FROM paragraphs"),
        first.iter().filter(|r| r.starts_with('p')).count() as i64
    );
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM ingest_runs"), 3);
}

#[test]
fn parse_prints_json_without_a_database() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .arg("parse")
        .arg(examples().join("08TOKYO3205.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["reference_id"], "08TOKYO3205");
    assert_eq!(v["recipients"].as_array().unwrap().len(), 17);
    assert_eq!(v["paragraphs"].as_array().unwrap().len(), 9);
    assert!(
        fs::read_dir(tmp.path()).unwrap().next().is_none(),
        "no database written"
    );

    let out = bin()
        .arg("parse")
        .arg(examples().join("cables.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["reference_id"], "09MU7");
    assert_eq!(lines[1]["source_row"], 2);
}

#[test]
fn readme_documents_every_subcommand_and_the_test_command() {
    let readme =
        fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    for cmd in [
        "cable-archive ingest",
        "cable-archive parse",
        "cable-archive stats",
    ] {
        assert!(readme.contains(cmd), "README lacks {cmd}");
    }
    let ci = fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run"))
        .unwrap();
    let test_cmd = "cargo test --locked";
    assert!(
        readme.contains(test_cmd) && ci.contains(test_cmd),
        "README and .ci/run share `{test_cmd}`"
    );
}

#[test]
fn stats_counts_rows_and_fingerprints_ignore_insertion_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    assert_eq!(ingest(&a, &[&examples()]).0, 0);
    // The same files, one at a time, in another order: other row ids, same content.
    for p in ["raw", "cables.csv", "08TOKYO3205.txt", "html"] {
        assert_eq!(ingest(&b, &[&examples().join(p)]).0, 0);
    }
    let id = |db: &std::path::Path| {
        one::<i64>(
            db,
            "SELECT id FROM cables WHERE reference_id = '08TOKYO3205'",
        )
    };
    assert_ne!(id(&a), id(&b));
    let fp = |db: &std::path::Path| fingerprint(db);
    assert_eq!(fp(&a), fp(&b));
    assert_eq!(fp(&a).trim().len(), 64);
    // A changed cable changes the fingerprint.
    rusqlite::Connection::open(&b)
        .unwrap()
        .execute("UPDATE paragraphs SET text = text || '!' WHERE id = 1", [])
        .unwrap();
    assert_ne!(fp(&a), fp(&b));

    let out = bin().args(["stats", "--db"]).arg(&a).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  cables                      5\n"), "{text}");
    assert!(text.contains("  cable_references            "), "{text}");
    let out = bin()
        .args(["stats", "--db"])
        .arg(tmp.path().join("none.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn references_are_rows_with_canonical_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples().join("raw")]).0, 0);
    let refs: Vec<String> = query(&db, "SELECT json_array(position, bullet, text, kind, target_reference_id) FROM cable_references");
    assert_eq!(refs, [r#"[1,null,"STATE 1234","cable","09STATE1234"]"#]);
}

#[test]
fn dry_run_parses_and_reports_but_stores_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("notes.txt");
    fs::write(&bad, "just some words\n").unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .args(["ingest", "--dry-run"])
        .arg(examples())
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("notes.txt: not a cable"), "{stderr}");
    assert!(
        stderr.contains("5 files: 5 cables added, 0 updated, 0 unchanged, 1 rejected"),
        "{stderr}"
    );
    assert!(stderr.contains("(dry run, nothing stored)"), "{stderr}");
    assert!(!tmp.path().join("archive.db").exists());
}

#[test]
fn output_cut_short_by_the_reader_is_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    // ~600 KB of CSV: far more than a pipe holds, so the writes after `head` quits fail.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cable-archive"))
        .args(["sql", "--format", "csv", "--db"])
        .arg(&db)
        .arg("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i FROM n")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 2];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    assert_eq!(&first, b"i\n");
    drop(child.stdout.take()); // the reader goes away, as `| head -1` does
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
