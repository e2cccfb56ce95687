//! Reading an archive (issue 5): views, canned queries, ad-hoc SQL, search, show and the
//! Datasette metadata, through the binary, on an archive ingested from the examples.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// The examples ingested by their relative path, so stored source paths (and the `show`
/// snapshot) do not depend on where the checkout is.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    succeed(
        bin()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["ingest", "--quiet", "--db"])
            .arg(&db)
            .arg("examples"),
    );
    (tmp, db)
}

#[test]
fn every_view_returns_the_expected_rows() {
    let (_tmp, db) = archive();
    let q = |sql: &str| query::<String>(&db, sql);
    assert_eq!(
        q("SELECT tag || ' ' || tag_kind || ' ' || reference_id || ' ' || created_at FROM cables_by_tag WHERE tag IN ('KN', 'XA') ORDER BY tag, created_at, reference_id"),
        [
            "KN geographic 08TOKYO3205 2008-11-19 09:42:00",
            "XA geographic 10ATLANTIS1 2010-01-15 12:12:00",
            "XA geographic 10ATLANTIS2 2010-01-15 12:12:00"
        ]
    );
    // one row per cable and tag (the view has no ORDER BY since issue 12: tests/bi.rs)
    assert_eq!(
        q("SELECT count(*) || '' FROM cables_by_tag"),
        q("SELECT count(*) || '' FROM cable_tags")
    );
    assert_eq!(
        q("SELECT month || ' ' || origin || ' ' || classification || ' ' || cables FROM cables_per_month"),
        [
            "2008-11 Embassy Tokyo CONFIDENTIAL 1",
            "2009-03 Consulate Mu UNCLASSIFIED 1",
            "2009-03 Embassy Lemuria UNCLASSIFIED//FOR OFFICIAL USE ONLY 1",
            "2010-01 Embassy Atlantis CONFIDENTIAL 2",
        ]
    );
    assert_eq!(
        q("SELECT tag || ' ' || cables || ' ' || first_created || ' ' || last_created FROM tag_counts WHERE tag = 'PREL'"),
        ["PREL 3 2008-11-19 09:42:00 2010-01-15 12:12:00"]
    );
    assert_eq!(
        q("SELECT origin || ' ' || cables FROM origin_counts LIMIT 1"),
        ["Embassy Atlantis 2"]
    );
    assert_eq!(
        q("SELECT year || ' ' || typeof(year) || ' ' || classification || ' ' || cables FROM classification_by_year WHERE year = 2010"),
        ["2010 integer CONFIDENTIAL 2"]
    );
    assert_eq!(
        q("SELECT coalesce(route, '-') || ' ' || name || ' ' || as_to || ' ' || as_info FROM recipient_counts WHERE name = 'SECSTATE WASHDC' ORDER BY route"),
        ["- SECSTATE WASHDC 2 0", "RUEHC SECSTATE WASHDC 3 0"]
    );
    assert_eq!(
        q("SELECT citing_reference_id || ' ' || cited_reference_id || ' ' || cited_in_archive FROM citations"),
        ["09LEMURIA42 09STATE1234 0"]
    );
    assert_eq!(
        q("SELECT cited_reference_id || ' ' || times_cited || ' ' || in_archive FROM most_cited"),
        ["09STATE1234 1 0"]
    );
    assert_eq!(
        q("SELECT reference_id || '|' || tags || '|' || markings || '|' || to_count || '|' || info_count || '|' || paragraph_count FROM cable_overview WHERE reference_id = '08TOKYO3205'"),
        [r#"08TOKYO3205|["PREL","PGOV","ECON","JA","RS","KN"]|["CORRECTED COPY","SIPDIS"]|1|16|9"#]
    );
}

#[test]
fn canned_queries_bind_parameters_and_explain_missing_ones() {
    let (_tmp, db) = archive();
    let (code, out, err) = run(
        &db,
        &[
            "query",
            "cables_with_tag",
            "--param",
            "tag=prel",
            "--param",
            "from=2008-01-01",
            "--param",
            "to=2009-12-31",
            "--format",
            "csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "reference_id,created_at,classification,origin,subject\n08TOKYO3205,2008-11-19 09:42:00,CONFIDENTIAL,Embassy Tokyo,RUSSIA FM CRITCIZES JAPAN'S ROLE IN G8 REGARDING GEORGIA\n");
    // A value that looks like SQL stays a value.
    let (code, out, _) = run(
        &db,
        &[
            "query",
            "cables_signed_by",
            "-p",
            "signer=x' OR '1'='1",
            "--format",
            "json",
        ],
    );
    assert_eq!((code, out.trim()), (0, "[]"));
    let (code, out, _) = run(
        &db,
        &[
            "query",
            "cables_signed_by",
            "-p",
            "signer=schieffer",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["reference_id"], "08TOKYO3205");
    for (name, params) in [
        ("post_per_month", vec!["origin=embassy %"]),
        ("cited_by", vec!["reference_id=09state1234"]),
        ("search_paragraphs", vec!["q=sea wall"]),
    ] {
        let mut args = vec!["query", name, "--format", "csv"];
        for p in &params {
            args.extend(["--param", p]);
        }
        let (code, out, err) = run(&db, &args);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.lines().count() >= 2, "{name} returned no rows:\n{out}");
    }
    // Usage mistakes: exit status 2, one line.
    let (code, _, err) = run(&db, &["query", "cables_with_tag", "--param", "tag=PREL"]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: query cables_with_tag: missing parameters from, to; this query takes: --param tag=…, --param from=…, --param to=…\n");
    let (code, _, err) = run(
        &db,
        &[
            "query",
            "cables_with_tag",
            "-p",
            "tag=A",
            "-p",
            "from=2001",
            "-p",
            "to=2002",
            "-p",
            "colour=red",
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(err, "error: query cables_with_tag: --param colour: no such parameter; this query takes: --param tag=…, --param from=…, --param to=…\n");
    let (code, out, _) = run(&db, &["query", "--list"]);
    assert_eq!(code, 0);
    for name in [
        "cables_with_tag",
        "post_per_month",
        "cited_by",
        "cables_signed_by",
        "search_paragraphs",
    ] {
        assert!(out.contains(name), "{out}");
    }
}

#[test]
fn sql_is_read_only_and_formats_a_table() {
    let (_tmp, db) = archive();
    let (code, out, _) = run(
        &db,
        &[
            "sql",
            "SELECT reference_id, section_count FROM cables ORDER BY reference_id LIMIT 2",
            "--format",
            "table",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(out, "reference_id  section_count\n------------  -------------\n08TOKYO3205   2\n09LEMURIA42   1\n(2 rows)\n");
    for write in [
        "DELETE FROM cables",
        "UPDATE cables SET subject = 'x'",
        "DROP TABLE tags",
        "INSERT INTO tags (code, kind) VALUES ('X', 'other')",
    ] {
        let (code, _, err) = run(&db, &["sql", write]);
        assert_eq!(code, 2, "{write}");
        assert_eq!(
            err,
            "error: sql: only read-only statements are allowed (the archive is opened read-only)\n",
            "{write}"
        );
        let (code, _, err) = run(&db, &["query", "x", "-p", &format!("q={write}")]);
        assert_eq!(code, 2);
        assert_eq!(err, "error: query \"x\": no such canned query (there are: cables_with_tag, post_per_month, cited_by, cables_signed_by, search_paragraphs, top_posts, top_signers, paragraphs_by_marking)\n");
    }
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cables"), 5);
    let missing = db.with_file_name("missing.db");
    for cmd in [
        vec!["sql", "SELECT 1"],
        vec!["search", "x"],
        vec!["show", "08TOKYO3205"],
        vec!["query", "cited_by", "-p", "reference_id=x"],
    ] {
        let (code, _, err) = run(&missing, &cmd);
        assert_eq!(code, 1, "{cmd:?}");
        assert!(err.contains("no such database"), "{err}");
        assert!(!missing.exists(), "{cmd:?} created the file");
    }
}

#[test]
fn search_ranks_the_phrase_first_and_filters() {
    let (_tmp, db) = archive();
    let (code, out, err) = run(&db, &["search", "\"sea wall\""]);
    assert_eq!(code, 0, "{err}");
    let first: Vec<&str> = out.lines().take(2).collect();
    assert!(first[0].starts_with("10ATLANTIS"), "{out}");
    assert!(
        first[1].contains("¶1: ") && first[1].contains("[sea wall]"),
        "{out}"
    );
    // Either word may match; the paragraph holding both ranks above the one holding one.
    let (_, out, _) = run(&db, &["search", "sea OR wall OR short"]);
    assert!(out.lines().nth(1).unwrap().contains("¶1: "), "{out}");
    let (_, out, _) = run(&db, &["search", "Lavrov Medvedev"]);
    assert!(
        out.starts_with("08TOKYO3205  2008-11-19  RUSSIA FM CRITCIZES"),
        "{out}"
    );
    let (_, out, _) = run(
        &db,
        &[
            "search",
            "wall",
            "--from",
            "2010-01-01",
            "--to",
            "2010-01-15",
            "--tag",
            "XA",
            "--limit",
            "1",
        ],
    );
    assert_eq!(
        out.lines().filter(|l| !l.starts_with(' ')).count(),
        1,
        "{out}"
    );
    let (_, out, err) = run(&db, &["search", "wall", "--tag", "JA"]);
    assert_eq!(out, "");
    assert!(err.contains("no cable matches"), "{err}");
}

#[test]
fn search_index_follows_reingest_and_no_fts() {
    let (tmp, db) = archive();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    let text = std::fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    std::fs::write(
        dir.join("09LEMURIA42.txt"),
        text.replace("Exporters welcomed", "Zebrafish farmers welcomed"),
    )
    .unwrap();
    assert_eq!(ingest(&db, &[&dir]).0, 0);
    assert_index_matches_content(&rusqlite::Connection::open(&db).unwrap());
    let (_, out, _) = run(&db, &["search", "zebrafish"]);
    assert!(out.starts_with("09LEMURIA42"), "{out}");
    let (_, out, _) = run(&db, &["search", "exporters"]);
    assert_eq!(out, "", "the replaced paragraph left the index");
    let out = bin()
        .args(["ingest", "--quiet", "--no-fts", "--db"])
        .arg(&db)
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (code, _, err) = run(&db, &["search", "zebrafish"]);
    assert_eq!(code, 1);
    assert!(err.contains("no search index"), "{err}");
}

#[test]
fn an_index_build_cut_short_is_refused_by_search_and_finished_by_the_next_ingest() {
    let (_tmp, db) = archive();
    assert_index_matches_content(&rusqlite::Connection::open(&db).unwrap());
    let indexed: i64 = one(&db, "SELECT count(*) FROM paragraphs_fts");
    assert_eq!(indexed, one::<i64>(&db, "SELECT count(*) FROM paragraphs"));
    // What a build stopped after its first transactions leaves: the tables, part of the
    // rows, no triggers.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "DROP TRIGGER cables_au; DROP TRIGGER paragraphs_ai;
             INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('delete-all');
             INSERT INTO paragraphs_fts(rowid, text, heading) SELECT id, text, heading FROM paragraphs WHERE id <= 3;",
        )
        .unwrap();
    let (code, out, err) = run(&db, &["search", "\"sea wall\""]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.contains("search index is incomplete"), "{err}");
    // No file changed: nothing is written but the index, built again whole.
    let (code, err) = ingest(&db, &[&examples()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("0 cables added, 0 updated, 0 unchanged, 0 rejected, 4 files unchanged"),
        "{err}"
    );
    assert_index_matches_content(&rusqlite::Connection::open(&db).unwrap());
    let triggers: i64 = one(
        &db,
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_a_' ESCAPE '\\'",
    );
    assert_eq!(triggers, 6);
    let (code, out, err) = run(&db, &["search", "\"sea wall\""]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("10ATLANTIS"), "{out}");
    // --no-fts removes a partial index as it removes a whole one.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TRIGGER cables_au;")
        .unwrap();
    let out = bin()
        .args(["ingest", "--quiet", "--no-fts", "--db"])
        .arg(&db)
        .arg(examples())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let left: i64 = one(
        &db,
        "SELECT count(*) FROM sqlite_master WHERE name LIKE '%fts%' OR type = 'trigger'",
    );
    assert_eq!(left, 0);
}

#[test]
fn show_prints_the_seed_cable_as_the_snapshot() {
    let (_tmp, db) = archive();
    let (code, out, err) = run(&db, &["show", "08TOKYO3205"]);
    assert_eq!(code, 0, "{err}");
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/show_08TOKYO3205.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &out).unwrap();
    }
    let want =
        std::fs::read_to_string(&snapshot).expect("snapshot; create with UPDATE_SNAPSHOTS=1");
    assert_eq!(out, want);
    let (code, _, err) = run(&db, &["show", "99NOWHERE1"]);
    assert_eq!(code, 1);
    assert!(err.contains("99NOWHERE1: no such cable"), "{err}");
}

#[test]
fn datasette_metadata_covers_tables_views_fts_and_queries() {
    let (_tmp, db) = archive();
    let (code, out, _) = run(&db, &["datasette-metadata"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v["databases"]["archive"];
    assert_eq!(d["tables"]["paragraphs"]["fts_table"], "paragraphs_fts");
    assert_eq!(d["tables"]["cables"]["fts_table"], "cables_fts");
    assert_eq!(d["tables"]["cables"]["label_column"], "reference_id");
    assert_eq!(d["tables"]["cables"]["facets"][0], "classification");
    let names: Vec<String> = query(&db, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_refinery%'");
    for name in names {
        assert!(
            d["tables"][&name]["description"].is_string(),
            "no description for {name}"
        );
    }
    assert!(d["queries"]["cables_with_tag"]["sql"]
        .as_str()
        .unwrap()
        .contains(":tag"));
}
