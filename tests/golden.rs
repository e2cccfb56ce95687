//! Golden tests of the telegram grammar: every fixture under `tests/fixtures/<element>/` is a
//! few lines of telegram written for the test, opening with `//` comment lines that name the
//! shape it pins. It is parsed through the public parser API as a raw telegram, and the parsed
//! element (the `parse` command's JSON fields for that element, with the element's warnings)
//! is compared with its snapshot in `tests/fixtures/<element>/snapshots/`. Fixtures named `err_*` must fail to
//! parse or leave a warning for the element; their snapshot holds the error or the warning.
//!
//! A new fixture: write it, run `INSTA_UPDATE=always cargo test --test golden`, read the new
//! `.snap` file and commit both. CI (`CI=true`) never writes snapshots, so a missing or
//! changed one fails.

use cable_archive::model::{Cable, Format, Source};
use serde_json::{json, Value};
use std::path::Path;

/// The cable's id unless the fixture says `// id: 75TEHRAN2069`: bare REF serials take its year.
const DEFAULT_ID: &str = "08LIMA1234";

/// The JSON fields of the `parse` output that show an element.
fn fields(element: &str) -> &'static [&'static str] {
    match element {
        "references" => &["references"],
        "signature" => &["signer"],
        "tags" => &["tags", "subject"],
        "subject" => &["subject", "references", "classified_by"],
        "classified_by" => &["classified_by", "classification_reasons"],
        "summary" => &["summary"],
        "opening" => &[
            "declassify_on",
            "declassify_raw",
            "tags",
            "subject",
            "references",
            "classified_by",
            "classification_reasons",
        ],
        "paragraphs" => &["paragraphs"],
        other => panic!("tests/fixtures/{other}: no element of that name in tests/golden.rs"),
    }
}

/// Warnings that belong to an element's fields.
fn warning_fields(element: &str) -> &'static [&'static str] {
    match element {
        "opening" => &["tags", "subject", "declassify_on", "banner"],
        "signature" | "paragraphs" => &[],
        "tags" => &["tags"],
        "subject" => &["subject"],
        _ => &[],
    }
}

fn element_json(element: &str, cable: &Cable) -> Value {
    let all = serde_json::to_value(cable).unwrap();
    let mut out = serde_json::Map::new();
    for f in fields(element) {
        let mut v = all[*f].clone();
        if *f == "tags" {
            // The code is the parsed element; kind and description come from the tag tables.
            v = Value::Array(
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["code"].clone())
                    .collect(),
            );
        }
        out.insert(f.to_string(), v);
    }
    if element == "signature" {
        // The last paragraph shows what was cut off as trailers and what stayed text.
        let last = cable.paragraphs.last().map(|p| p.text.as_str());
        out.insert("last_paragraph".into(), json!(last));
    }
    let warnings: Vec<&str> = cable
        .warnings
        .iter()
        .filter(|w| warning_fields(element).contains(&w.field.as_str()))
        .map(|w| w.message.as_str())
        .collect();
    if !warnings.is_empty() {
        out.insert("warnings".into(), json!(warnings));
    }
    Value::Object(out)
}

/// The fixture's comment lines (the shape it pins) and the telegram after them.
fn read_fixture(path: &Path) -> (String, String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut comment = Vec::new();
    let mut id = DEFAULT_ID.to_string();
    let mut body = Vec::new();
    let mut in_comment = true;
    for line in text.lines() {
        match line.strip_prefix("//") {
            Some(c) if in_comment => match c.trim().strip_prefix("id:") {
                Some(i) => id = i.trim().to_string(),
                None => comment.push(c.trim().to_string()),
            },
            _ => {
                in_comment = false;
                body.push(line);
            }
        }
    }
    assert!(
        !comment.is_empty(),
        "{}: a fixture opens with `//` lines naming its shape",
        path.display()
    );
    (comment.join(" "), id, body.join("\n"))
}

#[test]
fn fixtures() {
    insta::glob!("fixtures", "*/*.txt", |path| {
        let (shape, id, telegram) = read_fixture(path);
        let element = path
            .parent()
            .and_then(Path::file_name)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = Source {
            reference_id: Some(id),
            body: telegram,
            format: Some(Format::Raw),
            source_path: name.clone(),
            ..Source::default()
        };
        let parsed = match cable_archive::parse::parse(source) {
            Ok(cable) => element_json(&element, &cable),
            Err(e) => json!({ "error": e.to_string() }),
        };
        if name.starts_with("err_") {
            assert!(
                parsed.get("error").is_some() || parsed.get("warnings").is_some(),
                "{name}: an err_ fixture must fail or warn, got {parsed:#}"
            );
        }
        let snapshots = format!("fixtures/{element}/snapshots");
        insta::with_settings!({
            description => shape,
            omit_expression => true,
            snapshot_path => snapshots,
            // Unique across elements: insta numbers a name it has seen in this test.
            snapshot_suffix => format!("{element}__{}", name.trim_end_matches(".txt")),
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(serde_json::to_string_pretty(&parsed).unwrap());
        });
    });
}
