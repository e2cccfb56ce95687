//! Accuracy against the development corpus (`../shared/corpus`, 980 cables in four formats)
//! and its `truth-dev.jsonl`. Ingests every format through the binary, then prints per-field
//! agreement and asserts the targets. Skips with a notice when the corpus is absent.
//!
//! Run it alone, with the figures: `cargo test --release --test corpus_accuracy -- --nocapture`

use assert_cmd::Command;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.join("truth-dev.jsonl").exists() {
        Some(dir)
    } else {
        eprintln!(
            "NOTICE: {} not found; skipping the corpus accuracy test",
            dir.display()
        );
        None
    }
}

struct Truth {
    reference_id: String,
    title: Option<String>,
    created: Option<String>,
    classification: Option<String>,
    origin: Option<String>,
    to_count: Option<i64>,
    info_count: Option<i64>,
    tags: Option<Vec<String>>,
}

fn truth(dir: &Path) -> Vec<Truth> {
    std::fs::read_to_string(dir.join("truth-dev.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().map(str::to_string);
            Truth {
                reference_id: s("reference_id").unwrap(),
                title: s("title"),
                created: s("created").map(|c| format!("{c}:00")),
                classification: s("classification"),
                origin: s("origin"),
                to_count: v["to_count"].as_i64(),
                info_count: v["info_count"].as_i64(),
                tags: v["tags"].as_array().map(|a| {
                    a.iter().map(|t| t.as_str().unwrap().to_uppercase()).fold(
                        Vec::new(),
                        |mut acc, t| {
                            if !acc.contains(&t) {
                                acc.push(t)
                            }
                            acc
                        },
                    )
                }),
            }
        })
        .collect()
}

/// Distinct numeric `<a id='parN'>` anchors of each HTML page.
fn anchor_counts(dir: &Path) -> HashMap<String, usize> {
    let re = regex::Regex::new(r"<a id='par(\d+)'").unwrap();
    let mut out = HashMap::new();
    for year in std::fs::read_dir(dir.join("html")).unwrap() {
        for month in std::fs::read_dir(year.unwrap().path()).unwrap() {
            for page in std::fs::read_dir(month.unwrap().path()).unwrap() {
                let path = page.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let ids: HashSet<&str> = re
                    .captures_iter(&text)
                    .map(|c| c.get(1).unwrap().as_str())
                    .collect();
                let id = path.file_stem().unwrap().to_string_lossy().into_owned();
                out.insert(id, ids.len());
            }
        }
    }
    out
}

#[derive(Default, Debug)]
struct Row {
    created_at: Option<String>,
    classification: Option<String>,
    origin: Option<String>,
    to: i64,
    info: i64,
    tags: Vec<String>,
    numbered: usize,
    /// Everything that must be identical across formats.
    fingerprint: String,
}

fn load(db: &Path) -> HashMap<String, Row> {
    let conn = Connection::open(db).unwrap();
    let mut out: HashMap<String, Row> = HashMap::new();
    let mut st = conn
        .prepare(
            "SELECT id, reference_id, created_at, classification, origin,
                    json_array(subject, transmission_id, precedence, date_time_group, sender,
                               section_count, declassify_on, classified_by,
                               classification_reasons, signer, summary, header_kind)
             FROM cables",
        )
        .unwrap();
    let mut ids: HashMap<i64, String> = HashMap::new();
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (id, refid, created_at, classification, origin, fp) = row.unwrap();
        ids.insert(id, refid.clone());
        out.insert(
            refid,
            Row {
                created_at,
                classification,
                origin,
                fingerprint: fp,
                ..Row::default()
            },
        );
    }
    let children: [(&str, &str); 4] = [
        ("recipients", "SELECT cable_id, json_array(kind, route, name, precedence, mcn) FROM recipients ORDER BY cable_id, position"),
        ("tags", "SELECT ct.cable_id, t.code FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id ORDER BY ct.cable_id, ct.position"),
        ("paragraphs", "SELECT cable_id, json_array(number, marking, heading, text) FROM paragraphs ORDER BY cable_id, position"),
        ("markings", "SELECT cable_id, json_array(marking, detail, place) FROM markings ORDER BY cable_id, id"),
    ];
    for (table, sql) in children {
        let mut st = conn.prepare(sql).unwrap();
        let rows = st
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .unwrap();
        for row in rows {
            let (cable_id, value) = row.unwrap();
            let row = out.get_mut(&ids[&cable_id]).unwrap();
            row.fingerprint.push_str(&format!("\n{table}: {value}"));
            match table {
                "recipients" if value.starts_with("[\"to\"") => row.to += 1,
                "recipients" if value.starts_with("[\"info\"") => row.info += 1,
                // The truth file splits person tags (`STEINBERG, JAMES B`) into words; we
                // keep them whole, so compare word by word.
                "tags" => {
                    for word in value
                        .split([' ', ','])
                        .map(|w| w.trim_matches(['(', ')', '.']))
                    {
                        if !word.is_empty() && !row.tags.iter().any(|t| t == word) {
                            row.tags.push(word.to_string());
                        }
                    }
                }
                "paragraphs" if !value.starts_with("[null") => row.numbered += 1,
                _ => {}
            }
        }
    }
    out
}

/// WikiLeaks' page title is the first subject line with its first character dropped when
/// that was punctuation: `S) GERMANY …` for `(S) GERMANY …`, `UNHAPPY CHINA" …` for
/// `"UNHAPPY CHINA" …`. Our subject drops the portion marking.
fn subject_starts_with_title(subject: &str, title: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase()
    };
    let marking = regex::Regex::new(r"^[A-Za-z/ ]{1,12}\)\s*").unwrap();
    let title = norm(title);
    let stripped = norm(&marking.replace(&title, ""));
    let subject = norm(subject);
    let tail: String = subject.chars().skip(1).collect();
    // The title is the first line as published, with what was glued to it: the subject ends
    // at an inline `Classified By:` or REF label (issue 14), so the title may go on with one
    // (`… LULA CLASSIFIED BY: Thomas A. Shannon, …`, 10BRASILIA43).
    let glued_label =
        regex::Regex::new(r"^ (?:CLASSIFIED BY\s*:|REF(?:S|TELS?|\(S\))?\s*:)").unwrap();
    let title_goes_on = |t: &str| {
        t.strip_prefix(subject.as_str())
            .is_some_and(|rest| glued_label.is_match(rest))
    };
    [title.as_str(), stripped.as_str()]
        .iter()
        .any(|t| subject.starts_with(t) || tail.starts_with(t) || title_goes_on(t))
}

/// Issue 3's figures over the whole corpus (from the CSV ingest).
fn parse_fidelity(db: &Path, truth: &[Truth]) {
    let conn = Connection::open(db).unwrap();
    let subjects: HashMap<String, Option<String>> = conn
        .prepare("SELECT reference_id, subject FROM cables")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let titled: Vec<&Truth> = truth.iter().filter(|t| t.title.is_some()).collect();
    let starts = titled
        .iter()
        .filter(|t| {
            subjects[&t.reference_id]
                .as_deref()
                .is_some_and(|s| subject_starts_with_title(s, t.title.as_deref().unwrap()))
        })
        .count();
    let n = truth.len();
    println!(
        "subject starts with the page title: {:.1}% ({starts}/{})",
        share(starts, titled.len()),
        titled.len()
    );
    let (signer, by, decl, subject): (i64, i64, i64, i64) = conn
        .query_row(
            "SELECT count(signer), count(classified_by), count(coalesce(declassify_on, declassify_raw)), count(subject) FROM cables",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    for (name, v) in [
        ("signer", signer),
        ("classified_by", by),
        ("declassify_on or declassify_raw", decl),
        ("subject", subject),
    ] {
        println!("non-NULL {name}: {:.1}% ({v}/{n})", share(v as usize, n));
    }
    let (refs, cable_refs, resolved): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*), count(target_reference_id),
                    count(*) FILTER (WHERE target_reference_id IN (SELECT reference_id FROM cables))
             FROM cable_references",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    println!("references: {refs} items, {cable_refs} cable references, {resolved} resolved to a cable in the corpus");
    let warnings: Vec<String> = conn
        .prepare(
            "SELECT field || ' ' || count(*) FROM parse_warnings GROUP BY field ORDER BY field",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    println!("warnings per field: {}", warnings.join(", "));
    assert!(
        share(starts, titled.len()) >= 99.5,
        "subject/title agreement below 99.5%"
    );
}

fn share(hits: usize, total: usize) -> f64 {
    100.0 * hits as f64 / total.max(1) as f64
}

#[test]
fn corpus_accuracy_against_truth() {
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let inputs = [
        ("html", dir.join("html")),
        ("page-text", dir.join("page-text")),
        ("raw", dir.join("raw")),
        ("csv", dir.join("cables.csv")),
    ];
    let mut dbs: BTreeMap<&str, HashMap<String, Row>> = BTreeMap::new();
    for (name, path) in &inputs {
        let db = tmp.path().join(format!("{name}.db"));
        Command::cargo_bin("cable-archive")
            .unwrap()
            .args(["ingest", "--quiet", "--db"])
            .arg(&db)
            .arg(path)
            .assert()
            .success();
        dbs.insert(name, load(&db));
    }
    let truth = truth(&dir);
    let anchors = anchor_counts(&dir);
    let n = truth.len();
    println!("\ncorpus accuracy: {n} cables, per format (share of cables that match truth)");
    println!(
        "{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "format", "present", "refid", "created", "class", "origin", "to+info", "tags"
    );
    let mut worst = HashMap::new();
    for (name, rows) in &dbs {
        let mut hits = [0usize; 7];
        for t in &truth {
            let Some(r) = rows.get(&t.reference_id) else {
                continue;
            };
            hits[0] += 1;
            hits[1] += 1;
            hits[2] += (r.created_at == t.created) as usize;
            hits[3] += (r.classification == t.classification) as usize;
            hits[4] += (r.origin == t.origin) as usize;
            let to_ok =
                t.to_count.is_none_or(|c| c == r.to) && t.info_count.is_none_or(|c| c == r.info);
            hits[5] += to_ok as usize;
            hits[6] += (t.tags.clone().unwrap_or_default() == r.tags) as usize;
        }
        let p: Vec<f64> = hits.iter().map(|&h| share(h, n)).collect();
        println!(
            "{name:<10} {:>7.1}% {:>7.1}% {:>7.1}% {:>7.1}% {:>7.1}% {:>7.1}% {:>7.1}%",
            p[0], p[1], p[2], p[3], p[4], p[5], p[6]
        );
        worst.insert(*name, p);
    }
    println!("(raw telegrams carry no metadata: their created_at is the DTG, classification the banner, origin the FM line; not held to the metadata)");
    // Numbered paragraphs against the HTML page's distinct numeric anchors.
    let html = &dbs["html"];
    let mut para_hits = 0;
    let mut para_misses = Vec::new();
    for t in &truth {
        let ours = html.get(&t.reference_id).map_or(0, |r| r.numbered);
        let theirs = anchors.get(&t.reference_id).copied().unwrap_or(0);
        if ours == theirs {
            para_hits += 1;
        } else {
            para_misses.push(format!("{} {ours}/{theirs}", t.reference_id));
        }
    }
    println!(
        "numbered paragraphs = distinct numeric anchors: {:.1}% ({para_hits}/{n}); misses (ours/anchors): {}",
        share(para_hits, n),
        para_misses.join(", ")
    );
    // Identical rows across the four formats.
    let mut same = 0;
    let mut differ = Vec::new();
    for t in &truth {
        let fps: Vec<Option<&String>> = dbs
            .values()
            .map(|rows| rows.get(&t.reference_id).map(|r| &r.fingerprint))
            .collect();
        if fps.iter().all(|f| f.is_some() && *f == fps[0]) {
            same += 1;
        } else {
            differ.push(t.reference_id.clone());
        }
    }
    println!(
        "rows identical across the four formats: {:.1}% ({same}/{n}); differing: {}",
        share(same, n),
        differ.join(", ")
    );

    parse_fidelity(&tmp.path().join("csv.db"), &truth);

    for name in ["html", "page-text", "csv"] {
        let p = &worst[name];
        for (field, i) in [
            ("reference_id", 1),
            ("created_at", 2),
            ("classification", 3),
            ("origin", 4),
        ] {
            assert_eq!(p[i], 100.0, "{name}: {field} agreement {:.1}%", p[i]);
        }
    }
    for (name, p) in &worst {
        assert_eq!(p[0], 100.0, "{name}: cables present {:.1}%", p[0]);
        assert!(p[5] >= 99.0, "{name}: TO/INFO counts {:.1}% < 99%", p[5]);
        assert!(p[6] >= 99.0, "{name}: tags {:.1}% < 99%", p[6]);
    }
    assert!(
        share(same, n) >= 99.0,
        "identical across formats {:.1}% < 99%",
        share(same, n)
    );
}
