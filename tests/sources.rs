//! One cable, many renderings (issue 10): a version is its telegram text, every file or CSV
//! row it came from is a source (`cable_sources`), the `cables` row merges their metadata the
//! same way in any order, and a download folder (all formats plus a README) just works.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let c = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if c.join("truth-dev.jsonl").exists() {
        Some(c)
    } else {
        eprintln!("NOTICE: ../shared/corpus not found; skipping the corpus part of this test");
        None
    }
}

#[test]
fn the_corpus_folder_in_one_run_and_in_four_runs_in_two_orders_gives_the_same_archive() {
    let Some(c) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let one_run = tmp.path().join("one.db");
    let (code, stderr) = ingest_with(&one_run, &["--jobs", "1"], &[&c]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "2943 files: 980 cables added, 0 updated, 0 unchanged, 0 rejected, 2940 duplicate sources, 2 skipped (not cables)"
        ),
        "{stderr}"
    );
    // The folder's README and truth file are named once each as skipped, nothing else.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines[0].ends_with("corpus/README.md: skipped: not a cable: looks like Markdown text; no routing header, classification banner, TAGS or SUBJECT line found"), "{stderr}");
    assert!(
        lines[1].ends_with("corpus/truth-dev.jsonl: skipped: not a cable: looks like JSON lines; no routing header, classification banner, TAGS or SUBJECT line found"),
        "{stderr}"
    );
    let want = fingerprint(&one_run);
    for (name, order) in [
        ("raw-first", ["raw", "cables.csv", "page-text", "html"]),
        ("html-first", ["html", "page-text", "cables.csv", "raw"]),
    ] {
        let db = tmp.path().join(format!("{name}.db"));
        for part in order {
            let (code, stderr) = ingest_with(&db, &[], &[&c.join(part)]);
            assert_eq!(code, 0, "{name} {part}: {stderr}");
            assert!(!stderr.contains("rejected,") || stderr.contains("0 rejected"));
        }
        assert_eq!(fingerprint(&db), want, "{name} differs from one run");
    }
    assert_eq!(one::<i64>(&one_run, "SELECT count(*) FROM cables"), 980);
    assert_eq!(
        one::<i64>(&one_run, "SELECT count(*) FROM cable_sources"),
        3920
    );
    assert_eq!(
        one::<i64>(&one_run, "SELECT count(*) FROM changed_cables"),
        0
    );
    assert_eq!(
        one::<i64>(&one_run, "SELECT count(*) FROM cable_versions"),
        0
    );
    assert_eq!(
        query::<String>(
            &one_run,
            "SELECT kind || ' ' || replace(source_path, rtrim(source_path, replace(source_path, '/', '')), '') FROM ingest_errors ORDER BY 1"
        ),
        ["skipped README.md", "skipped truth-dev.jsonl"]
    );
    // Each cable has one source per format; its row comes from the HTML page, the richest.
    assert_eq!(
        one::<i64>(
            &one_run,
            "SELECT count(*) FROM (SELECT cable_id FROM cable_sources GROUP BY cable_id
             HAVING count(DISTINCT source_format) = 4)"
        ),
        980
    );
    assert_eq!(
        query::<String>(&one_run, "SELECT DISTINCT source_format FROM cables"),
        ["html"]
    );
    // show lists where 08TOKYO3205-like cables came from: one line per rendering.
    let out = succeed(bin().args(["show", "72TEHRAN5055", "--db"]).arg(&one_run));
    let text = String::from_utf8(out.stdout).unwrap();
    let sources: Vec<&str> = text
        .lines()
        .skip_while(|l| *l != "Sources")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(sources, ["html", "page-text", "csv", "raw"], "{text}");
}

/// Every line of `text` ended with `eol`.
fn with_line_endings(text: &str, eol: &str) -> String {
    text.lines().map(|l| format!("{l}{eol}")).collect()
}

#[test]
fn crlf_and_lone_cr_copies_of_stored_cables_are_not_new_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let before = one::<String>(&db, "SELECT group_concat(reference_id || content_sha256) FROM (SELECT * FROM cables ORDER BY reference_id)");
    for (name, eol) in [("crlf", "\r\n"), ("cr", "\r")] {
        let copy = tmp.path().join(name);
        fs::create_dir(&copy).unwrap();
        for f in ["08TOKYO3205.txt", "raw/09LEMURIA42.txt", "cables.csv"] {
            let text = fs::read_to_string(examples().join(f)).unwrap();
            let to = copy.join(Path::new(f).file_name().unwrap());
            fs::write(to, with_line_endings(&text, eol)).unwrap();
        }
        let html = fs::read_to_string(examples().join("html/2010/01/10ATLANTIS1.html")).unwrap();
        fs::write(copy.join("10ATLANTIS1.html"), with_line_endings(&html, eol)).unwrap();
        let (code, stderr) = ingest(&db, &[&copy]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            stderr.contains(
                "4 files: 0 cables added, 0 updated, 0 unchanged, 0 rejected, 5 duplicate sources"
            ),
            "{name}: {stderr}"
        );
    }
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_versions"), 0);
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM changed_cables"), 0);
    let after = one::<String>(&db, "SELECT group_concat(reference_id || content_sha256) FROM (SELECT * FROM cables ORDER BY reference_id)");
    assert_eq!(before, after);
    // The CR-only CSV was read into paragraphs like the original.
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM cable_sources WHERE source_path LIKE '%/cr/cables.csv'"
        ),
        2
    );
}

/// A raw telegram with the text of an HTML page (header, blank line, body), from `parse`.
fn raw_twin_of(html: &Path, to: &Path) {
    let out = succeed(bin().arg("parse").arg(html));
    let cable: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = format!(
        "{}\n\n{}",
        cable["header"].as_str().unwrap(),
        cable["body"].as_str().unwrap()
    );
    fs::write(to, text).unwrap();
}

#[test]
fn metadata_comes_from_the_richest_source_whatever_the_order() {
    let tmp = tempfile::tempdir().unwrap();
    let html_dir = tmp.path().join("html");
    let raw_dir = tmp.path().join("raw");
    fs::create_dir(&html_dir).unwrap();
    fs::create_dir(&raw_dir).unwrap();
    let page = examples().join("html/2010/01/10ATLANTIS1.html");
    fs::copy(&page, html_dir.join("10ATLANTIS1.html")).unwrap();
    raw_twin_of(&page, &raw_dir.join("10ATLANTIS1.txt"));
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    for (db, order) in [(&a, [&raw_dir, &html_dir]), (&b, [&html_dir, &raw_dir])] {
        for dir in order {
            let (code, stderr) = ingest(db, &[dir]);
            assert_eq!(code, 0, "{stderr}");
        }
    }
    assert_eq!(fingerprint(&a), fingerprint(&b));
    // Released and the title exist only on the page; Created is the page's metadata, not the
    // raw telegram's date-time group; the row comes from the page.
    let row: String = one(
        &a,
        "SELECT json_array(released_at, title, created_at, sent_at, source_format) FROM cables",
    );
    let page_meta: String = {
        let out = succeed(bin().arg("parse").arg(&page));
        let c: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        serde_json::json!([
            c["released_at"],
            c["title"],
            c["created_at"],
            c["sent_at"],
            "html"
        ])
        .to_string()
    };
    assert_eq!(row.replace(' ', ""), page_meta.replace(' ', ""));
    assert_eq!(one::<i64>(&a, "SELECT count(*) FROM cable_sources"), 2);
    assert_eq!(one::<i64>(&a, "SELECT count(*) FROM cable_versions"), 0);
}

#[test]
fn what_you_name_you_get_told_about() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("README.md"),
        "# My download\n\nThe cables, as HTML.\n",
    )
    .unwrap();
    fs::copy(
        examples().join("raw/09LEMURIA42.txt"),
        dir.join("09LEMURIA42.txt"),
    )
    .unwrap();
    // Walked: skipped, exit 0.
    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&dir]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1 skipped (not cables)"), "{stderr}");
    // Named: rejected, exit 3, with the same reason.
    let db = tmp.path().join("b.db");
    let readme = dir.join("README.md");
    let (code, stderr) = ingest(&db, &[&readme, &dir.join("09LEMURIA42.txt")]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: not a cable: looks like Markdown text",
            readme.display()
        )),
        "{stderr}"
    );
    assert_eq!(
        query::<String>(&db, "SELECT kind FROM ingest_errors"),
        ["rejected"]
    );
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cables"), 1);
}

#[test]
fn quiet_prints_the_summary_only_and_per_file_lines_are_capped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    for i in 0..25 {
        fs::write(dir.join(format!("empty-{i:02}.txt")), "").unwrap();
    }
    let (code, stderr) = ingest(&tmp.path().join("a.db"), &[&dir]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 22, "{stderr}");
    assert!(lines[19].ends_with("empty-19.txt: skipped: empty file"));
    assert_eq!(lines[20], "… 5 more, see ingest_errors");
    let (code, stderr) = ingest_with(&tmp.path().join("b.db"), &["--quiet"], &[&dir]);
    assert_eq!(code, 0);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("25 files: 0 cables added"), "{stderr}");
    assert_eq!(
        one::<i64>(
            &tmp.path().join("b.db"),
            "SELECT count(*) FROM ingest_errors WHERE kind = 'skipped'"
        ),
        25
    );
}

fn pathbuf_list(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn any_jobs_gives_the_same_rows_for_a_mixed_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    let page = examples().join("html/2010/01/10ATLANTIS1.html");
    fs::copy(&page, dir.join("10ATLANTIS1.html")).unwrap();
    raw_twin_of(&page, &dir.join("10ATLANTIS1.txt"));
    fs::copy(examples().join("cables.csv"), dir.join("cables.csv")).unwrap();
    fs::copy(
        examples().join("08TOKYO3205.txt"),
        dir.join("08TOKYO3205.txt"),
    )
    .unwrap();
    assert_eq!(pathbuf_list(&dir).len(), 4);
    let mut prints = Vec::new();
    for jobs in ["1", "2", "7"] {
        let db = tmp.path().join(format!("j{jobs}.db"));
        let (code, stderr) = ingest_with(&db, &["--jobs", jobs], &[&dir]);
        assert_eq!(code, 0, "{stderr}");
        prints.push(fingerprint(&db));
    }
    assert!(prints.windows(2).all(|w| w[0] == w[1]), "{prints:?}");
}
