//! Decode: bytes → telegram text plus metadata, by format.
//!
//! Owns format sniffing (from content, never the file extension), character decoding (UTF-8,
//! else Windows-1252 with a warning), and the four front-ends. Each front-end only extracts the
//! telegram and the metadata its format carries; the telegram grammar lives in `parse`.

mod csv;
mod html;
mod identity;
mod page_text;

pub use self::csv::{CsvRow, CsvSources, Dialect};
pub use self::identity::{identity_sha256, is_zero_width};

use crate::model::{Format, Source, Warning};
use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Files larger than this are only read as a stream (CSV); a single cable is never this big.
pub const MAX_SINGLE_FILE: u64 = 64 * 1024 * 1024;

/// Why an input could not be decoded. The caller adds the path (and row).
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file")]
    Empty,
    #[error("truncated HTML page: a <pre> block has no end")]
    TruncatedHtml,
    #[error("binary file ({0}), not text")]
    Binary(&'static str),
    #[error("{0}-compressed: decompress it first")]
    Compressed(&'static str),
    #[error("UTF-16 text without a byte-order mark: convert it to UTF-8 first")]
    Utf16WithoutBom,
    #[error("not a cable: {0}")]
    NotACable(String),
    #[error("{size} bytes is too large for a single cable (limit {limit})")]
    TooLarge { size: u64, limit: u64 },
    #[error("row {row}: {reason}")]
    Row { row: u64, reason: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl DecodeError {
    /// The input is not a cable at all (empty, binary, prose, Markdown, JSON, a huge text),
    /// as opposed to a cable that is broken (a truncated page, a bad CSV row) or packed in a
    /// form the user must undo (compressed, UTF-16 without a byte-order mark). A walk skips
    /// the first kind; see `ingest`.
    pub fn is_not_a_cable(&self) -> bool {
        matches!(
            self,
            DecodeError::Empty
                | DecodeError::Binary(_)
                | DecodeError::NotACable(_)
                | DecodeError::TooLarge { .. }
        )
    }
}

/// What a file holds: one cable (and the SHA-256 of the file, unless it was opened unhashed),
/// or a stream of CSV rows (hashed as they are read).
pub enum Decoded {
    One(Box<Source>, Option<String>),
    Csv(Box<CsvSources<HashingReader<File>>>),
}

/// Hashes every byte read through it: a CSV's content hash costs no second read.
/// Without a hasher it only passes the bytes on.
pub struct HashingReader<R> {
    inner: R,
    hasher: Option<sha2::Sha256>,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R, hash: bool) -> Self {
        HashingReader {
            inner,
            hasher: hash.then(sha2::Digest::new),
        }
    }

    /// The SHA-256 of everything read, in hex; None without a hasher.
    pub fn hex(self) -> Option<String> {
        self.hasher
            .map(|h| format!("{:x}", sha2::Digest::finalize(h)))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(hasher) = &mut self.hasher {
            sha2::Digest::update(hasher, &buf[..n]);
        }
        Ok(n)
    }
}

/// SHA-256 of a whole file, read in a stream.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(format!("{:x}", hasher.finalize()))
}

/// Open `path`, sniff its format and decode it; the file's SHA-256 is computed on the way.
pub fn decode_file(path: &Path) -> Result<Decoded, DecodeError> {
    open(path, true)
}

/// `decode_file` without the file's hash, for a dry run, which records no file: on a
/// 1.7 GB CSV the hash is half of the reader thread's work, which the parser threads wait on.
pub fn decode_file_unhashed(path: &Path) -> Result<Decoded, DecodeError> {
    open(path, false)
}

fn open(path: &Path, hash: bool) -> Result<Decoded, DecodeError> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut head = Vec::with_capacity(4096);
    (&mut file).take(4096).read_to_end(&mut head)?;
    if head.is_empty() {
        return Err(DecodeError::Empty);
    }
    if let Some(e) = not_plain_text(&head) {
        return Err(e);
    }
    if csv::looks_like_csv(head.strip_prefix(UTF8_BOM).unwrap_or(&head)) {
        let mut sample = Vec::with_capacity(1 << 20);
        File::open(path)?.take(1 << 20).read_to_end(&mut sample)?;
        let dialect = csv::sniff_dialect(&sample);
        let mut file = HashingReader::new(File::open(path)?, hash);
        if head.starts_with(UTF8_BOM) {
            // Read through the hasher, so the file's hash is that of all its bytes.
            file.read_exact(&mut [0u8; 3])?;
        }
        return Ok(Decoded::Csv(Box::new(CsvSources::new(file, path, dialect))));
    }
    if size > MAX_SINGLE_FILE {
        return Err(DecodeError::TooLarge {
            size,
            limit: MAX_SINGLE_FILE,
        });
    }
    let mut bytes = head;
    file.read_to_end(&mut bytes)?;
    let sha = hash.then(|| {
        use sha2::Digest;
        format!("{:x}", sha2::Sha256::digest(&bytes))
    });
    decode_bytes(&bytes, path).map(|s| Decoded::One(Box::new(s), sha))
}

/// Decode one non-CSV cable held in memory.
pub fn decode_bytes(bytes: &[u8], path: &Path) -> Result<Source, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some(e) = not_plain_text(bytes) {
        return Err(e);
    }
    let (text, warnings) = decode_text(bytes);
    let mut source = match sniff(&text) {
        Some(Format::Html) => html::decode(&text)?,
        Some(Format::PageText) => page_text::decode(&text)?,
        Some(Format::Raw) => raw(&text, path),
        _ => {
            return Err(DecodeError::NotACable(format!(
            "looks like {}; no routing header, classification banner, TAGS or SUBJECT line found",
            looks_like(&text)
        )))
        }
    };
    source.source_path = path.display().to_string();
    source
        .warnings
        .extend(warnings.into_iter().map(|w| Warning::new("encoding", w)));
    Ok(source)
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Bytes → text, the same way for every format: a byte-order mark is dropped (UTF-16 with
/// one is decoded), UTF-8 is taken when valid, else Windows-1252 (the encoding of the stray
/// non-UTF-8 cables in circulation); line endings become `\n` (CRLF and a lone CR alike) and
/// NUL bytes U+FFFD, so that no reader (`sqlite3`, Datasette) cuts the text short. Each
/// repair is reported as a warning for the cable.
pub fn decode_text(bytes: &[u8]) -> (Cow<'_, str>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut text = if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        // UTF-8 (BOM dropped) or UTF-16LE/BE: encoding_rs strips the mark and decodes.
        let (text, _, bad) = encoding.decode(bytes);
        if encoding != encoding_rs::UTF_8 {
            warnings.push(format!("text is {}; decoded", encoding.name()));
        }
        if bad {
            warnings.push(format!("malformed {} replaced by U+FFFD", encoding.name()));
        }
        text
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(e) => {
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
                warnings.push(format!(
                    "text is not valid UTF-8 (first bad byte at offset {}); decoded as Windows-1252",
                    e.valid_up_to()
                ));
                text
            }
        }
    };
    if text.contains('\r') {
        text = Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"));
    }
    if text.contains('\0') {
        let n = text.bytes().filter(|&b| b == 0).count();
        warnings.push(format!("{n} NUL byte(s) replaced by U+FFFD"));
        text = Cow::Owned(text.replace('\0', "\u{fffd}"));
    }
    (text, warnings)
}

/// Files that are not plain text, from their first bytes: compressed archives, UTF-16 without
/// a byte-order mark (every other byte NUL), images and other binaries (NULs or many control
/// characters in the first 8 KB). A stray NUL in text is not binary: `decode_text` repairs it.
fn not_plain_text(bytes: &[u8]) -> Option<DecodeError> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x1f\x8b", "gzip"),
        (b"PK\x03\x04", "zip"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ\x00", "xz"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"7z\xbc\xaf\x27\x1c", "7-zip"),
    ];
    if let Some((_, name)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(DecodeError::Compressed(name));
    }
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return None;
    }
    const KINDS: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"SQLite format 3\x00", "SQLite database"),
        (b"\x7fELF", "executable"),
    ];
    if let Some((_, kind)) = KINDS.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(DecodeError::Binary(kind));
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nul_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|(i, &b)| i % 2 == parity && b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    let half = head.len() / 2;
    if half >= 4 && (even * 10 >= half * 9 || odd * 10 >= half * 9) && even.min(odd) * 20 < half {
        return Some(DecodeError::Utf16WithoutBom);
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    (control * 20 > head.len()).then_some(DecodeError::Binary("unknown format"))
}

/// What a text that is not a cable looks like, for the message that skips it.
fn looks_like(text: &str) -> &'static str {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(50)
        .collect();
    let Some(first) = lines.first() else {
        return "blank text";
    };
    if first.starts_with('{') || first.starts_with('[') {
        return match lines.iter().filter(|l| l.starts_with('{')).count() > 1 {
            true => "JSON lines",
            false => "JSON",
        };
    }
    if lines
        .iter()
        .any(|l| l.starts_with("# ") || l.starts_with("## ") || l.starts_with("```"))
    {
        return "Markdown text";
    }
    "prose"
}

/// Decide a single-cable file's format from its content.
pub fn sniff(text: &str) -> Option<Format> {
    let head: String = text.chars().take(4096).collect();
    let lower = head.to_ascii_lowercase();
    // A page starts with markup; a text that only mentions `<pre>` (a README) is not one.
    let markup_first = lower.trim_start().starts_with('<');
    if lower.contains("<html")
        || lower.contains("<!doctype html")
        || (markup_first && lower.contains("<pre"))
    {
        return Some(Format::Html);
    }
    let mut lines = head.lines().map(str::trim).filter(|l| !l.is_empty());
    if lines.next() == Some("Identifier")
        && lines.next() == Some("Created")
        && lines.next() == Some("Classification")
    {
        return Some(Format::PageText);
    }
    if crate::parse::looks_like_telegram(text) {
        return Some(Format::Raw);
    }
    None
}

/// A raw telegram: the text is the whole cable; the id comes from the file name stem.
fn raw(text: &str, path: &Path) -> Source {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    Source {
        reference_id: stem.filter(|s| crate::parse::is_reference_id(s)),
        header: None,
        body: text.to_string(),
        format: Some(Format::Raw),
        ..Source::default()
    }
}

/// Metadata dates → `YYYY-MM-DD HH:MM:SS`. Accepts `YYYY-MM-DD HH:MM[:SS]` and the CSV's
/// `MM/DD/YYYY HH:MM`.
pub fn normalize_datetime(s: &str) -> Option<String> {
    use chrono::NaiveDateTime;
    let s = s.trim();
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.format("%Y-%m-%d %H:%M:%S").to_string());
        }
    }
    None
}

/// Empty metadata values are absent values.
fn non_empty(s: &str) -> Option<String> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_each_format() {
        assert_eq!(
            normalize_datetime("11/19/2008 09:09").as_deref(),
            Some("2008-11-19 09:09:00")
        );
        assert_eq!(
            normalize_datetime("2008-11-19 09:42").as_deref(),
            Some("2008-11-19 09:42:00")
        );
        assert_eq!(
            normalize_datetime("2008-11-19 09:42:00").as_deref(),
            Some("2008-11-19 09:42:00")
        );
        assert_eq!(normalize_datetime("13/45/2008 09:09"), None);
    }

    #[test]
    fn windows_1252_is_decoded_with_a_warning() {
        let (text, warnings) = decode_text(b"caf\xe9 \x93quoted\x94");
        assert_eq!(text, "caf\u{e9} \u{201c}quoted\u{201d}");
        assert!(warnings[0].contains("Windows-1252"));
    }

    #[test]
    fn one_decoding_for_every_format() {
        // (input, text, warnings)
        let cases: &[(&[u8], &str, usize)] = &[
            (b"\xef\xbb\xbfTAGS: PREL", "TAGS: PREL", 0),
            (b"A\r\nB\rC\n", "A\nB\nC\n", 0),
            (b"A\0B", "A\u{fffd}B", 1),
            (b"\xff\xfeT\0A\0\r\0\n\0", "TA\n", 1),
            (b"\xfe\xff\0T\0A", "TA", 1),
        ];
        for (input, text, n) in cases {
            let (got, warnings) = decode_text(input);
            assert_eq!((got.as_ref(), warnings.len()), (*text, *n), "{input:?}");
        }
    }

    #[test]
    fn what_is_not_plain_text() {
        let kind = |b: &[u8]| not_plain_text(b).map(|e| e.to_string());
        assert_eq!(
            kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap(),
            "binary file (PNG image), not text"
        );
        assert_eq!(
            kind(b"\x1f\x8b\x08\0").unwrap(),
            "gzip-compressed: decompress it first"
        );
        assert!(kind(b"T\0A\0G\0S\0:\0 \0P\0R\0E\0L\0")
            .unwrap()
            .starts_with("UTF-16"));
        assert_eq!(kind(b"\xff\xfeT\0A\0G\0S\0"), None);
        assert_eq!(kind(b"C O N F I D E N T I A L\nTAGS: PREL\n"), None);
        // One stray NUL in a telegram is repaired, not a reason to call it binary.
        assert_eq!(
            kind(b"C O N F I D E N T I A L\nTAGS: PREL\0\n1. Text text text.\n"),
            None
        );
    }

    #[test]
    fn what_a_text_that_is_not_a_cable_looks_like() {
        assert_eq!(looks_like("# Corpus\n\nSome words."), "Markdown text");
        assert_eq!(looks_like("{\"a\": 1}\n{\"a\": 2}\n"), "JSON lines");
        assert_eq!(looks_like("Dear reader,\nthese are notes."), "prose");
        assert_eq!(sniff("Files come as `<code><pre>` blocks."), None);
    }
}
