//! A real Datasette serves an ingested archive with the generated metadata; the test asserts
//! over HTTP on localhost that a view, a canned query and the search box work. CI installs
//! Datasette with pip (`.ci/run`); the test skips with a notice only when Python is absent.

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

fn json_rows(port: u16, path: &str) -> Vec<serde_json::Value> {
    let (status, body) = get(port, path).unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    let v: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    v["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no rows: {body}"))
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
    let db = tmp.path().join("archive.db");
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
            .args(["-m", "datasette", "serve"])
            .arg(&db)
            .arg("--metadata")
            .arg(&meta_path)
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
    let rows = json_rows(port, "/archive/cables_by_tag.json?_shape=objects");
    assert!(
        rows.iter()
            .any(|r| r["reference_id"] == "08TOKYO3205" && r["tag"] == "PREL"),
        "{rows:?}"
    );
    let rows = json_rows(
        port,
        "/archive/cables_with_tag.json?_shape=objects&tag=PREL&from=2008-01-01&to=2010-12-31",
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    let rows = json_rows(
        port,
        "/archive/paragraphs.json?_shape=objects&_search=Lavrov+Nakasone",
    );
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["text"].as_str().unwrap().contains("Lavrov")),
        "{rows:?}"
    );
    let rows = json_rows(port, "/archive/cables.json?_shape=objects&_search=sea+wall");
    assert!(
        rows.iter().any(|r| r["reference_id"] == "10ATLANTIS1"),
        "{rows:?}"
    );
}
