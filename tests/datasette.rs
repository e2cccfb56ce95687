//! A real Datasette serves an ingested archive with the generated metadata, as the README
//! says (`-i`, `--setting suggest_facets off`), under a file name other than archive.db; the
//! test asserts over HTTP on localhost that the metadata applies (facets, hidden tables), that
//! views, canned queries (also with blank dates) and the search box work, and the shapes of
//! issue 12: the tags array facet and filter, search on the paragraph view. It also loads the
//! Datasette 1.0 split (`--format split`) with PyYAML (a Datasette dependency) and checks it
//! holds what metadata.json holds. CI installs Datasette with pip (`.ci/run`); the test skips
//! with a notice only when Python is absent.

mod common;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// GET a path; (status, body).
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    // Uvicorn may answer with chunked encoding; JSON bodies here are small: strip chunk sizes.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 || tail.len() < n {
                break;
            }
            out.push_str(&tail[..n]);
            rest = tail[n..].trim_start_matches("\r\n");
        }
        out
    } else {
        body.to_string()
    };
    Ok((status, body))
}

fn json(port: u16, path: &str) -> serde_json::Value {
    let (status, body) = get(port, path).unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

fn json_rows(port: u16, path: &str) -> Vec<serde_json::Value> {
    let v = json(port, path);
    v["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no rows: {v}"))
        .clone()
}

#[test]
fn datasette_serves_views_canned_queries_and_search() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("NOTICE: python3 not found; skipping the Datasette test");
        return;
    }
    let probe = Command::new("python3")
        .args(["-c", "import datasette"])
        .output()
        .unwrap();
    assert!(
        probe.status.success(),
        "Datasette is not installed for python3 (pip install datasette; .ci/run does): {}",
        String::from_utf8_lossy(&probe.stderr)
    );
    let tmp = tempfile::tempdir().unwrap();
    // Served under its own name: the metadata must name the database "cablegate".
    let db = tmp.path().join("cablegate.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let meta = bin()
        .args(["datasette-metadata", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(meta.status.success());
    let meta_path = tmp.path().join("metadata.json");
    std::fs::write(&meta_path, &meta.stdout).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = std::fs::File::create(tmp.path().join("datasette.log")).unwrap();
    let _server = Server(
        Command::new("python3")
            .args(["-m", "datasette", "serve", "-i"])
            .arg(&db)
            .arg("--metadata")
            .arg(&meta_path)
            .args(["--setting", "suggest_facets", "off"])
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while get(port, "/-/versions.json").map(|(s, _)| s).ok() != Some(200) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "Datasette did not start: {}",
            std::fs::read_to_string(tmp.path().join("datasette.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let rows = json_rows(port, "/cablegate/cables_by_tag.json?_shape=objects");
    assert!(
        rows.iter()
            .any(|r| r["reference_id"] == "08TOKYO3205" && r["tag"] == "PREL"),
        "{rows:?}"
    );
    let rows = json_rows(
        port,
        "/cablegate/cables_with_tag.json?_shape=objects&tag=PREL&from=2008-01-01&to=2010-12-31",
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    let rows = json_rows(
        port,
        "/cablegate/paragraphs.json?_shape=objects&_search=Lavrov+Nakasone",
    );
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["text"].as_str().unwrap().contains("Lavrov")),
        "{rows:?}"
    );
    let rows = json_rows(
        port,
        "/cablegate/cables.json?_shape=objects&_search=sea+wall",
    );
    assert!(
        rows.iter().any(|r| r["reference_id"] == "10ATLANTIS1"),
        "{rows:?}"
    );
    // Blank dates are unbounded.
    let rows = json_rows(
        port,
        "/cablegate/cables_with_tag.json?_shape=objects&tag=PREL&from=&to=",
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    let rows = json_rows(
        port,
        "/cablegate/paragraphs_by_marking.json?_shape=objects&marking=SBU&from=&to=&tag=",
    );
    assert_eq!(rows.len(), 2, "{rows:?}");

    // The metadata applies under the file's name: the configured facets are computed, the
    // tags array facet counts tags, not strings of tags.
    let v = json(
        port,
        "/cablegate/cable_overview.json?_shape=objects&_facet_array=tags",
    );
    let facets = v["facet_results"].as_object().unwrap();
    for f in ["year", "classification", "origin", "tags"] {
        assert!(facets.contains_key(f), "{f}: {facets:?}");
    }
    let counts: Vec<(String, i64)> = facets["tags"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["value"].as_str().unwrap().to_string(),
                r["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(counts.contains(&("PREL".into(), 3)), "{counts:?}");
    assert!(counts.contains(&("KN".into(), 1)), "{counts:?}");
    assert_eq!(facets["year"]["results"][0]["value"], 2009);
    // Exact tag filters: KN, not KNNP.
    for filter in ["tags__arraycontains=KN", "tags__contains=%22KN%22"] {
        let rows = json_rows(
            port,
            &format!("/cablegate/cable_overview.json?_shape=objects&{filter}"),
        );
        let ids: Vec<&str> = rows
            .iter()
            .map(|r| r["reference_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["08TOKYO3205"], "{filter}");
    }
    // Search on a view, through fts_table/fts_pk in the metadata.
    let rows = json_rows(
        port,
        "/cablegate/cable_paragraphs.json?_shape=objects&_search=Lavrov",
    );
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r["reference_id"], "08TOKYO3205", "{r}");
        assert_eq!(r["classification"], "CONFIDENTIAL", "{r}");
        assert!(r["text"].as_str().unwrap().contains("Lavrov"), "{r}");
    }
    let all = json(port, "/cablegate/cable_paragraphs.json?_shape=objects");
    let found = json(
        port,
        "/cablegate/cable_paragraphs.json?_shape=objects&_search=Lavrov",
    );
    assert!(
        found["filtered_table_rows_count"].as_i64().unwrap()
            < all["filtered_table_rows_count"].as_i64().unwrap(),
        "?_search= must filter the view"
    );
    // Internal tables are hidden.
    let tables = json(port, "/cablegate.json")["tables"].clone();
    for t in tables.as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("agg_") || name == "_refinery_schema_history" {
            assert_eq!(t["hidden"], true, "{name}");
        }
        if name == "cables" || name == "paragraphs" {
            assert_eq!(t["hidden"], false, "{name}");
        }
    }

    // The Datasette 1.0 split holds the same as metadata.json.
    let split = tmp.path().join("split");
    std::fs::create_dir(&split).unwrap();
    succeed(
        bin()
            .args(["datasette-metadata", "--format", "split", "--db"])
            .arg(&db)
            .arg("--out")
            .arg(&split),
    );
    let loaded = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps([yaml.safe_load(open(p)) for p in sys.argv[1:]]))",
        ])
        .arg(split.join("metadata.yaml"))
        .arg(split.join("datasette.yaml"))
        .output()
        .unwrap();
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let loaded: serde_json::Value = serde_json::from_slice(&loaded.stdout).unwrap();
    let (mut merged, config) = (loaded[0].clone(), &loaded[1]);
    let d = &config["databases"]["cablegate"];
    merged["databases"]["cablegate"]["queries"] = d["queries"].clone();
    for (name, conf) in d["tables"].as_object().unwrap() {
        let entry = &mut merged["databases"]["cablegate"]["tables"][name];
        if entry.is_null() {
            *entry = serde_json::json!({});
        }
        for (k, v) in conf.as_object().unwrap() {
            entry[k] = v.clone();
        }
    }
    let meta: serde_json::Value = serde_json::from_slice(&meta.stdout).unwrap();
    assert_eq!(merged, meta);
    assert!(config["databases"]["cablegate"]["tables"]["cable_overview"]["facets"].is_array());
    assert!(loaded[0]["databases"]["cablegate"]["tables"]["cable_overview"]["facets"].is_null());
}
