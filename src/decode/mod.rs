//! Decode: bytes → telegram text plus metadata, by format.
//!
//! Owns format sniffing (from content, never the file extension), character decoding (UTF-8,
//! else Windows-1252 with a warning), and the four front-ends. Each front-end only extracts the
//! telegram and the metadata its format carries; the telegram grammar lives in `parse`.

mod csv;
mod html;
mod page_text;

pub use self::csv::{CsvRow, CsvSources, Dialect};

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
    #[error("binary file, not text")]
    Binary,
    #[error("not a cable: {0}")]
    NotACable(String),
    #[error("{size} bytes is too large for a single cable (limit {limit})")]
    TooLarge { size: u64, limit: u64 },
    #[error("row {row}: {reason}")]
    Row { row: u64, reason: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
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
    if csv::looks_like_csv(&head) {
        let mut sample = Vec::with_capacity(1 << 20);
        File::open(path)?.take(1 << 20).read_to_end(&mut sample)?;
        let dialect = csv::sniff_dialect(&sample);
        let file = HashingReader::new(File::open(path)?, hash);
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
    if is_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    let (text, warning) = decode_text(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut source = match sniff(text) {
        Some(Format::Html) => html::decode(text)?,
        Some(Format::PageText) => page_text::decode(text)?,
        Some(Format::Raw) => raw(text, path),
        _ => {
            return Err(DecodeError::NotACable(
                "no routing header, classification banner, TAGS or SUBJECT line found".into(),
            ))
        }
    };
    source.source_path = path.display().to_string();
    source
        .warnings
        .extend(warning.map(|w| Warning::new("encoding", w)));
    Ok(source)
}

/// Bytes → text: UTF-8 when valid, else Windows-1252 (the encoding of the stray non-UTF-8
/// cables in circulation) with a warning for the cable.
pub fn decode_text(bytes: &[u8]) -> (Cow<'_, str>, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let warning = format!(
                "text is not valid UTF-8 (first bad byte at offset {}); decoded as Windows-1252",
                e.valid_up_to()
            );
            (text, Some(warning))
        }
    }
}

/// NUL bytes or many control characters in the first 8 KB mean a binary file.
fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    control * 20 > head.len()
}

/// Decide a single-cable file's format from its content.
pub fn sniff(text: &str) -> Option<Format> {
    let head: String = text.chars().take(4096).collect();
    let lower = head.to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<!doctype html") || lower.contains("<pre") {
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
        let (text, warning) = decode_text(b"caf\xe9 \x93quoted\x94");
        assert_eq!(text, "caf\u{e9} \u{201c}quoted\u{201d}");
        assert!(warning.unwrap().contains("Windows-1252"));
    }

    #[test]
    fn binary_is_detected() {
        assert!(is_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!is_binary(b"C O N F I D E N T I A L\nTAGS: PREL\n"));
    }
}
