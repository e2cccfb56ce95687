//! The archive as Datasette and BI tools read it (issue 12): typed view columns, citation
//! keys kept up to date across ingests, aggregate tables refreshed by later ingests, views that
//! SQLite counts from one table, and `datasette-metadata`'s refusals, names and formats.

mod common;
use common::*;
use rusqlite::Connection;
use std::path::Path;

/// A cable the examples' 09LEMURIA42 cites (`REF: STATE 1234`), as a raw telegram.
const CITED: &str = "R 011200Z MAR 09
FM SECSTATE WASHDC
TO AMEMBASSY LEMURIA 0001

UNCLAS STATE 001234

E.O. 12958: N/A
TAGS ECON LE
SUBJECT: LEMURIA: GUIDANCE ON RATES

1. (U) Please report on the central bank's decision on rates.
CLINTON
";

fn cited_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("09STATE1234.txt");
    std::fs::write(&path, CITED).unwrap();
    path
}

fn strings(db: &Path, sql: &str) -> Vec<String> {
    query::<String>(db, sql)
}

#[test]
fn every_view_column_has_a_declared_type() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let conn = Connection::open(&db).unwrap();
    let views: Vec<String> = query(&db, "SELECT name FROM sqlite_master WHERE type = 'view'");
    assert!(views.len() >= 11, "{views:?}");
    for view in &views {
        let mut st = conn
            .prepare(&format!(
                "SELECT name, type FROM pragma_table_info('{view}')"
            ))
            .unwrap();
        let cols: Vec<(String, String)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (col, ty) in &cols {
            assert!(!ty.is_empty(), "{view}.{col} has no declared type");
        }
    }
    let ty = |view: &str, col: &str| -> String {
        conn.query_row(
            "SELECT type FROM pragma_table_info(?1) WHERE name = ?2",
            [view, col],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(ty("cable_overview", "year"), "INTEGER");
    assert_eq!(ty("cable_overview", "created_at"), "DATETIME");
    assert_eq!(ty("cable_overview", "tags"), "TEXT");
    assert_eq!(ty("classification_by_year", "year"), "INTEGER");
    assert_eq!(ty("tag_counts", "cables"), "INTEGER");
    assert_eq!(ty("cables_per_month", "cables"), "INTEGER");
    assert_eq!(ty("citations", "cited_cable_id"), "INTEGER");
    assert_eq!(ty("cable_overview", "to_count"), "INTEGER");
    // CAST columns: SQLite names the type by its affinity.
    assert_eq!(ty("citations", "cited_in_archive"), "INT");
    // and the values are of that type
    assert_eq!(
        strings(
            &db,
            "SELECT DISTINCT typeof(year) || ' ' || typeof(to_count) || ' ' || json_valid(tags) FROM cable_overview"
        ),
        ["integer integer 1"]
    );
}

#[test]
fn citation_keys_and_aggregates_follow_later_ingests() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    let later = tmp.path().join("later");
    std::fs::create_dir(&later).unwrap();
    cited_file(&later);
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let cites = "SELECT coalesce(target_cable_id, 'none') || '' FROM cable_references WHERE target_reference_id = '09STATE1234'";
    assert_eq!(strings(&db, cites), ["none"]);
    assert_eq!(
        strings(
            &db,
            "SELECT tag || ' ' || cables FROM tag_counts WHERE tag = 'LE'"
        ),
        ["LE 1"]
    );
    let by_year = "SELECT classification || ' ' || cables FROM classification_by_year WHERE year = 2009 ORDER BY 1";
    assert_eq!(
        strings(&db, by_year),
        ["UNCLASSIFIED 1", "UNCLASSIFIED//FOR OFFICIAL USE ONLY 1"]
    );
    // The cited cable arrives in a later run: the reference now points at its row, and the
    // aggregates count it.
    assert_eq!(ingest(&db, &[&later]).0, 0);
    let id: i64 = one(
        &db,
        "SELECT id FROM cables WHERE reference_id = '09STATE1234'",
    );
    assert_eq!(strings(&db, cites), [id.to_string()]);
    assert_eq!(
        strings(&db, "SELECT cited_reference_id || ' ' || cited_in_archive || ' ' || cited_subject || ' ' || cited_cable_id FROM citations"),
        [format!("09STATE1234 1 LEMURIA: GUIDANCE ON RATES {id}")]
    );
    assert_eq!(
        strings(&db, "SELECT cited_reference_id || ' ' || times_cited || ' ' || in_archive || ' ' || subject FROM most_cited"),
        ["09STATE1234 1 1 LEMURIA: GUIDANCE ON RATES"]
    );
    assert_eq!(
        strings(&db, "SELECT tag || ' ' || cables || ' ' || first_created || ' ' || last_created FROM tag_counts WHERE tag = 'LE'"),
        ["LE 2 2009-03-01 12:00:00 2009-03-02 15:00:00"]
    );
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_overview"), 6);
    assert_eq!(
        strings(
            &db,
            "SELECT tags FROM cable_overview WHERE reference_id = '09STATE1234'"
        ),
        [r#"["ECON","LE"]"#]
    );
    assert_eq!(
        strings(&db, by_year),
        ["UNCLASSIFIED 2", "UNCLASSIFIED//FOR OFFICIAL USE ONLY 1"]
    );

    // The other order: the cited cable first, the citing one later, resolved at once.
    let db2 = tmp.path().join("other.db");
    assert_eq!(ingest(&db2, &[&later]).0, 0);
    assert_eq!(ingest(&db2, &[&examples()]).0, 0);
    let id2: i64 = one(
        &db2,
        "SELECT id FROM cables WHERE reference_id = '09STATE1234'",
    );
    assert_eq!(strings(&db2, cites), [id2.to_string()]);
    // Both archives hold the same counts whatever the order of the runs.
    for view in [
        "tag_counts",
        "cables_per_month",
        "origin_counts",
        "recipient_counts",
    ] {
        let rows = |db: &Path| -> Vec<String> {
            let conn = Connection::open(db).unwrap();
            let mut st = conn.prepare(&format!("SELECT * FROM {view}")).unwrap();
            let n = st.column_count();
            let mut out: Vec<String> = st
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            out.sort();
            out
        };
        assert_eq!(rows(&db), rows(&db2), "{view}");
    }
}

#[test]
fn a_refresh_cut_short_is_completed_by_the_next_ingest() {
    // A run killed after its cables were committed and before the refresh leaves its counts
    // out of date, and stays `running`: the next ingest, even with nothing to read, marks it
    // failed and recomputes them. agg_cables rows missing (an archive of an older version,
    // rows removed by hand) are found stale and recomputed.
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let before = strings(
        &db,
        "SELECT tag || ' ' || cables FROM tag_counts ORDER BY tag",
    );
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch("DELETE FROM agg_cables; DELETE FROM agg_tag_counts;")
            .unwrap();
    }
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_overview"), 0);
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_overview"), 5);
    let counts = "SELECT tag || ' ' || cables FROM tag_counts ORDER BY tag";
    assert_eq!(strings(&db, counts), before);

    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "DELETE FROM agg_tag_counts;
             UPDATE ingest_runs SET status = 'running' WHERE id = (SELECT max(id) FROM ingest_runs);",
        )
        .unwrap();
    assert!(strings(&db, counts).is_empty());
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    assert_eq!(strings(&db, counts), before);
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM ingest_runs WHERE status = 'failed'"
        ),
        1
    );
}

/// The aggregate tables and the citation keys of an archive, one line per row, sorted.
fn aggregate_rows(db: &Path) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut out = Vec::new();
    for table in [
        "agg_cables",
        "agg_tag_counts",
        "agg_cables_per_month",
        "agg_recipient_counts",
        "agg_most_cited",
        "(SELECT id, target_cable_id FROM cable_references)",
    ] {
        let mut st = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .map(|r| format!("{table}: {}", r.unwrap()));
        out.extend(rows);
    }
    out.sort();
    out
}

/// The same computed from scratch: a copy of the archive without any aggregate row or
/// citation key, ingested with nothing to read, recomputes them all from the stored rows
/// (`sql/aggregates/rows.sql` and `counts.sql`).
fn recomputed(db: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::copy(db, &copy).unwrap();
    Connection::open(&copy)
        .unwrap()
        .execute_batch(
            "DELETE FROM agg_cables; DELETE FROM agg_tag_counts; DELETE FROM agg_cables_per_month;
             DELETE FROM agg_recipient_counts; DELETE FROM agg_most_cited;
             UPDATE cable_references SET target_cable_id = NULL;",
        )
        .unwrap();
    let nothing = dir.path().join("nothing");
    std::fs::create_dir(&nothing).unwrap();
    let (code, stderr) = ingest(&copy, &[&nothing]);
    assert_eq!(code, 0, "{stderr}");
    aggregate_rows(&copy)
}

#[test]
fn aggregates_kept_by_the_writer_equal_a_recomputation_after_every_kind_of_ingest() {
    // The writer stores each cable's agg_cables row with the cable and the counts are
    // recomputed at the end of a run; after each kind of run they must be what a
    // recomputation from the stored rows gives.
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    let check = |what: &str| {
        let (kept, fresh) = (aggregate_rows(&db), recomputed(&db));
        assert!(
            kept.iter().any(|r| r.starts_with("agg_tag_counts: ")),
            "{what}"
        );
        let only = |a: &[String], b: &[String]| -> Vec<String> {
            a.iter()
                .filter(|r| !b.contains(r))
                .take(10)
                .cloned()
                .collect()
        };
        assert_eq!(
            (only(&kept, &fresh), only(&fresh, &kept)),
            (vec![], vec![]),
            "{what}: rows only kept by the writer, only recomputed"
        );
        assert_eq!(kept, fresh, "{what}");
    };
    // Other renderings of stored cables, a format per run: a richer source rewrites a cable's
    // rows (a first load, with its indexes set aside), a poorer one only adds its metadata.
    if let Some(corpus) = corpus() {
        for part in ["raw", "cables.csv", "html", "page-text"] {
            let (code, stderr) = ingest(&db, &[&corpus.join(part)]);
            assert_eq!(code, 0, "{part}: {stderr}");
            check(part);
        }
    }
    // The examples in a folder of their own: new cables, a cited cable arriving later, a
    // changed file (a new version of a cable, with other tags), every cable rewritten
    // (--full), and a file gone and forgotten.
    let ex = tmp.path().join("ex");
    std::fs::create_dir(&ex).unwrap();
    for f in ["08TOKYO3205.txt", "cables.csv"] {
        std::fs::copy(examples().join(f), ex.join(f)).unwrap();
    }
    assert_eq!(ingest(&db, &[&ex]).0, 0);
    check("examples");
    cited_file(&ex);
    assert_eq!(ingest(&db, &[&ex]).0, 0);
    check("a cited cable");
    let page = ex.join("08TOKYO3205.txt");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("TAGS: PREL PGOV ECON JA RS KN", "TAGS: PREL PGOV JA KS"),
    )
    .unwrap();
    let (code, stderr) = ingest(&db, &[&ex]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(" 1 updated"), "{stderr}");
    check("a new version");
    assert_eq!(ingest_with(&db, &["--full"], &[&ex]).0, 0);
    check("--full");
    std::fs::remove_file(ex.join("09STATE1234.txt")).unwrap();
    assert_eq!(ingest_with(&db, &["--forget-gone"], &[&ex]).0, 0);
    check("--forget-gone");
}

#[test]
fn large_views_are_counted_from_one_table() {
    // Datasette counts and facets every page; SQLite runs each join of a view (and a view with
    // ORDER BY whole) to count it, which took seconds at 251,287 cables. These plans must read
    // one table or index per view (cables_by_tag: tags and cable_tags' covering index).
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    for (view, tables) in [
        ("cable_overview", &["agg_cables"][..]),
        ("cable_paragraphs", &["paragraphs"]),
        ("citations", &["cable_references"]),
        ("cables_by_tag", &["tags", "cable_tags"]),
    ] {
        let conn = Connection::open(&db).unwrap();
        let mut st = conn
            .prepare(&format!("EXPLAIN QUERY PLAN SELECT count(*) FROM {view}"))
            .unwrap();
        let read: Vec<String> = st
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .filter_map(|d| {
                let rest = d
                    .strip_prefix("SCAN ")
                    .or_else(|| d.strip_prefix("SEARCH "))?;
                // EXPLAIN names a table by its alias in the view, or by its name
                let name = match rest.split_whitespace().next().unwrap() {
                    "a" => "agg_cables",
                    "p" => "paragraphs",
                    "r" => "cable_references",
                    "t" => "tags",
                    "ct" => "cable_tags",
                    other => other,
                };
                Some(name.to_string())
            })
            .collect();
        assert_eq!(read, tables, "{view}");
    }
}

#[test]
fn datasette_metadata_refuses_what_is_not_an_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["datasette-metadata", "--db"])
        .arg(tmp.path().join("nosuch.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nosuch.db: no such database"), "{err}");
    assert!(
        !tmp.path().join("nosuch.db").exists(),
        "a missing archive must not be created"
    );

    let text = tmp.path().join("notes.db");
    std::fs::write(
        &text,
        "not a database at all, just some text to fill a page",
    )
    .unwrap();
    let out = bin()
        .args(["datasette-metadata", "--db"])
        .arg(&text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.db"));

    let other = tmp.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE things (id INTEGER PRIMARY KEY)")
        .unwrap();
    let out = bin()
        .args(["datasette-metadata", "--db"])
        .arg(&other)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("other.db: not a cable-archive database"),
        "{err}"
    );
}

#[test]
fn datasette_metadata_names_the_database_after_its_file_and_hides_internal_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cables-2010.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let meta = |extra: &[&str]| -> serde_json::Value {
        let out = succeed(
            bin()
                .args(["datasette-metadata", "--db"])
                .arg(&db)
                .args(extra),
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = meta(&[]);
    let dbs: Vec<&String> = v["databases"].as_object().unwrap().keys().collect();
    assert_eq!(dbs, ["cables-2010"]);
    let d = &v["databases"]["cables-2010"];
    for hidden in ["_refinery_schema_history", "agg_cables", "agg_tag_counts"] {
        assert_eq!(d["tables"][hidden]["hidden"], true, "{hidden}");
    }
    assert_eq!(
        d["tables"]["cable_paragraphs"]["fts_table"],
        "paragraphs_fts"
    );
    assert_eq!(d["tables"]["cable_paragraphs"]["fts_pk"], "id");
    assert_eq!(
        d["tables"]["cable_overview"]["facets"],
        serde_json::json!(["year", "classification", "origin"])
    );
    for q in ["top_posts", "top_signers", "paragraphs_by_marking"] {
        assert!(d["queries"][q]["sql"].is_string(), "{q}");
    }
    let v = meta(&["--name", "archive"]);
    let dbs: Vec<&String> = v["databases"].as_object().unwrap().keys().collect();
    assert_eq!(dbs, ["archive"]);
}

#[test]
fn canned_queries_take_blank_dates_as_unbounded() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let run = |args: &[&str]| -> String {
        let out = succeed(
            bin()
                .arg("query")
                .args(args)
                .args(["--format", "csv", "--db"])
                .arg(&db),
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let all = run(&[
        "cables_with_tag",
        "-p",
        "tag=PREL",
        "-p",
        "from=",
        "-p",
        "to=",
    ]);
    assert_eq!(all.lines().count(), 4, "{all}");
    let to = run(&[
        "cables_with_tag",
        "-p",
        "tag=PREL",
        "-p",
        "from=",
        "-p",
        "to=2009-12-31",
    ]);
    assert_eq!(to.lines().skip(1).collect::<Vec<_>>().len(), 1, "{to}");
    assert!(to.contains("08TOKYO3205"));
    assert_eq!(
        run(&["top_signers", "-p", "from=", "-p", "to="])
            .lines()
            .nth(1),
        Some("DOE,2,2,2009-03-02 15:00:00,2009-03-02 15:15:00")
    );
    assert_eq!(
        run(&["top_posts", "-p", "classification=confidential", "-p", "from=", "-p", "to="]),
        "year,classification,origin,cables\n2008,CONFIDENTIAL,Embassy Tokyo,1\n2010,CONFIDENTIAL,Embassy Atlantis,2\n"
    );
    let paras = run(&[
        "paragraphs_by_marking",
        "-p",
        "marking=sbu",
        "-p",
        "from=2009-01-01",
        "-p",
        "to=",
        "-p",
        "tag=efin",
    ]);
    let lines: Vec<String> = paras
        .lines()
        .filter(|l| l.starts_with("09") || l.starts_with("reference_id"))
        .map(|l| l.split(',').take(5).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        lines,
        [
            "reference_id,created_at,classification,paragraph,marking",
            "09LEMURIA42,2009-03-02 15:00:00,UNCLASSIFIED//FOR OFFICIAL USE ONLY,1,SBU",
            "09LEMURIA42,2009-03-02 15:00:00,UNCLASSIFIED//FOR OFFICIAL USE ONLY,2,SBU"
        ]
    );
    let none = run(&[
        "paragraphs_by_marking",
        "-p",
        "marking=sbu",
        "-p",
        "from=",
        "-p",
        "to=",
        "-p",
        "tag=PREL",
    ]);
    assert_eq!(none.lines().count(), 1, "{none}");
}
