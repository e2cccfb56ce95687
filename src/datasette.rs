//! `datasette-metadata`: Datasette metadata for an archive — title, descriptions of every
//! table and view and their main columns, label columns for foreign keys, default facets,
//! the FTS tables, and every query of `sql/queries/` as a canned query.

use serde_json::{json, Map, Value};

/// (table, description, label column, facets, FTS table, main columns with descriptions).
type TableDoc = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
);

const TABLES: &[TableDoc] = &[
    ("cables", "One row per cable: metadata, routing header fields, classification authority, subject, summary, signer, and the header and body as published.", Some("reference_id"), &["classification", "origin", "source_format"], Some("cables_fts"), &[
        ("reference_id", "Canonical reference id, e.g. 08TOKYO3205"),
        ("created_at", "Created, as published (YYYY-MM-DD HH:MM:SS; the 2010 pages repeat the hour in the minutes)"),
        ("sent_at", "Time of the date-time group (UTC): use for time-of-day questions"),
        ("released_at", "Released by WikiLeaks (HTML pages only)"),
        ("classification", "Classification as published, e.g. SECRET//NOFORN"),
        ("classification_level", "UNCLASSIFIED, LIMITED OFFICIAL USE, CONFIDENTIAL, SECRET or TOP SECRET"),
        ("noforn", "1 when the classification or a caption says NOFORN"),
        ("origin", "Originating post, e.g. Embassy Tokyo"),
        ("subject", "SUBJECT line, continuation lines joined"),
        ("declassify_on", "Declassification date from the E.O. line"),
        ("classified_by", "Who classified it, from Classified By"),
        ("signer", "Signature at the end of the body"),
        ("signer_key", "The signer upper-cased, white space collapsed; empty for a redaction: group by this"),
        ("summary", "Text between Summary and End Summary"),
        ("body", "Body text as published"),
    ]),
    ("paragraphs", "The body split into paragraphs: number, portion marking, section heading and text (page-break lines removed).", None, &["marking", "heading"], Some("paragraphs_fts"), &[
        ("cable_id", "The cable"),
        ("number", "The paragraph's own number; empty for unnumbered text"),
        ("marking", "Portion marking without parentheses, as written: C, S/NF, S//NF, SBU…"),
        ("level", "The marking's level: U, SBU, C, S or TS"),
        ("caveats", "The marking's caveats: NF, REL NATO, FGI//NF…"),
        ("heading", "The nearest section heading above the paragraph"),
        ("text", "Paragraph text"),
    ]),
    ("recipients", "Addressees of the routing header: TO (action), INFO and XMT (excluded) lines.", None, &["kind", "precedence"], None, &[
        ("kind", "to, info or xmt"),
        ("route", "Routing indicator, e.g. RUEHC"),
        ("name", "Addressee, e.g. SECSTATE WASHDC"),
        ("precedence", "IMMEDIATE, PRIORITY, NIACT IMMEDIATE…"),
        ("mcn", "Message control number (serial)"),
    ]),
    ("tags", "TAGS codes (Traffic Analysis by Geography and Subject) with their kind.", Some("code"), &["kind"], None, &[
        ("code", "e.g. PREL, JA, UNSC, or a person's name"),
        ("kind", "subject, geographic, organization, program, person or other"),
        ("description", "What a well-known code stands for"),
    ]),
    ("cable_tags", "Which cable carries which tag, in the order of its TAGS line.", None, &[], None, &[]),
    ("markings", "Handling and dissemination markings of the body opening (SIPDIS, NOFORN, CORRECTED COPY…), pass and distribution lines.", None, &["marking", "place"], None, &[
        ("marking", "SIPDIS, NOFORN, CORRECTED COPY, PASS, DISTRIBUTION…"),
        ("detail", "e.g. the correction reason or the pass line"),
    ]),
    ("cable_references", "Items of the REF block, with the cited cable's canonical id.", None, &["kind"], None, &[
        ("bullet", "A, B… when the item has one"),
        ("text", "The item as written"),
        ("kind", "cable, email, memcon, telcon or other"),
        ("target_reference_id", "Canonical id of the cited cable, e.g. 08STATE12345"),
    ]),
    ("parse_warnings", "What the parser expected in a cable but could not read.", None, &["field"], None, &[
        ("field", "subject, tags, header, banner, declassify_on, encoding…"),
    ]),
    ("cable_versions", "Every distinct version of a cable that arrived in more than one (corrected copies, later releases, mirrors), with its header and body.", None, &["source_format"], None, &[
        ("content_sha256", "Identity of this version"),
        ("first_seen_run", "The ingest run that first stored it"),
    ]),
    ("cable_sources", "Every file or CSV row a cable was read from: the same version in several renderings (HTML page, page text, raw file, CSV row) is one cable with several sources.", None, &["source_format"], None, &[
        ("content_sha256", "The version this source holds (its normalised telegram text)"),
        ("source_row", "CSV row number; 0 for a single-cable file"),
        ("ingest_run_id", "The ingest run that recorded it"),
    ]),
    ("ingest_files", "Input files as last ingested (path, size, modification time, content hash): unchanged files are skipped.", None, &[], None, &[]),
    ("ingest_runs", "One row per ingest run: times, version, counts and status.", Some("started_at"), &["status"], None, &[]),
    ("ingest_errors", "Inputs an ingest run rejected (broken cables) or skipped (walked files that are not cables), with the file, row and reason.", None, &["run_id", "kind"], None, &[]),
];

/// Facets for the views, by name.
const VIEW_FACETS: &[(&str, &[&str])] = &[
    (
        "cables_by_tag",
        &["tag", "tag_kind", "classification", "origin"],
    ),
    ("cables_per_month", &["origin", "classification"]),
    ("classification_by_year", &["classification"]),
    ("cable_overview", &["classification", "origin", "year"]),
    ("citations", &["cited_in_archive"]),
];

/// The first comment line of a view's SQL file: what it answers.
fn view_description(sql: &str) -> String {
    sql.lines()
        .take_while(|l| l.starts_with("--"))
        .map(|l| l.trim_start_matches('-').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn metadata(database: &str) -> Value {
    let mut tables = Map::new();
    for (name, description, label, facets, fts, columns) in TABLES {
        let mut t = Map::new();
        t.insert("description".into(), json!(description));
        if let Some(l) = label {
            t.insert("label_column".into(), json!(l));
        }
        if !facets.is_empty() {
            t.insert("facets".into(), json!(facets));
        }
        if let Some(f) = fts {
            t.insert("fts_table".into(), json!(f));
            t.insert("fts_pk".into(), json!("id"));
        }
        if !columns.is_empty() {
            let cols: Map<String, Value> = columns
                .iter()
                .map(|(c, d)| (c.to_string(), json!(d)))
                .collect();
            t.insert("columns".into(), Value::Object(cols));
        }
        tables.insert(name.to_string(), Value::Object(t));
    }
    for (name, sql) in crate::store::VIEWS {
        let mut t = Map::new();
        t.insert("description".into(), json!(view_description(sql)));
        if let Some((_, facets)) = VIEW_FACETS.iter().find(|(v, _)| v == name) {
            t.insert("facets".into(), json!(facets));
        }
        tables.insert(name.to_string(), Value::Object(t));
    }
    let queries: Map<String, Value> = crate::query::canned()
        .into_iter()
        .map(|q| {
            (
                q.name.to_string(),
                json!({ "sql": q.sql, "title": q.title, "description": q.description }),
            )
        })
        .collect();
    json!({
        "title": "Cablegate archive",
        "description": "US diplomatic cables (WikiLeaks Cablegate) normalized by cable-archive: cables, recipients, tags, paragraphs, markings and references, with full-text search over paragraphs and subjects.",
        "source": "WikiLeaks Cablegate release",
        "databases": {
            database: {
                "description": "Built by cable-archive ingest.",
                "tables": tables,
                "queries": queries,
            }
        }
    })
}
