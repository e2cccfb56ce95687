//! Identity: which version of a cable a source holds, whatever rendering it came in.
//!
//! The same telegram is published as an HTML page, a page-text file, a raw file and a CSV row,
//! and copied with other line endings. A version is the telegram *text*: two sources hold the
//! same version when their header and body agree after undoing what a rendering changes and a
//! cable does not — line endings (CRLF, lone CR), trailing white space, no-break spaces and
//! zero-width characters, blank lines (renderings drop them at the start and end of blocks and
//! fold the header/body separator differently), and the artefacts the front-ends already remove
//! (HTML character references and anchors, the page text's repeated opening). Metadata that only
//! some formats carry (Released, the page title, Created) is not part of the identity: the
//! writer merges it from every source of the version (see `store::writer`).

use sha2::{Digest, Sha256};

/// A no-break space is a space; the page text writes it on label lines, some mirrors in text.
fn is_nbsp(c: char) -> bool {
    c == '\u{a0}'
}

/// Zero-width characters a copy may carry and a reader cannot see: the byte-order mark (also
/// the zero-width no-break space), zero-width space, joiners, word joiner.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
    )
}

/// Append one line, normalised, to `out`: trailing white space dropped, no-break spaces as
/// spaces, zero-width characters removed; a blank line adds nothing.
fn push_line(out: &mut Vec<u8>, line: &str) {
    let line = line.trim_end_matches(|c: char| c.is_whitespace() || is_zero_width(c));
    if line.is_empty() {
        return;
    }
    if line.is_ascii() {
        out.extend_from_slice(line.as_bytes());
    } else {
        let mut buf = [0u8; 4];
        for c in line.chars().filter(|&c| !is_zero_width(c)) {
            let c = if is_nbsp(c) { ' ' } else { c };
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out.push(b'\n');
}

/// SHA-256 (hex) of the telegram text of a source: its header (when the format separates it)
/// then its body, line by line, normalised as the module doc says. Splits on `\n`, `\r\n` and a
/// lone `\r` alike. The normalised text is gathered first and hashed in one call: hashing
/// line by line cost more than the normalising (millions of short updates on the full corpus).
pub fn identity_sha256(header: Option<&str>, body: &str) -> String {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        for text in header.into_iter().chain(std::iter::once(body)) {
            // `decode` has made every line break `\n` already; stored text from older
            // archives may still hold a CR (one scan of the text decides).
            match memchr::memchr(b'\r', text.as_bytes()) {
                None => text.split('\n').for_each(|l| push_line(buf, l)),
                Some(_) => text.split(['\n', '\r']).for_each(|l| push_line(buf, l)),
            }
        }
        let digest = Sha256::digest(&buf[..]);
        // A cable is rarely over a megabyte; a pathological one does not pin its buffer.
        if buf.capacity() > 4 << 20 {
            *buf = Vec::new();
        }
        format!("{digest:x}")
    })
}

#[cfg(test)]
mod tests {
    use super::identity_sha256 as id;

    #[test]
    fn line_endings_trailing_space_and_blank_lines_do_not_matter() {
        let lf = id(
            Some("R 191942Z NOV 08\nFM AMEMBASSY TOKYO"),
            "TAGS: PREL\n\n1. Text.",
        );
        assert_eq!(
            lf,
            id(
                Some("R 191942Z NOV 08\r\nFM AMEMBASSY TOKYO\r\n"),
                "TAGS: PREL\r\n\r\n1. Text.\r\n"
            )
        );
        assert_eq!(
            lf,
            id(
                Some("R 191942Z NOV 08\rFM AMEMBASSY TOKYO"),
                "TAGS: PREL\r\r1. Text."
            )
        );
        assert_eq!(
            lf,
            id(
                Some("R 191942Z NOV 08  \nFM AMEMBASSY TOKYO\u{a0}\n\n"),
                "\nTAGS: PREL\n1. Text.  "
            )
        );
        // A raw telegram carries header and body in one text, split by a blank line.
        assert_eq!(
            lf,
            id(
                None,
                "R 191942Z NOV 08\nFM AMEMBASSY TOKYO\n\nTAGS: PREL\n\n1. Text."
            )
        );
    }

    #[test]
    fn no_break_and_zero_width_spaces_are_spaces() {
        assert_eq!(id(None, "TAGS:\u{a0}PREL"), id(None, "TAGS: PREL"));
        assert_eq!(
            id(None, "\u{feff}TAGS: PREL\u{200b}"),
            id(None, "TAGS: PREL")
        );
    }

    #[test]
    fn a_changed_word_or_line_break_inside_a_line_is_a_new_version() {
        let base = id(None, "1. The minister said no.");
        assert_ne!(base, id(None, "1. The minister said yes."));
        assert_ne!(base, id(None, "1. The minister\nsaid no."));
        // Leading white space is text (indented lines in old cables), not rendering.
        assert_ne!(base, id(None, "  1. The minister said no."));
    }
}
