//! Decoding is the same in every format (issue 11, point 4): a byte-order mark is ignored,
//! CRLF and a lone CR are line breaks, NUL bytes are replaced with a warning and never cut the
//! text, UTF-16 with a byte-order mark is decoded, and compressed or BOM-less UTF-16 inputs
//! are named as such. Each hostile copy is ingested next to the good original.

mod common;
use common::*;
use std::fs;
use std::path::Path;

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// Ingest the good examples into one archive and `dir` into another; the reference ids and
/// versions (content hashes) of what `dir` stored, and its stderr.
fn ingest_beside_good(dir: &Path) -> (i32, String, std::path::PathBuf) {
    let db = dir.with_extension("db");
    let (code, stderr) = ingest(&db, &[dir]);
    (code, stderr, db)
}

fn good_versions() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("good.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    (tmp, db)
}

fn versions(db: &Path) -> Vec<String> {
    query(
        db,
        "SELECT reference_id || ' ' || content_sha256 FROM cables ORDER BY 1",
    )
}

#[test]
fn a_csv_with_a_byte_order_mark_crlf_or_lone_cr_gives_the_same_cables() {
    let (tmp, good) = good_versions();
    let csv = fs::read_to_string(examples().join("cables.csv")).unwrap();
    let good_rows: Vec<String> = query(&good, "SELECT c.reference_id || ' ' || c.content_sha256 || ' ' || (SELECT count(*) FROM paragraphs p WHERE p.cable_id = c.id) FROM cables c WHERE source_format = 'csv' ORDER BY 1");
    assert_eq!(good_rows.len(), 2);
    for (name, bytes) in [
        ("bom", [b"\xef\xbb\xbf".as_slice(), csv.as_bytes()].concat()),
        ("crlf", csv.replace('\n', "\r\n").into_bytes()),
        ("cr", csv.replace('\n', "\r").into_bytes()),
    ] {
        let dir = tmp.path().join(name);
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("cables.csv"), bytes).unwrap();
        let (code, stderr, db) = ingest_beside_good(&dir);
        assert_eq!(code, 0, "{name}: {stderr}");
        let rows: Vec<String> = query(&db, "SELECT c.reference_id || ' ' || c.content_sha256 || ' ' || (SELECT count(*) FROM paragraphs p WHERE p.cable_id = c.id) FROM cables c ORDER BY 1");
        assert_eq!(rows, good_rows, "{name}");
    }
}

#[test]
fn nul_bytes_are_replaced_with_a_warning_in_every_format_and_never_cut_the_text() {
    let (tmp, good) = good_versions();
    let dir = tmp.path().join("nul");
    fs::create_dir(&dir).unwrap();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    fs::write(
        dir.join("09LEMURIA42.txt"),
        raw.replace("2 percent", "2\0percent"),
    )
    .unwrap();
    let csv = fs::read_to_string(examples().join("cables.csv")).unwrap();
    fs::write(
        dir.join("cables.csv"),
        csv.replace("Parliament debated", "Parliament\0debated"),
    )
    .unwrap();
    let (code, stderr, db) = ingest_beside_good(&dir);
    assert_eq!(code, 0, "{stderr}");
    for id in ["09LEMURIA42", "10ATLANTIS2"] {
        let sql = format!("SELECT body FROM cables WHERE reference_id = '{id}'");
        let body: String = one(&db, &sql);
        assert!(body.contains('\u{fffd}'), "{id}: {body}");
        // Everything after the NUL is there: the body is the original's, NUL for space.
        assert_eq!(
            body.replace('\u{fffd}', " "),
            one::<String>(&good, &sql),
            "{id}"
        );
        let warning: String = one(&db, &format!("SELECT w.message FROM parse_warnings w JOIN cables c ON c.id = w.cable_id WHERE c.reference_id = '{id}' AND w.field = 'encoding'"));
        assert!(
            warning.contains("NUL byte(s) replaced by U+FFFD"),
            "{warning}"
        );
    }
}

#[test]
fn utf16_with_a_bom_is_decoded_to_the_same_version() {
    let (tmp, good) = good_versions();
    let dir = tmp.path().join("utf16");
    fs::create_dir(&dir).unwrap();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    fs::write(dir.join("09LEMURIA42.txt"), utf16le_with_bom(&raw)).unwrap();
    let seed = fs::read_to_string(examples().join("08TOKYO3205.txt")).unwrap();
    fs::write(dir.join("08TOKYO3205.txt"), utf16le_with_bom(&seed)).unwrap();
    let (code, stderr, db) = ingest_beside_good(&dir);
    assert_eq!(code, 0, "{stderr}");
    let want: Vec<String> = versions(&good)
        .into_iter()
        .filter(|v| v.starts_with("09LEMURIA42") || v.starts_with("08TOKYO3205"))
        .collect();
    assert_eq!(versions(&db), want);
}

#[test]
fn compressed_and_bomless_utf16_inputs_are_named_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("cables.csv.gz"),
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
    )
    .unwrap();
    fs::write(dir.join("cables.zip"), b"PK\x03\x04\x14\x00\x00\x00").unwrap();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    let utf16: Vec<u8> = raw.encode_utf16().flat_map(u16::to_le_bytes).collect();
    fs::write(dir.join("09LEMURIA42.txt"), utf16).unwrap();
    fs::copy(
        examples().join("08TOKYO3205.txt"),
        dir.join("08TOKYO3205.txt"),
    )
    .unwrap();
    let (code, stderr, db) = ingest_beside_good(&dir);
    // The user must act on these (decompress, convert): rejected even when walked.
    assert_eq!(code, 3, "{stderr}");
    let d = dir.display();
    for line in [
        format!(
            "{d}/09LEMURIA42.txt: UTF-16 text without a byte-order mark: convert it to UTF-8 first"
        ),
        format!("{d}/cables.csv.gz: gzip-compressed: decompress it first"),
        format!("{d}/cables.zip: zip-compressed: decompress it first"),
    ] {
        assert!(
            stderr.lines().any(|l| l == line),
            "missing {line:?} in:\n{stderr}"
        );
    }
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cables"), 1);
}

#[test]
fn a_zero_width_no_break_space_before_a_paragraph_number_is_white_space() {
    let (tmp, good) = good_versions();
    let dir = tmp.path().join("feff");
    fs::create_dir(&dir).unwrap();
    let raw = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    assert!(raw.contains("\n1. "));
    fs::write(
        dir.join("09LEMURIA42.txt"),
        raw.replacen("\n1. ", "\n\u{feff}1. ", 1),
    )
    .unwrap();
    let (code, stderr, db) = ingest_beside_good(&dir);
    assert_eq!(code, 0, "{stderr}");
    let numbers = "SELECT group_concat(coalesce(p.number, '-')) FROM paragraphs p JOIN cables c ON c.id = p.cable_id WHERE c.reference_id = '09LEMURIA42'";
    assert_eq!(one::<String>(&db, numbers), one::<String>(&good, numbers));
    // Invisible characters are no new version either.
    assert_eq!(
        versions(&db),
        versions(&good)
            .into_iter()
            .filter(|v| v.starts_with("09LEMURIA42"))
            .collect::<Vec<_>>()
    );
}
