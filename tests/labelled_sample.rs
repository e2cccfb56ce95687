//! A labelled sample: 62 dev-corpus cables (every 16th in creation order, 1972–2010, many
//! posts) whose subject, references, signer, classified_by, reasons, declassification and
//! summary were checked by reading the cables. Expected values live in
//! `tests/data/labelled_sample.json` (summaries as length, start and end only; the cable texts
//! stay in `../shared/corpus`). Prints agreement per field; skips without the corpus.

mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn labelled_sample_agrees_field_by_field() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if !corpus.join("cables.csv").exists() {
        eprintln!(
            "NOTICE: {} not found; skipping the labelled sample",
            corpus.display()
        );
        return;
    }
    let expected: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/labelled_sample.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&corpus.join("cables.csv")]);
    assert_eq!(code, 0, "{stderr}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let fields = [
        "subject",
        "signer",
        "classified_by",
        "classification_reasons",
        "declassify_on",
        "declassify_raw",
        "summary",
        "references",
    ];
    let mut agree: BTreeMap<&str, usize> = BTreeMap::new();
    let mut misses = Vec::new();
    for want in &expected {
        let id = want["reference_id"].as_str().unwrap();
        let got: Value = conn
            .query_row(
                "SELECT json_object(
                    'subject', subject, 'signer', signer, 'classified_by', classified_by,
                    'classification_reasons', classification_reasons,
                    'declassify_on', declassify_on, 'declassify_raw', declassify_raw,
                    'summary', CASE WHEN summary IS NULL THEN NULL ELSE json_object(
                        'length', length(summary), 'starts', substr(summary, 1, 40),
                        'ends', substr(summary, -25)) END,
                    'references', json((SELECT json_group_array(json_array(bullet, text, kind, target_reference_id))
                                   FROM (SELECT * FROM cable_references r WHERE r.cable_id = c.id ORDER BY position))))
                 FROM cables c WHERE reference_id = ?1",
                [id],
                |r| r.get::<_, String>(0),
            )
            .map(|s| serde_json::from_str(&s).unwrap())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        for f in fields {
            if got[f] == want[f] {
                *agree.entry(f).or_default() += 1;
            } else {
                misses.push(format!("{id} {f}: got {} want {}", got[f], want[f]));
            }
        }
    }
    println!("\nlabelled sample: {} cables", expected.len());
    for f in fields {
        let n = agree.get(f).copied().unwrap_or(0);
        println!(
            "{f:<24} {n:>3}/{} {:>6.1}%",
            expected.len(),
            100.0 * n as f64 / expected.len() as f64
        );
    }
    assert!(misses.is_empty(), "disagreements:\n{}", misses.join("\n"));
}
