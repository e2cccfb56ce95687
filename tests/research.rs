//! Research ergonomics (issue 13) through the binary: search input as people type it, the
//! search filters, counts and formats, date forms and their rejections, the level and key
//! columns, REF-line ids, and one error style with the documented exit statuses. On an
//! archive of the examples plus `tests/data/search/10ATLANTIS77.txt` (a cable written to hold
//! each spelling), and on the shared corpus when it is present.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The examples and the search fixture, ingested by relative path.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    succeed(
        bin()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["ingest", "--quiet", "--db"])
            .arg(&db)
            .args(["examples", "tests/data/search"]),
    );
    (tmp, db)
}

/// Reference ids of a text-layout search result, in order.
fn ids(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn words_with_punctuation_are_searched_as_the_phrase_meant() {
    let (_tmp, db) = archive();
    for (typed, marked) in [
        ("S-300", "[S-300]"),
        ("U.S.", "[U.S]."),
        ("al-Qaeda", "[al-Qaeda]"),
        ("Mbeki's", "[Mbeki's]"),
        ("1.4(b)", "[1.4(b])"),
        ("10,000", "[10,000]"),
        ("e-mail", "[e-mail]"),
    ] {
        let (code, out, err) = run(&db, &["search", typed]);
        assert_eq!((code, err.as_str()), (0, ""), "{typed}");
        assert_eq!(ids(&out), ["10ATLANTIS77"], "{typed}: {out}");
        assert!(out.contains(marked), "{typed}: {out}");
    }
    // The phrase is the words in a row, not each word anywhere: `S-300` is not `S` and `300`.
    let (_, out, err) = run(&db, &["search", "minister-300"]);
    assert_eq!(out, "");
    assert_eq!(err, "no cable matches \"minister-300\"\n");
}

#[test]
fn explicit_fts5_syntax_still_works_and_unbalanced_quotes_are_closed() {
    let (_tmp, db) = archive();
    for (typed, expected) in [
        ("\"sea wall\"", vec!["10ATLANTIS1", "10ATLANTIS2"]),
        ("refugees OR Lavrov", vec!["10ATLANTIS77", "08TOKYO3205"]),
        // Per paragraph: 08TOKYO3205 names Lavrov in a paragraph without Medvedev.
        ("Lavrov NOT Medvedev", vec!["08TOKYO3205", "10ATLANTIS77"]),
        ("refugees NOT envoy", vec![]),
        ("NEAR(envoy refugees, 3)", vec!["10ATLANTIS77"]),
        ("NEAR(envoy e-mail, 3)", vec![]),
        ("refug*", vec!["10ATLANTIS77"]),
        ("(Mbeki OR Schieffer) AND refugees", vec!["10ATLANTIS77"]),
        ("heading:Lavrov", vec!["10ATLANTIS77"]),
    ] {
        let (code, out, err) = run(&db, &["search", typed]);
        assert_eq!(code, 0, "{typed}: {err}");
        let mut found = ids(&out);
        found.sort_unstable();
        let mut expected = expected;
        expected.sort_unstable();
        assert_eq!(found, expected, "{typed}: {out}{err}");
    }
    let (code, out, err) = run(&db, &["search", "\"sent an e-mail"]);
    assert_eq!(code, 0);
    assert_eq!(ids(&out), ["10ATLANTIS77"]);
    assert_eq!(
        err,
        "note: the quote before \"sent an e-mail\" was not closed; searching for the phrase to the end\n"
    );
    // What FTS5 cannot read is a usage mistake, said in one line.
    let (code, out, err) = run(&db, &["search", "Lavrov AND"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with(
            "error: search \"Lavrov AND\": not a query FTS5 can read (fts5: syntax error near \"\""
        ) && err.lines().count() == 1,
        "{err}"
    );
    let (code, _, err) = run(&db, &["search", "& ,"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: search \"& ,\": no word to search for (e.g. cable-archive search Lavrov)\n"
    );
}

#[test]
fn a_match_in_a_heading_shows_the_heading() {
    let (_tmp, db) = archive();
    let (_, out, _) = run(&db, &["search", "Lavrov", "--origin", "Atlantis"]);
    assert_eq!(
        out,
        "10ATLANTIS77  2010-03-04  ATLANTIS: WHAT RESEARCHERS TYPE\n    \
         ¶3 under heading \"[Lavrov] Visit\": The foreign minister arrived on Tuesday.\n"
    );
}

#[test]
fn the_limit_is_said_and_formats_are_table_csv_json() {
    let (_tmp, db) = archive();
    let (code, out, err) = run(&db, &["search", "minister OR wall", "--limit", "1"]);
    assert_eq!(code, 0);
    assert_eq!(ids(&out).len(), 1);
    assert_eq!(err, "1 of 4 cables (use --limit)\n");
    let (_, out, err) = run(&db, &["search", "minister OR wall", "--limit", "0"]);
    assert_eq!((ids(&out).len(), err.as_str()), (4, ""));

    let (code, out, _) = run(&db, &["search", "refugees", "--format", "csv"]);
    assert_eq!(code, 0);
    let mut csv = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        csv.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "reference_id",
            "created_at",
            "subject",
            "classification",
            "origin",
            "paragraph_number",
            "level",
            "heading",
            "snippet"
        ]
    );
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.iter()
            .map(|r| r.iter().collect::<Vec<_>>())
            .collect::<Vec<_>>(),
        [[
            "10ATLANTIS77",
            "2010-03-04 12:00:00",
            "ATLANTIS: WHAT RESEARCHERS TYPE",
            "SECRET//NOFORN",
            "Embassy Atlantis",
            "2",
            "S",
            "",
            "Mbeki's envoy counted 10,000 [refugees] and sent an e-mail about it."
        ]]
    );
    let (_, out, _) = run(&db, &["search", "refugees", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["reference_id"], "10ATLANTIS77");
    assert_eq!(v[0]["paragraph_number"], 2);
    assert_eq!(v[0]["level"], "S");
    assert_eq!(v[0]["heading"], serde_json::Value::Null);
    let (_, out, _) = run(&db, &["search", "refugees", "--format", "table"]);
    assert!(
        out.starts_with("reference_id  created_at           subject") && out.ends_with("(1 row)\n"),
        "{out}"
    );
}

#[test]
fn filters_by_classification_marking_and_origin() {
    let (_tmp, db) = archive();
    let search = |extra: &[&str]| {
        let mut args = vec!["search", "minister OR wall OR Lavrov OR rates"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&db, &args);
        assert_eq!(code, 0, "{extra:?}: {err}");
        let mut found: Vec<String> = ids(&out).into_iter().map(String::from).collect();
        found.sort_unstable();
        found
    };
    assert_eq!(search(&["--classification", "secret"]), ["10ATLANTIS77"]);
    assert_eq!(search(&["--classification", "S"]), ["10ATLANTIS77"]);
    assert_eq!(
        search(&["--classification", "CONFIDENTIAL"]),
        ["08TOKYO3205", "10ATLANTIS1", "10ATLANTIS2"]
    );
    assert_eq!(search(&["--classification", "U"]), ["09LEMURIA42"]);
    // `--marking S` finds the paragraph marked S/NOFORN; SBU is not S.
    assert_eq!(search(&["--marking", "S"]), ["10ATLANTIS77"]);
    assert_eq!(
        search(&["--marking", "sbu"]),
        ["09LEMURIA42", "10ATLANTIS77"]
    );
    let (_, out, _) = run(&db, &["search", "minister", "--marking", "SBU"]);
    assert!(out.contains("¶3"), "the SBU paragraph, not ¶1: {out}");
    assert_eq!(search(&["--origin", "atlantis"]).len(), 3);
    assert_eq!(search(&["--origin", "Embassy T%"]), ["08TOKYO3205"]);
    let (_, _, err) = run(
        &db,
        &["search", "wall", "--origin", "Tokyo", "--from", "2009"],
    );
    assert_eq!(
        err,
        "no cable matches \"wall\" from 2009-01-01, from an origin like \"%Tokyo%\"\n"
    );
}

#[test]
fn dates_take_a_year_a_month_or_a_day() {
    let (_tmp, db) = archive();
    let found = |from: &str, to: &str| {
        let (code, out, err) = run(
            &db,
            &[
                "search",
                "minister OR wall OR rates",
                "--from",
                from,
                "--to",
                to,
            ],
        );
        assert_eq!(code, 0, "{from} {to}: {err}");
        let mut f: Vec<String> = ids(&out).into_iter().map(String::from).collect();
        f.sort_unstable();
        f
    };
    assert_eq!(found("2009", "2009"), ["09LEMURIA42"]);
    assert_eq!(
        found("2010", "2010"),
        ["10ATLANTIS1", "10ATLANTIS2", "10ATLANTIS77"]
    );
    assert_eq!(found("2010-03", "2010-03"), ["10ATLANTIS77"]);
    assert_eq!(found("2010-01", "2010-02"), ["10ATLANTIS1", "10ATLANTIS2"]);
    assert_eq!(
        found("2010-01-15", "2010-01-15"),
        ["10ATLANTIS1", "10ATLANTIS2"]
    );
    assert_eq!(
        found("2008", "2010-03-04"),
        found("2008-01-01", "2010-12-31")
    );
    // Query parameters take the same forms; `to` covers its whole period.
    let (code, out, err) = run(
        &db,
        &[
            "query",
            "cables_with_tag",
            "-p",
            "tag=XA",
            "-p",
            "from=2010",
            "-p",
            "to=2010-03",
            "--format",
            "csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines()
            .skip(1)
            .map(|l| &l[..l.find(',').unwrap()])
            .collect::<Vec<_>>(),
        ["10ATLANTIS1", "10ATLANTIS2", "10ATLANTIS77"]
    );
}

#[test]
fn bad_dates_and_empty_ranges_exit_2_with_an_example() {
    let (_tmp, db) = archive();
    let forms = "(a date is YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2009, 2009-02 or 2009-02-28)";
    for (args, why) in [
        (
            vec!["--from", "2009-13-01"],
            "--from \"2009-13-01\": there is no month 13",
        ),
        (
            vec!["--from", "01/02/2009"],
            "--from \"01/02/2009\": not a date",
        ),
        (
            vec!["--to", "2009-02-30"],
            "--to \"2009-02-30\": 2009-02 has no day 30",
        ),
        (vec!["--from", "09"], "--from \"09\": not a date"),
    ] {
        let mut a = vec!["search", "wall"];
        a.extend(args);
        let (code, out, err) = run(&db, &a);
        assert_eq!((code, out.as_str()), (2, ""), "{a:?}");
        assert_eq!(err, format!("error: {why} {forms}\n"));
    }
    let (code, _, err) = run(
        &db,
        &["search", "wall", "--from", "2010", "--to", "2009-06"],
    );
    assert_eq!(code, 2);
    assert_eq!(err, "error: --from 2010 --to 2009-06: the range is empty: it starts on 2010-01-01 and ends on 2009-06-30 (swap them: --from 2009-06 --to 2010)\n");
    let (code, _, err) = run(
        &db,
        &[
            "query",
            "cables_with_tag",
            "-p",
            "tag=XA",
            "-p",
            "from=2009-02-30",
            "-p",
            "to=2010",
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!("error: --param from=\"2009-02-30\": 2009-02 has no day 30 {forms}\n")
    );
    let (code, _, err) = run(
        &db,
        &[
            "query",
            "cables_with_tag",
            "-p",
            "tag=XA",
            "-p",
            "from=2010",
            "-p",
            "to=2009",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("the range is empty"), "{err}");
    // A date mistake is found before the archive is needed.
    let (code, _, _) = run(
        &db.with_file_name("none.db"),
        &["search", "x", "--from", "2009-1"],
    );
    assert_eq!(code, 2);
}

#[test]
fn levels_caveats_noforn_and_signer_keys_are_stored() {
    let (_tmp, db) = archive();
    let rows: Vec<String> = query(
        &db,
        "SELECT p.number || ' ' || p.marking || ' ' || p.level || ' ' || coalesce(p.caveats, '-')
         FROM paragraphs p JOIN cables c ON c.id = p.cable_id
         WHERE c.reference_id = '10ATLANTIS77' ORDER BY p.position",
    );
    assert_eq!(
        rows,
        [
            "1 S/NOFORN S NF",
            "2 S//REL NATO S REL NATO",
            "3 SBU SBU -",
            "4 C NF C NF"
        ]
    );
    let cables: Vec<String> = query(
        &db,
        "SELECT reference_id || ' ' || classification_level || ' ' || noforn || ' ' || coalesce(signer_key, '-')
         FROM cables ORDER BY reference_id",
    );
    assert_eq!(
        cables,
        [
            "08TOKYO3205 CONFIDENTIAL 0 SCHIEFFER",
            "09LEMURIA42 UNCLASSIFIED 0 DOE",
            "09MU7 UNCLASSIFIED 0 DOE",
            "10ATLANTIS1 CONFIDENTIAL 0 EXAMPLE",
            "10ATLANTIS2 CONFIDENTIAL 0 EXAMPLE",
            "10ATLANTIS77 SECRET 1 STAPLETON",
        ]
    );
    // Every marked paragraph has a level.
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM paragraphs WHERE marking IS NOT NULL AND level IS NULL"
        ),
        0
    );
}

#[test]
fn show_formats_and_reference_ids_as_written_in_a_ref_line() {
    let (_tmp, db) = archive();
    let (code, out, err) = run(&db, &["show", "10atlantis77", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["reference_id"], "10ATLANTIS77");
    assert_eq!(v["classification_level"], "SECRET");
    assert_eq!(v["noforn"], true);
    assert_eq!(v["signer_key"], "STAPLETON");
    assert_eq!(v["recipients"][0]["name"], "SECSTATE WASHDC");
    assert_eq!(v["tags"].as_array().unwrap().len(), 3);
    assert_eq!(v["markings"][0]["marking"], "NOFORN");
    assert_eq!(v["references"][0]["target_reference_id"], "09STATE127892");
    assert_eq!(v["paragraphs"][1]["caveats"], "REL NATO");
    assert_eq!(v["paragraphs"][2]["heading"], "Lavrov Visit");
    // Every child table of the cable is there (store::CHILD_TABLES).
    for key in [
        "recipients",
        "tags",
        "paragraphs",
        "markings",
        "references",
        "warnings",
    ] {
        assert!(v[key].is_array(), "{key}");
    }
    let (_, out, _) = run(&db, &["show", "10ATLANTIS77", "--format", "csv"]);
    assert_eq!(
        out.lines().next(),
        Some("reference_id,position,number,marking,level,caveats,heading,text")
    );
    assert_eq!(
        csv::Reader::from_reader(out.as_bytes()).records().count(),
        4,
        "{out}"
    );
    // `show` takes an id as a REF line writes it.
    let (code, out, _) = run(&db, &["show", "10 ATLANTIS 77"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("10ATLANTIS77  ATLANTIS: WHAT RESEARCHERS TYPE\n"));
    // `cited_by` too: with the year, and without it when only one year matches.
    for written in [
        "09STATE127892",
        "09 STATE 127892",
        "STATE 127892",
        "SECSTATE 127892",
    ] {
        let (code, out, err) = run(
            &db,
            &[
                "query",
                "cited_by",
                "-p",
                &format!("reference_id={written}"),
                "--format",
                "csv",
            ],
        );
        assert_eq!(code, 0, "{written}: {err}");
        assert_eq!(
            out.lines().nth(1).map(|l| &l[..12]),
            Some("10ATLANTIS77"),
            "{written}"
        );
    }
    // The canned full-text query reads words as `search` does.
    let (code, out, err) = run(
        &db,
        &[
            "query",
            "search_paragraphs",
            "-p",
            "q=S-300",
            "--format",
            "csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("10ATLANTIS77,")),
        "{out}"
    );
    let (code, _, err) = run(&db, &["query", "cited_by", "-p", "reference_id=STATE 99"]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: \"STATE 99\": no cable STATE99 of any year is in this archive or cited by it (give the year as in a REF line, e.g. \"09 STATE 99\")\n");
    let (code, _, err) = run(&db, &["show", "10ATLANTIS78"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: 10ATLANTIS78: no such cable in this archive (`cable-archive search WORDS` finds cables by their text)\n");
}

#[test]
fn usage_mistakes_exit_2_and_every_error_is_one_line() {
    let (tmp, db) = archive();
    let usage = [
        vec!["frobnicate"],
        vec!["search", "wall", "--format", "xml"],
        vec!["show", "10ATLANTIS77", "--format", "yaml"],
        vec!["query", "no_such_query"],
        vec!["query", "cited_by", "-p", "colour=red"],
        vec!["query", "cited_by", "-p", "reference_id"],
        vec!["query", "cited_by"],
        vec!["search", "wall", "--from", "2009-13"],
        vec!["search", "wall", "--classification", "secretish"],
        vec!["search", "wall", "--marking", "X"],
        vec!["search", "wall", "--limit", "many"],
        vec!["sql", "SELECT :x"],
        vec!["sql", "SELEC 1"],
        vec!["sql", "DELETE FROM cables"],
    ];
    for args in usage {
        let (code, _, err) = run(&db, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    let (_, _, err) = run(&db, &["sql", "SELECT :x"]);
    assert_eq!(
        err,
        "error: sql: missing parameter x; this statement takes: --param x=…\n"
    );
    let (code, out, _) = run(
        &db,
        &["sql", "SELECT :x AS x", "--param", "x=5", "--format", "csv"],
    );
    assert_eq!((code, out.as_str()), (0, "x\n5\n"));
    let (_, _, err) = run(&db, &["search", "wall", "--format", "xml"]);
    assert_eq!(err, "error: invalid value 'xml' for '--format <FORMAT>' (possible values: table, csv, json) (see `cable-archive search --help`)\n");
    let out = bin().arg("search").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: the following required arguments were not provided: <QUERY> (see `cable-archive search --help`)\n"
    );
    let out = bin().arg("injest").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: unrecognized subcommand 'injest' (a similar subcommand exists: 'ingest') (see `cable-archive --help`)\n"
    );
    // An archive written before the level columns is said to be one, with the way out.
    let old = tmp.path().join("old.db");
    std::fs::copy(&db, &old).unwrap();
    rusqlite::Connection::open(&old)
        .unwrap()
        .execute_batch(
            "DROP INDEX paragraphs_search; DROP INDEX cables_search_filters;
             ALTER TABLE paragraphs DROP COLUMN level;",
        )
        .unwrap();
    for args in [vec!["search", "wall"], vec!["show", "10ATLANTIS77"]] {
        let (code, _, err) = run(&old, &args);
        assert_eq!(code, 1, "{args:?}");
        assert!(
            err.starts_with("error: this archive was built by an older cable-archive"),
            "{err}"
        );
    }
    // The archive's problems exit 1, said once.
    let not_db = tmp.path().join("not.db");
    std::fs::write(
        &not_db,
        "this is not a database, just text that is long enough to have a header page",
    )
    .unwrap();
    for args in [
        vec!["search", "wall"],
        vec!["stats"],
        vec!["show", "X"],
        vec!["sql", "SELECT 1"],
    ] {
        let (code, _, err) = run(&not_db, &args);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(
            err,
            format!(
                "error: {}: cannot open database: file is not a database\n",
                not_db.display()
            ),
            "{args:?}"
        );
    }
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.join("truth-dev.jsonl").exists() {
        Some(dir)
    } else {
        eprintln!(
            "NOTICE: {} not found; skipping the corpus part of the research tests",
            dir.display()
        );
        None
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_none_or(|x| x != "jsonl") {
            out.push(p);
        }
    }
}

/// Every distinct portion marking the parser reads from the corpus, in all four formats,
/// maps to a level; the table of spellings is printed (`-- --nocapture`).
#[test]
fn every_corpus_marking_maps_to_a_level() {
    use cable_archive::decode::{decode_file, Decoded};
    let Some(dir) = corpus() else { return };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    let mut seen: BTreeMap<String, (Option<String>, Option<String>, usize)> = BTreeMap::new();
    let mut note = |c: cable_archive::model::Cable| {
        for p in c.paragraphs {
            if let Some(m) = p.marking {
                seen.entry(m).or_insert((p.level, p.caveats, 0)).2 += 1;
            }
        }
    };
    for path in &paths {
        match decode_file(path) {
            Ok(Decoded::One(source, _)) => {
                if let Ok(c) = cable_archive::parse::parse(*source) {
                    note(c);
                }
            }
            Ok(Decoded::Csv(rows)) => {
                for s in rows.flatten() {
                    if let Ok(c) = cable_archive::parse::parse(s) {
                        note(c);
                    }
                }
            }
            Err(_) => {}
        }
    }
    println!(
        "{:<20} {:<5} {:<14} {:>6}",
        "marking", "level", "caveats", "paras"
    );
    for (m, (level, caveats, n)) in &seen {
        println!(
            "{m:<20} {:<5} {:<14} {n:>6}",
            level.as_deref().unwrap_or("?"),
            caveats.as_deref().unwrap_or("")
        );
    }
    let unmapped: Vec<&String> = seen
        .iter()
        .filter(|(_, (level, _, _))| level.is_none())
        .map(|(m, _)| m)
        .collect();
    assert!(seen.len() > 30, "only {} spellings read", seen.len());
    assert!(
        unmapped.is_empty(),
        "markings without a level: {unmapped:?}"
    );
}

/// The searches on the corpus: each finds the cables whose paragraphs hold the
/// quoted phrase (what Datasette's `?_search=` finds), and the levels are filled.
#[test]
fn corpus_searches_find_what_the_phrase_finds() {
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("corpus.db");
    let (code, err) = ingest(&db, &[&dir.join("html")]);
    assert!(code == 0 || code == 3, "{err}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    for typed in [
        "S-300", "U.S.", "al-Qaeda", "Mbeki's", "1.4(b)", "10,000", "e-mail", "Lavrov",
    ] {
        let phrase = format!("\"{typed}\"");
        let expected: i64 = conn
            .query_row(
                "SELECT count(DISTINCT p.cable_id) FROM paragraphs_fts f
                 JOIN paragraphs p ON p.id = f.rowid WHERE paragraphs_fts MATCH ?1",
                [&phrase],
                |r| r.get(0),
            )
            .unwrap();
        let (code, out, err) = run(&db, &["search", typed, "--limit", "0", "--format", "csv"]);
        assert_eq!(code, 0, "{typed}: {err}");
        let found = out.lines().count() as i64 - 1;
        println!("search {typed:<10} {found:>4} cables");
        assert!(found > 0, "{typed}: nothing found");
        assert_eq!(found, expected, "{typed}");
        if expected > 20 {
            let (_, _, err) = run(&db, &["search", typed]);
            assert_eq!(
                err,
                format!("20 of {expected} cables (use --limit)\n"),
                "{typed}"
            );
        }
    }
    // The issue's `cited_by`: a REF line's `STATE 127892` (09TALLINN373) and `09 STATE 127892`
    // (10STATE7810) are the same cable.
    for written in ["STATE 127892", "09 STATE 127892", "09STATE127892"] {
        let (code, out, err) = run(
            &db,
            &[
                "query",
                "cited_by",
                "-p",
                &format!("reference_id={written}"),
                "--format",
                "csv",
            ],
        );
        assert_eq!(code, 0, "{written}: {err}");
        let citing: Vec<&str> = out
            .lines()
            .skip(1)
            .map(|l| &l[..l.find(',').unwrap()])
            .collect();
        assert_eq!(citing, ["09TALLINN373", "10STATE7810"], "{written}");
    }
    let unfilled: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM cables WHERE classification_level IS NULL)
                  + (SELECT count(*) FROM paragraphs WHERE marking IS NOT NULL AND level IS NULL)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unfilled, 0);
    // Signers group: no key differs from another only by case, redactions have none.
    let redacted: i64 = conn
        .query_row(
            "SELECT count(*) FROM cables WHERE signer_key GLOB 'XXX*'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(redacted, 0);
}

/// Cables of [`many_matches`]: reference id, `YYYY-MM-DD HH:MM:SS`, SECRET or not.
struct Generated {
    reference_id: String,
    created_at: String,
    secret: bool,
}

/// Cables numbered `numbers`, each at the time `at(number)`, into `csv_path`: four paragraphs,
/// the last three saying `U.S.`, ¶3 marked SBU; every seventh SECRET.
fn write_cables(
    csv_path: &Path,
    numbers: impl Iterator<Item = usize>,
    at: impl Fn(usize) -> chrono::NaiveDateTime,
) -> Vec<Generated> {
    let mut csv = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_path(csv_path)
        .unwrap();
    let mut cables = Vec::new();
    for number in numbers {
        let at = at(number);
        let secret = number % 7 == 0;
        let level = if secret { "SECRET" } else { "CONFIDENTIAL" };
        let reference_id = format!("{}GENEVA{number}", at.format("%y"));
        let body = format!(
            "{level} GENEVA {number:06}\n\nE.O. 12958: DECL: 01/01/2019\nTAGS: PREL\n\
             SUBJECT: WHEAT TALKS, ROUND {number}\n\n\
             1. (U) Delegations discussed the harvest.\n\n\
             2. (C) The U.S. delegation met the minister.\n\n\
             3. (SBU) The U.S. position on wheat was noted.\n\n\
             4. (C) The U.S. team will report again.\n"
        );
        csv.write_record([
            number.to_string(),
            at.format("%m/%d/%Y %H:%M").to_string(),
            reference_id.clone(),
            "Mission Geneva".to_string(),
            level.to_string(),
            String::new(),
            format!(
                "R {}Z\nFM USMISSION GENEVA\nTO SECSTATE WASHDC",
                at.format("%d%H%M")
            ),
            body,
        ])
        .unwrap();
        cables.push(Generated {
            reference_id,
            created_at: at.format("%Y-%m-%d %H:%M:%S").to_string(),
            secret,
        });
    }
    csv.flush().unwrap();
    cables
}

/// 10,050 cables (30,150 paragraphs saying `U.S.`: more than search ranks, in more than the
/// 10,000 cables it counts), six hours apart from 2008-01-01 in the order of the CSV.
fn many_matches(dir: &Path) -> (PathBuf, Vec<Generated>) {
    let csv_path = dir.join("many.csv");
    let start = chrono::NaiveDate::from_ymd_opt(2008, 1, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let cables = write_cables(&csv_path, 1..=10_050, |n| {
        start + chrono::Duration::hours(6 * n as i64)
    });
    let db = dir.join("many.db");
    succeed(
        bin()
            .args(["ingest", "--quiet", "--db"])
            .arg(&db)
            .arg(&csv_path),
    );
    (db, cables)
}

const UNRANKED: &str = "note: more than 25,000 paragraphs match, too many to rank quickly: cables are listed in the order the archive received them, latest first\n";

#[test]
fn too_many_matches_to_rank_are_listed_latest_first_and_counted_to_10000() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, cables) = many_matches(tmp.path());
    // The references of these cables, latest first.
    let latest = |keep: &dyn Fn(&Generated) -> bool| -> Vec<String> {
        cables
            .iter()
            .rev()
            .filter(|c| keep(c))
            .map(|c| c.reference_id.clone())
            .collect()
    };
    let search = |args: &[&str]| {
        let (code, out, err) = run(&db, args);
        assert_eq!(code, 0, "{args:?}: {err}");
        (out, err)
    };

    let (out, err) = search(&["search", "U.S."]);
    assert_eq!(ids(&out), latest(&|_| true)[..20]);
    assert_eq!(ids(&out)[0], "14GENEVA10050");
    // Each cable by its first matching paragraph.
    for snippet in out.lines().filter(|l| l.starts_with(' ')) {
        assert_eq!(snippet, "    ¶2: The [U.S]. delegation met the minister.");
    }
    assert_eq!(
        err,
        format!("{UNRANKED}20 of more than 10,000 cables (use --limit)\n")
    );

    // Filters narrow the listing and the count, which is exact below 10,000.
    let february = latest(&|c| c.created_at.starts_with("2008-02"));
    assert_eq!(february.len(), 116);
    let (out, err) = search(&["search", "U.S.", "--from", "2008-02", "--to", "2008-02"]);
    assert_eq!(ids(&out), february[..20]);
    assert_eq!(err, format!("{UNRANKED}20 of 116 cables (use --limit)\n"));
    let (out, err) = search(&[
        "search", "U.S.", "--from", "2008-02", "--to", "2008-02", "--limit", "0",
    ]);
    assert_eq!(ids(&out), february);
    assert_eq!(err, UNRANKED);
    let secret = latest(&|c| c.secret);
    assert_eq!(secret.len(), 1435);
    let (out, err) = search(&["search", "U.S.", "--classification", "SECRET"]);
    assert_eq!(ids(&out), secret[..20]);
    assert_eq!(err, format!("{UNRANKED}20 of 1435 cables (use --limit)\n"));
    // The first matching paragraph of the marking asked for.
    let (out, _) = search(&["search", "U.S.", "--marking", "SBU", "--limit", "1"]);
    assert_eq!(
        out,
        "14GENEVA10050  2014-11-17  WHEAT TALKS, ROUND 10050\n    \
         ¶3: The [U.S]. position on wheat was noted.\n"
    );
    // All of them when asked: every cable once, counted exactly.
    let (out, err) = search(&["search", "U.S.", "--limit", "0", "--format", "csv"]);
    assert_eq!(err, UNRANKED);
    let listed: Vec<String> = out
        .lines()
        .skip(1)
        .map(|l| l[..l.find(',').unwrap()].to_string())
        .collect();
    assert_eq!(listed, latest(&|_| true));

    // Fewer matching paragraphs (`harvest`: 10,050) are ranked and counted exactly.
    let (out, err) = search(&["search", "harvest"]);
    assert_eq!(ids(&out).len(), 20);
    assert_eq!(err, "20 of 10050 cables (use --limit)\n");
    // A narrower query is ranked again: `U.S.` with `delegation` is ¶2 of each cable.
    let (out, err) = search(&["search", "U.S. delegation", "--limit", "1"]);
    assert_eq!(ids(&out).len(), 1);
    assert_eq!(err, "1 of 10050 cables (use --limit)\n", "{out}");

    // A period without cables has nothing to list.
    let (out, err) = search(&["search", "U.S.", "--from", "2020"]);
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("", "no cable matches \"U.S.\" from 2020-01-01\n")
    );
    // Cables of February 2008 received after all the others: listed first, and found though
    // their paragraphs come after those of every other cable.
    let late = tmp.path().join("late.csv");
    let day = chrono::NaiveDate::from_ymd_opt(2008, 2, 10)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    write_cables(&late, 20_001..=20_003, |_| day);
    succeed(
        bin()
            .args(["ingest", "--quiet", "--db"])
            .arg(&db)
            .arg(&late),
    );
    let (out, err) = search(&[
        "search", "U.S.", "--from", "2008-02", "--to", "2008-02", "--limit", "0",
    ]);
    let mut expected = vec!["08GENEVA20003", "08GENEVA20002", "08GENEVA20001"];
    expected.extend(february.iter().map(String::as_str));
    assert_eq!(ids(&out), expected);
    assert_eq!(err, UNRANKED);

    // An archive from before V7 has no index for search to read: the same cables, slower,
    // and a note saying how to add it.
    let old = tmp.path().join("v6.db");
    std::fs::copy(&db, &old).unwrap();
    rusqlite::Connection::open(&old)
        .unwrap()
        .execute_batch("DROP INDEX paragraphs_search")
        .unwrap();
    for args in [
        vec!["search", "U.S.", "--from", "2008-02", "--to", "2008-02"],
        vec!["search", "harvest", "--marking", "U", "--limit", "3"],
    ] {
        let (_, want, want_err) = run(&db, &args);
        let (code, out, err) = run(&old, &args);
        assert_eq!((code, out), (0, want), "{args:?}");
        assert_eq!(
            err.replace(
                "note: this archive predates the index search reads (migration V7), so searching it is slow; running `cable-archive ingest` on it once adds the index\n",
                ""
            ),
            want_err
        );
        assert_ne!(err, want_err);
    }
}
