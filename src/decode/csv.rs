//! CSV front-end: the Cablegate `cables.csv` distribution, read as a stream.
//!
//! No header row; 8 quoted columns: sequence number, created `MM/DD/YYYY HH:MM`, reference id,
//! origin, classification, references, header text, body text. Quotes inside a field are
//! escaped with a backslash (`\"`, `\\`) in the real distribution; doubled quotes (`""`, RFC
//! 4180) are read too. The `csv` crate does both at once with `escape(b'\\')` and
//! `double_quote(true)`, streams in constant memory, and reports record positions.

use super::{decode_text, non_empty, normalize_datetime, DecodeError};
use crate::model::{Format, Source, Warning};
use regex::bytes::Regex;
use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

static FIRST_ROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\xEF?\xBB?\xBF?"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"?,"#).unwrap()
});

/// A file is a cables.csv when its first record starts like one.
pub fn looks_like_csv(head: &[u8]) -> bool {
    FIRST_ROW.is_match(head)
}

/// The longest record read, as for a single file (`super::MAX_SINGLE_FILE`): one unbalanced
/// quote would otherwise read the rest of a 1.7 GB file into one field (issue 11: a 600 MB
/// field took 2.7 GB).
const MAX_RECORD: u64 = super::MAX_SINGLE_FILE;
/// The CSV reader's buffer: the most it reads ahead of the record it is on.
const BUFFER: usize = 1 << 20;

/// Feeds the CSV reader until `limit` bytes, then fails with `FileTooLarge`: bounds the
/// memory of one record, since the `csv` crate grows a record for as long as it lasts.
struct Bounded<R> {
    inner: R,
    fed: u64,
    limit: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fed >= self.limit {
            return Err(std::io::ErrorKind::FileTooLarge.into());
        }
        let n = self.inner.read(buf)?;
        self.fed += n as u64;
        Ok(n)
    }
}

/// Iterator over the rows of a cables.csv: one `Source` per good row, one error per bad row.
pub struct CsvSources<R: Read> {
    reader: csv::Reader<Bounded<R>>,
    path: String,
    row: u64,
    done: bool,
}

/// The quoting dialect of a CSV file, judged from its first megabyte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `\"` and `\\` escapes (the real distribution); doubled quotes are read too.
    Backslash,
    /// RFC 4180: only doubled quotes, and a backslash is a literal character.
    Rfc4180,
}

/// A file with doubled quotes inside fields and no `\"` is RFC 4180, where a backslash is
/// an ordinary character; anything else is read in the distribution's backslash dialect.
pub fn sniff_dialect(head: &[u8]) -> Dialect {
    let backslash = head.windows(2).any(|w| w == b"\\\"");
    let doubled = head.windows(4).any(|w| {
        w[1..3] == *b"\"\"" && !matches!(w[0], b',' | b'\n') && !matches!(w[3], b',' | b'\n')
    });
    if doubled && !backslash {
        Dialect::Rfc4180
    } else {
        Dialect::Backslash
    }
}

impl<R: Read> CsvSources<R> {
    pub fn new(input: R, path: &Path, dialect: Dialect) -> Self {
        let escape = match dialect {
            Dialect::Backslash => Some(b'\\'),
            Dialect::Rfc4180 => None,
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .escape(escape)
            .double_quote(true)
            .buffer_capacity(BUFFER)
            .from_reader(Bounded {
                inner: input,
                fed: 0,
                limit: u64::MAX,
            });
        CsvSources {
            reader,
            path: path.display().to_string(),
            row: 0,
            done: false,
        }
    }

    /// The next record, undecoded: turning it into a `Source` (UTF-8 checks, dates) is left
    /// to the caller, so it can run on the parser threads.
    pub fn next_row(&mut self) -> Option<Result<CsvRow, DecodeError>> {
        if self.done {
            return None;
        }
        let mut record = csv::ByteRecord::new();
        let start = self.reader.position().clone();
        self.reader.get_mut().limit = start.byte() + MAX_RECORD + BUFFER as u64;
        match self.reader.read_byte_record(&mut record) {
            Ok(true) => {
                self.row += 1;
                Some(Ok(CsvRow {
                    record,
                    row: self.row,
                    path: self.path.clone(),
                }))
            }
            Ok(false) => None,
            Err(e) => {
                // An I/O error ends the stream; a CSV syntax error is reported for its row.
                self.row += 1;
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    self.done = true;
                }
                let reason = match e.kind() {
                    csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
                        format!(
                            "line {}: a record longer than {} MB, more than any cable (an unbalanced quote?); the rest of the file was not read",
                            start.line(),
                            MAX_RECORD >> 20
                        )
                    }
                    _ => e.to_string(),
                };
                Some(Err(DecodeError::Row {
                    row: self.row,
                    reason,
                }))
            }
        }
    }
}

/// One record of a cables.csv, not yet decoded.
pub struct CsvRow {
    record: csv::ByteRecord,
    row: u64,
    path: String,
}

impl CsvRow {
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Bytes in the record, to bound the memory of a chunk of rows.
    pub fn byte_len(&self) -> usize {
        self.record.as_slice().len()
    }

    pub fn into_source(self) -> Result<Source, DecodeError> {
        let row = self.row;
        let line = self.record.position().map_or(0, |p| p.line());
        let bad = |reason: String| DecodeError::Row {
            row,
            reason: format!("line {line}: {reason}"),
        };
        if self.record.len() != 8 {
            return Err(bad(format!("{} columns, expected 8", self.record.len())));
        }
        let mut warnings = Vec::new();
        let mut field = |i: usize| {
            let (text, repairs) = decode_text(&self.record[i]);
            warnings.extend(
                repairs
                    .into_iter()
                    .map(|w| Warning::new("encoding", format!("column {}: {w}", i + 1))),
            );
            text.into_owned()
        };
        let created_raw = field(1);
        let created_at = normalize_datetime(&created_raw)
            .ok_or_else(|| bad(format!("invalid created date {created_raw:?}")))?;
        let reference_id = field(2);
        if !crate::parse::is_reference_id(reference_id.trim()) {
            return Err(bad(format!("invalid reference id {reference_id:?}")));
        }
        let origin = field(3);
        let classification = field(4);
        let header = field(6);
        let body = field(7);
        Ok(Source {
            reference_id: non_empty(&reference_id),
            created_at: Some(created_at),
            released_at: None,
            classification: non_empty(&classification).map(|c| c.to_uppercase()),
            origin: non_empty(&origin),
            title: None,
            header: Some(header),
            body,
            format: Some(Format::Csv),
            source_path: self.path,
            source_row: Some(row),
            warnings,
        })
    }
}

impl<R: Read> Iterator for CsvSources<R> {
    type Item = Result<Source, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().map(|r| r.and_then(CsvRow::into_source))
    }
}
/// Bytes consumed so far, for progress.
impl<R: Read> CsvSources<R> {
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The underlying reader, once every row has been read.
    pub fn into_inner(self) -> Option<R> {
        (!self.done).then(|| self.reader.into_inner().inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &str) -> Vec<Result<Source, DecodeError>> {
        CsvSources::new(
            data.as_bytes(),
            Path::new("t.csv"),
            sniff_dialect(data.as_bytes()),
        )
        .collect()
    }

    #[test]
    fn backslash_and_doubled_quotes() {
        let data = concat!(
            "\"1\",\"11/19/2008 09:42\",\"08TOKYO3205\",\"Embassy Tokyo\",\"CONFIDENTIAL\",\"\",\"FM A\",\"said \\\"no\\\" \\\\ ok\"\n",
            "\"2\",\"11/19/2008 09:42\",\"08TOKYO3206\",\"Embassy Tokyo\",\"CONFIDENTIAL\",\"\",\"FM A\",\"said \"\"no\"\"\nline 2\"\n",
        );
        let r = rows(data);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].as_ref().unwrap().body, "said \"no\" \\ ok");
        assert_eq!(r[1].as_ref().unwrap().body, "said \"no\"\nline 2");
        assert_eq!(
            r[1].as_ref().unwrap().created_at.as_deref(),
            Some("2008-11-19 09:42:00")
        );
    }

    #[test]
    fn dialects() {
        assert_eq!(
            sniff_dialect(b"\"1\",\"a \\\"q\\\" b\",\"\""),
            Dialect::Backslash
        );
        assert_eq!(
            sniff_dialect(b"\"1\",\"a \"\"q\"\" \\ b\",\"\""),
            Dialect::Rfc4180
        );
        assert_eq!(sniff_dialect(b"\"1\",\"\",\"x\""), Dialect::Backslash);
    }

    #[test]
    fn bad_rows_are_errors_and_reading_goes_on() {
        let data = concat!(
            "\"1\",\"11/19/2008 09:42\",\"08TOKYO1\",\"E\",\"C\",\"\",\"h\"\n",
            "\"2\",\"31/19/2008 09:42\",\"08TOKYO2\",\"E\",\"C\",\"\",\"h\",\"b\"\n",
            "\"3\",\"11/19/2008 09:42\",\"08TOKYO3\",\"E\",\"C\",\"\",\"h\",\"b\"\n",
        );
        let r = rows(data);
        assert_eq!(r.len(), 3);
        let e0 = r[0].as_ref().unwrap_err().to_string();
        assert!(
            e0.starts_with("row 1: line 1: 7 columns, expected 8"),
            "{e0}"
        );
        let e1 = r[1].as_ref().unwrap_err().to_string();
        assert!(e1.contains("invalid created date"), "{e1}");
        assert_eq!(
            r[2].as_ref().unwrap().reference_id.as_deref(),
            Some("08TOKYO3")
        );
    }
}
