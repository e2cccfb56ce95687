//! `datasette-metadata`: Datasette configuration for an archive — title, descriptions of every
//! table, view and main column, label columns, the facets that are fast at full scale (on
//! indexed columns only), the search tables (also for the `cable_paragraphs` view), the
//! internal tables hidden, and every query of `sql/queries/` as a canned query. Written as one
//! `metadata.json` (Datasette 0.x) or as Datasette 1.0's split into `metadata.yaml`
//! (descriptions) and `datasette.yaml` (configuration), under the database's name in
//! Datasette: the file's stem unless `--name` says otherwise.

use anyhow::Context;
use serde_json::{json, Map, Value};
use std::path::Path;

/// What `datasette-metadata` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One metadata.json on stdout (Datasette 0.x: `--metadata metadata.json`).
    Json,
    /// metadata.yaml and datasette.yaml in --out (Datasette 1.0: `-m metadata.yaml -c datasette.yaml`).
    Split,
}

/// A table or view as Datasette should show it.
struct Doc {
    name: &'static str,
    description: &'static str,
    label: Option<&'static str>,
    /// Default facets: indexed columns only (or tables of a few thousand rows), so each is
    /// computed within Datasette's 200 ms facet limit on the full archive.
    facets: &'static [&'static str],
    /// (FTS table, the column its rowid matches).
    fts: Option<(&'static str, &'static str)>,
    columns: &'static [(&'static str, &'static str)],
}

const TABLES: &[Doc] = &[
    Doc {
        name: "cables",
        description: "One row per cable: metadata, routing header fields, classification authority, subject, summary, signer, and the header and body as published. For facets by year or tag, use cable_overview.",
        label: Some("reference_id"),
        facets: &["classification", "origin", "source_format"],
        fts: Some(("cables_fts", "id")),
        columns: &[
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
            ("body", "Body text as published (from the richest source: see cable_sources)"),
            ("content_sha256", "The version: SHA-256 of the telegram text with line endings and trailing white space normalised"),
        ],
    },
    Doc {
        name: "paragraphs",
        description: "The body split into paragraphs: number, portion marking, section heading and text (page-break lines removed). cable_paragraphs shows each with its cable's id, date, classification and tags.",
        label: None,
        facets: &[],
        fts: Some(("paragraphs_fts", "id")),
        columns: &[
            ("cable_id", "The cable"),
            ("number", "The paragraph's own number; empty for unnumbered text"),
            ("marking", "Portion marking without parentheses, as written: C, S/NF, S//NF, SBU…"),
            ("level", "The marking's level: U, SBU, C, S or TS"),
            ("caveats", "The marking's caveats: NF, REL NATO, FGI//NF…"),
            ("heading", "The nearest section heading above the paragraph"),
            ("text", "Paragraph text"),
        ],
    },
    Doc {
        name: "recipients",
        description: "Addressees of the routing header: TO (action), INFO and XMT (excluded) lines. recipient_counts has them counted.",
        label: None,
        facets: &[],
        fts: None,
        columns: &[
            ("kind", "to, info or xmt"),
            ("route", "Routing indicator, e.g. RUEHC"),
            ("name", "Addressee, e.g. SECSTATE WASHDC"),
            ("precedence", "IMMEDIATE, PRIORITY, NIACT IMMEDIATE…"),
            ("mcn", "Message control number (serial)"),
        ],
    },
    Doc {
        name: "tags",
        description: "TAGS codes (Traffic Analysis by Geography and Subject) with their kind.",
        label: Some("code"),
        facets: &["kind"],
        fts: None,
        columns: &[
            ("code", "e.g. PREL, JA, UNSC, or a person's name"),
            ("kind", "subject, geographic, organization, program, person or other"),
            ("description", "What a well-known code stands for"),
        ],
    },
    Doc {
        name: "cable_tags",
        description: "Which cable carries which tag, in the order of its TAGS line.",
        label: None,
        facets: &[],
        fts: None,
        columns: &[],
    },
    Doc {
        name: "markings",
        description: "Handling and dissemination markings of the body opening (SIPDIS, NOFORN, CORRECTED COPY…), pass and distribution lines.",
        label: None,
        facets: &["marking"],
        fts: None,
        columns: &[
            ("marking", "SIPDIS, NOFORN, CORRECTED COPY, PASS, DISTRIBUTION…"),
            ("detail", "e.g. the correction reason or the pass line"),
        ],
    },
    Doc {
        name: "cable_references",
        description: "Items of the REF block, with the cited cable's canonical id and, when it is in the archive, its row.",
        label: None,
        facets: &["kind"],
        fts: None,
        columns: &[
            ("bullet", "A, B… when the item has one"),
            ("text", "The item as written"),
            ("kind", "cable, email, memcon, telcon or other"),
            ("target_reference_id", "Canonical id of the cited cable, e.g. 08STATE12345"),
            ("target_cable_id", "The cited cable (cables.id) when it is in the archive: the key of the citation graph"),
        ],
    },
    Doc {
        name: "parse_warnings",
        description: "What the parser expected in a cable but could not read.",
        label: None,
        facets: &["field"],
        fts: None,
        columns: &[("field", "subject, tags, header, banner, declassify_on, encoding…")],
    },
    Doc {
        name: "cable_versions",
        description: "Every distinct version of a cable that arrived in more than one (corrected copies, later releases, mirrors), with its header and body.",
        label: None,
        facets: &["source_format"],
        fts: None,
        columns: &[
            ("content_sha256", "Identity of this version"),
            ("first_seen_run", "The ingest run that first stored it"),
        ],
    },
    Doc {
        name: "cable_sources",
        description: "Every file or CSV row a cable was read from: the same version in several renderings (HTML page, page text, raw file, CSV row) is one cable with several sources, each with the metadata it carried.",
        label: None,
        facets: &["source_format"],
        fts: None,
        columns: &[
            ("content_sha256", "The version this source holds (its normalised telegram text)"),
            ("source_row", "CSV row number; 0 for a single-cable file"),
            ("ingest_run_id", "The ingest run that recorded it"),
        ],
    },
    Doc {
        name: "ingest_files",
        description: "Input files as last ingested (path, size, modification time, content hash): unchanged files are skipped.",
        label: None,
        facets: &[],
        fts: None,
        columns: &[],
    },
    Doc {
        name: "ingest_runs",
        description: "One row per ingest run: times, version, counts and status.",
        label: Some("started_at"),
        facets: &["status"],
        fts: None,
        columns: &[],
    },
    Doc {
        name: "ingest_errors",
        description: "Inputs an ingest run rejected (broken cables, kind rejected) or skipped (walked files that are not cables, kind skipped), with the file, row and reason.",
        label: None,
        facets: &["run_id", "kind"],
        fts: None,
        columns: &[],
    },
];

/// A view's default facets and its (FTS table, the column its rowid matches).
type ViewConfig = (
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
);

/// Facets and search for the views, by name; their descriptions come from their SQL files.
const VIEWS: &[ViewConfig] = &[
    (
        "cable_overview",
        &["year", "classification", "origin"],
        None,
    ),
    ("cable_paragraphs", &[], Some(("paragraphs_fts", "id"))),
    ("cables_per_month", &["origin", "classification"], None),
    ("classification_by_year", &["classification"], None),
    ("tag_counts", &["kind"], None),
    ("most_cited", &["in_archive"], None),
];

/// Tables Datasette should not list: the schema history, the indexes a load set aside and
/// the aggregate tables behind the views (the views are the interface). Datasette hides the
/// FTS tables by itself.
fn internal(name: &str) -> bool {
    name == "_refinery_schema_history" || name == "pending_indexes" || name.starts_with("agg_")
}

/// The first comment paragraph of a view's SQL file: what it answers and its columns.
fn view_description(sql: &str) -> String {
    sql.lines()
        .take_while(|l| l.starts_with("--") && l.trim() != "--")
        .map(|l| l.trim_start_matches('-').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The archive's tables and views, after checking that `db` is one: a missing file, a file
/// that is not SQLite and a database without the archive's tables are errors.
pub fn inspect(db: &Path) -> anyhow::Result<Vec<String>> {
    let conn = crate::store::open_read_only(db)?;
    let mut st = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY type, name",
    )?;
    let names: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{}: cannot read the schema", db.display()))?;
    if !names.iter().any(|n| n == "cables")
        || !names.iter().any(|n| n == "_refinery_schema_history")
    {
        anyhow::bail!(
            "{}: not a cable-archive database (no cables table); build one with `cable-archive ingest`",
            db.display()
        );
    }
    if !names.iter().any(|n| n == "agg_cables") {
        anyhow::bail!(
            "{}: built by an older cable-archive; run `cable-archive ingest` on it once to add the tables the views read",
            db.display()
        );
    }
    Ok(names)
}

/// A table's or view's name, descriptions (metadata) and configuration.
type Entry = (String, Map<String, Value>, Map<String, Value>);

/// Descriptions and configuration of every table and view, which Datasette 0.x's
/// metadata.json holds together and 1.0 in two files.
fn table_entries(names: &[String]) -> Vec<Entry> {
    let mut out = Vec::new();
    for doc in TABLES {
        let mut meta = Map::new();
        let mut config = Map::new();
        meta.insert("description".into(), json!(doc.description));
        if !doc.columns.is_empty() {
            let cols: Map<String, Value> = doc
                .columns
                .iter()
                .map(|(c, d)| (c.to_string(), json!(d)))
                .collect();
            meta.insert("columns".into(), Value::Object(cols));
        }
        if let Some(l) = doc.label {
            config.insert("label_column".into(), json!(l));
        }
        if !doc.facets.is_empty() {
            config.insert("facets".into(), json!(doc.facets));
        }
        if let Some((table, pk)) = doc.fts {
            config.insert("fts_table".into(), json!(table));
            config.insert("fts_pk".into(), json!(pk));
        }
        out.push((doc.name.to_string(), meta, config));
    }
    for (name, sql) in crate::store::VIEWS {
        let mut meta = Map::new();
        let mut config = Map::new();
        meta.insert("description".into(), json!(view_description(sql)));
        if let Some((_, facets, fts)) = VIEWS.iter().find(|(v, _, _)| v == name) {
            if !facets.is_empty() {
                config.insert("facets".into(), json!(facets));
            }
            if let Some((table, pk)) = fts {
                config.insert("fts_table".into(), json!(table));
                config.insert("fts_pk".into(), json!(pk));
            }
        }
        out.push((name.to_string(), meta, config));
    }
    for name in names.iter().filter(|n| internal(n)) {
        let mut meta = Map::new();
        let mut config = Map::new();
        if name.starts_with("agg_") {
            meta.insert(
                "description".into(),
                json!("Internal: rows and counts behind the views, kept by each ingest (sql/aggregates/). Query the views."),
            );
        }
        if name == "pending_indexes" {
            meta.insert(
                "description".into(),
                json!("Internal: indexes a first load has set aside, created again when it ends (or by the next ingest after a killed one). Empty between runs."),
            );
        }
        config.insert("hidden".into(), json!(true));
        out.push((name.clone(), meta, config));
    }
    out
}

fn queries() -> Map<String, Value> {
    crate::query::canned()
        .into_iter()
        .map(|q| {
            (
                q.name.to_string(),
                json!({ "sql": q.sql.trim_end(), "title": q.title, "description": q.description }),
            )
        })
        .collect()
}

const TITLE: &str = "Cablegate archive";
const DESCRIPTION: &str = "US diplomatic cables (WikiLeaks Cablegate) normalized by cable-archive: cables, recipients, tags, paragraphs, markings and references, with full-text search over paragraphs and subjects. Start from cable_overview (one row per cable, facets by year, classification, origin and tags) or cable_paragraphs (searchable).";
const SOURCE: &str = "WikiLeaks Cablegate release";

/// Datasette 0.x metadata.json: descriptions and configuration together.
pub fn metadata(database: &str, names: &[String]) -> Value {
    let mut tables = Map::new();
    for (name, mut meta, config) in table_entries(names) {
        meta.extend(config);
        tables.insert(name, Value::Object(meta));
    }
    json!({
        "title": TITLE,
        "description": DESCRIPTION,
        "source": SOURCE,
        "databases": {
            database: {
                "description": "Built by cable-archive ingest.",
                "tables": tables,
                "queries": queries(),
            }
        }
    })
}

/// Datasette 1.0's split: (metadata.yaml's content, datasette.yaml's content).
pub fn split(database: &str, names: &[String]) -> (Value, Value) {
    let mut meta_tables = Map::new();
    let mut config_tables = Map::new();
    for (name, meta, config) in table_entries(names) {
        if !meta.is_empty() {
            meta_tables.insert(name.clone(), Value::Object(meta));
        }
        if !config.is_empty() {
            config_tables.insert(name, Value::Object(config));
        }
    }
    let metadata = json!({
        "title": TITLE,
        "description": DESCRIPTION,
        "source": SOURCE,
        "databases": { database: {
            "description": "Built by cable-archive ingest.",
            "tables": meta_tables,
        }}
    });
    let config = json!({
        "databases": { database: {
            "tables": config_tables,
            "queries": queries(),
        }}
    });
    (metadata, config)
}

/// YAML for the JSON values written here (objects, arrays, strings, numbers, booleans): block
/// mappings and sequences, strings double-quoted with JSON's escapes (valid YAML), and
/// multi-line strings (canned queries' SQL) as literal blocks so they read as written.
/// Hand-written: serde_yaml is no longer maintained, and this subset is a few lines.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    yaml_value(v, 0, &mut out);
    out
}

fn yaml_scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::String(s) if s.contains('\n') && !s.lines().any(|l| l.ends_with([' ', '\t'])) => {
            let pad = " ".repeat(indent + 2);
            let body: Vec<String> = s
                .lines()
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{pad}{l}")
                    }
                })
                .collect();
            format!("|-\n{}", body.join("\n"))
        }
        other => other.to_string(),
    }
}

fn yaml_value(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let key = Value::String(k.clone()).to_string();
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        yaml_value(v, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        yaml_value(v, indent, out);
                    }
                    _ => out.push_str(&format!("{pad}{key}: {}\n", yaml_scalar(v, indent))),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        out.push_str(&format!("{pad}-\n"));
                        yaml_value(item, indent + 2, out);
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", yaml_scalar(item, indent))),
                }
            }
        }
        _ => out.push_str(&format!("{pad}{}\n", yaml_scalar(v, indent))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keeps_sql_as_a_literal_block_and_quotes_strings() {
        let v = json!({"a": {"sql": "SELECT 1\nFROM t", "facets": ["x", "y: z"], "hidden": true}, "empty": {}});
        assert_eq!(
            to_yaml(&v),
            "\"a\":\n  \"facets\":\n  - \"x\"\n  - \"y: z\"\n  \"hidden\": true\n  \"sql\": |-\n    SELECT 1\n    FROM t\n\"empty\": {}\n"
        );
    }

    #[test]
    fn view_description_is_the_first_comment_paragraph() {
        assert_eq!(
            view_description(
                "-- a: what\n-- Columns: x.\n--\n-- why not\nCREATE VIEW a AS SELECT 1;"
            ),
            "a: what Columns: x."
        );
    }
}
