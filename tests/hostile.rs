//! Hostile and broken input (issue 6): each a clear one-line error naming the file (and row),
//! recorded in `ingest_errors`, with every good input beside it stored.

mod common;
use common::*;
use std::fs;
use std::path::Path;

/// Ingest `dir` (which also holds the three good example cables) and check the outcome:
/// exit status, a stderr line (starting with `line`), the `ingest_errors` row, and that the
/// good cables are in. Walked files that are not cables are skipped (exit 0); broken cables
/// are rejected (exit 3).
fn check(dir: &Path, code: i32, line: &str, error_row: Option<&str>) {
    fs::copy(
        examples().join("08TOKYO3205.txt"),
        dir.join("good-seed.txt"),
    )
    .unwrap();
    fs::copy(
        examples().join("raw/09LEMURIA42.txt"),
        dir.join("09LEMURIA42.txt"),
    )
    .unwrap();
    fs::copy(examples().join("cables.csv"), dir.join("good.csv")).unwrap();
    let db = dir.with_extension("db");
    let (got, stderr) = ingest(&db, &[dir]);
    assert_eq!(got, code, "{stderr}");
    assert!(
        stderr.lines().any(|l| l.starts_with(line)),
        "missing line {line:?} in:\n{stderr}"
    );
    let errors: Vec<String> = query(
        &db,
        "SELECT source_path || '|' || coalesce(location, '') || '|' || reason FROM ingest_errors",
    );
    match error_row {
        Some(want) => assert!(
            errors.iter().any(|e| e.ends_with(want)),
            "no ingest_errors row ending {want:?}: {errors:?}"
        ),
        None => assert!(errors.is_empty(), "{errors:?}"),
    }
    let ids: Vec<String> = query(&db, "SELECT reference_id FROM cables WHERE reference_id IN ('08TOKYO3205', '09LEMURIA42', '09MU7', '10ATLANTIS2') ORDER BY 1");
    assert_eq!(
        ids,
        ["08TOKYO3205", "09LEMURIA42", "09MU7", "10ATLANTIS2"],
        "{stderr}"
    );
}

fn scratch() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    (tmp, dir)
}

#[test]
fn empty_file() {
    let (_t, dir) = scratch();
    fs::write(dir.join("empty.txt"), "").unwrap();
    check(
        &dir,
        0,
        &format!("{}/empty.txt: skipped: empty file", dir.display()),
        Some("empty.txt||empty file"),
    );
}

#[test]
fn binary_file() {
    let (_t, dir) = scratch();
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4000u32).map(|i| (i * 7 % 256) as u8));
    fs::write(dir.join("scan.png"), png).unwrap();
    check(
        &dir,
        0,
        &format!(
            "{}/scan.png: skipped: binary file (PNG image), not text",
            dir.display()
        ),
        Some("scan.png||binary file (PNG image), not text"),
    );
}

#[test]
fn windows_1252_text_is_stored_with_a_warning() {
    let (_t, dir) = scratch();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    let mut bytes = raw.replace("LEMURIA", "CAFE").into_bytes();
    bytes.extend_from_slice(b"\n\x93Caf\xe9\x94 was closed.");
    fs::write(dir.join("09CAFE42.txt"), bytes).unwrap();
    fs::write(dir.join("note.txt"), "").unwrap();
    check(
        &dir,
        0,
        &format!("{}/note.txt: skipped: empty file", dir.display()),
        Some("empty file"),
    );
    let db = dir.with_extension("db");
    let w: String = one(&db, "SELECT field || ': ' || message FROM parse_warnings w JOIN cables c ON c.id = w.cable_id WHERE c.reference_id = '09CAFE42'");
    assert!(
        w.starts_with("encoding: ") && w.contains("Windows-1252"),
        "{w}"
    );
    let body: String = one(
        &db,
        "SELECT body FROM cables WHERE reference_id = '09CAFE42'",
    );
    assert!(
        body.ends_with("\u{201c}Caf\u{e9}\u{201d} was closed."),
        "{body}"
    );
}

#[test]
fn truncated_html_page() {
    let (_t, dir) = scratch();
    let page = fs::read_to_string(examples().join("html/2010/01/10ATLANTIS1.html")).unwrap();
    let cut = &page[..page.find("2. (C) The").unwrap()];
    fs::write(dir.join("10ATLANTIS1.html"), cut).unwrap();
    check(
        &dir,
        3,
        &format!(
            "{}/10ATLANTIS1.html: truncated HTML page: a <pre> block has no end",
            dir.display()
        ),
        Some("10ATLANTIS1.html||truncated HTML page: a <pre> block has no end"),
    );
}

#[test]
fn a_cable_with_no_header_is_stored_with_a_warning() {
    let (_t, dir) = scratch();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    let body = &raw[raw.find("UNCLAS").unwrap()..];
    fs::write(
        dir.join("09NOHEADER7.txt"),
        body.replace("LEMURIA 000042", "NOHEADER 000007"),
    )
    .unwrap();
    fs::write(dir.join("junk.txt"), "no cable here\n").unwrap();
    check(&dir, 0, &format!("{}/junk.txt: skipped: not a cable: looks like prose; no routing header, classification banner, TAGS or SUBJECT line found", dir.display()), Some("junk.txt||not a cable: looks like prose; no routing header, classification banner, TAGS or SUBJECT line found"));
    let db = dir.with_extension("db");
    let w: String = one(&db, "SELECT field FROM parse_warnings w JOIN cables c ON c.id = w.cable_id WHERE c.reference_id = '09NOHEADER7'");
    assert_eq!(w, "header");
}

#[test]
fn a_huge_file_of_text_that_is_not_a_cable() {
    let (_t, dir) = scratch();
    let line = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n".repeat(1000);
    let mut f = fs::File::create(dir.join("huge.txt")).unwrap();
    for _ in 0..(200 * 1024 * 1024 / line.len()) {
        std::io::Write::write_all(&mut f, line.as_bytes()).unwrap();
    }
    drop(f);
    let size = fs::metadata(dir.join("huge.txt")).unwrap().len();
    check(
        &dir,
        0,
        &format!(
            "{}/huge.txt: skipped: {size} bytes is too large for a single cable (limit 67108864)",
            dir.display()
        ),
        Some("too large for a single cable (limit 67108864)"),
    );
}

#[test]
fn csv_with_an_unbalanced_quote_wrong_columns_and_a_bad_date() {
    let (_t, dir) = scratch();
    let good = fs::read_to_string(examples().join("cables.csv"))
        .unwrap()
        .replace("10ATLANTIS2", "10ATLANTIS3")
        .replace("09MU7", "09MU8");
    let csv = format!(
        "{good}\"3\",\"13/45/2009 10:10\",\"09MU9\",\"Consulate Mu\",\"UNCLASSIFIED\",\"\",\"h\",\"b\"\n\"4\",\"03/02/2009 10:10\",\"09MU10\"\n\"5\",\"03/02/2009 10:10\",\"09MU11\",\"Consulate Mu\",\"UNCLASSIFIED\",\"\",\"h\",\"never closed\n\"6\",\"03/02/2009 10:10\",\"09MU12\",\"Consulate Mu\",\"UNCLASSIFIED\",\"\",\"h\",\"b\"\n"
    );
    fs::write(dir.join("broken.csv"), csv).unwrap();
    check(
        &dir,
        3,
        &format!(
            "{}/broken.csv: row 3: line 47: invalid created date \"13/45/2009 10:10\"",
            dir.display()
        ),
        Some("broken.csv|row 3|line 47: invalid created date \"13/45/2009 10:10\""),
    );
    let db = dir.with_extension("db");
    let errors: Vec<String> = query(
        &db,
        "SELECT location || ': ' || reason FROM ingest_errors ORDER BY id",
    );
    assert!(
        errors
            .iter()
            .any(|e| e == "row 4: line 48: 3 columns, expected 8"),
        "{errors:?}"
    );
    // The unbalanced quote runs into the next row: one broken record, reported.
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("row 5: line 49: ") && e.ends_with("columns, expected 8")),
        "{errors:?}"
    );
    // The rows before the broken ones were stored.
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM cables WHERE reference_id IN ('10ATLANTIS3', '09MU8')"
        ),
        2
    );
}

#[test]
fn the_same_reference_id_twice_in_one_run_with_different_content() {
    let (_t, dir) = scratch();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    fs::create_dir(dir.join("mirror")).unwrap();
    fs::write(
        dir.join("mirror/09LEMURIA42.txt"),
        raw.replace("2 percent", "3 percent"),
    )
    .unwrap();
    // A genuinely different text is a new version, not an error: the one read last (the
    // mirror, walked after the folder's own files) becomes current, both are kept.
    check(
        &dir,
        0,
        "4 files: 4 cables added, 1 updated, 0 unchanged, 0 rejected",
        None,
    );
    let db = dir.with_extension("db");
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_versions"), 2);
    let body: String = one(
        &db,
        "SELECT body FROM cables WHERE reference_id = '09LEMURIA42'",
    );
    assert!(body.contains("3 percent"), "{body}");
    assert_eq!(
        query::<String>(&db, "SELECT reference_id FROM changed_cables"),
        ["09LEMURIA42"]
    );
}

#[test]
fn a_named_pipe_a_symlink_loop_deep_nesting_and_a_non_utf8_name() {
    use std::os::unix::ffi::OsStrExt;
    let (_t, dir) = scratch();
    assert!(std::process::Command::new("mkfifo")
        .arg(dir.join("pipe"))
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink(dir.join("loop-b"), dir.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(dir.join("loop-a"), dir.join("loop-b")).unwrap();
    let mut deep = dir.join("deep");
    for i in 0..60 {
        deep = deep.join(format!("level{i}"));
    }
    fs::create_dir_all(&deep).unwrap();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    fs::write(
        deep.join("09DEEP1.txt"),
        raw.replace("LEMURIA 000042", "DEEP 000001"),
    )
    .unwrap();
    let name = std::ffi::OsStr::from_bytes(b"09ODD5-caf\xe9.txt");
    fs::write(dir.join(name), raw.replace("LEMURIA 000042", "ODD 000005")).unwrap();
    check(
        &dir,
        3,
        &format!(
            "{}/pipe: not a regular file (pipe, socket or device)",
            dir.display()
        ),
        Some("pipe||not a regular file (pipe, socket or device)"),
    );
    let db = dir.with_extension("db");
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM cables WHERE reference_id = '09DEEP1'"
        ),
        1
    );
    let odd: String = one(
        &db,
        "SELECT source_path FROM cables WHERE source_path LIKE '%caf%'",
    );
    assert!(odd.ends_with("09ODD5-caf\u{fffd}.txt"), "{odd}");
}

#[test]
fn a_database_path_that_cannot_be_used() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = ingest(&tmp.path().join("no/such/dir/a.db"), &[&examples()]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with("error: ") && stderr.contains("no/such/dir/a.db: cannot open database"),
        "{stderr}"
    );
    let not_db = tmp.path().join("notes.db");
    fs::write(
        &not_db,
        "just text, long enough to look like a file with a header page in it",
    )
    .unwrap();
    let (code, stderr) = ingest(&not_db, &[&examples()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("notes.db: cannot open database: file is not a database"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_vanishes_before_it_is_read() {
    let path = std::env::temp_dir().join("cable-archive-vanished-09GONE1.txt");
    let _ = fs::remove_file(&path);
    match cable_archive::decode::decode_file(&path) {
        Err(e) => assert_eq!(e.to_string(), "No such file or directory (os error 2)"),
        Ok(_) => panic!("decoded a missing file"),
    }
}
