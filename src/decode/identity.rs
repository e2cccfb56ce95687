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
    // Copy the runs between the bytes that may start a no-break space (C2) or a zero-width
    // character (E2 80 8B–8D, E2 81 A0, EF BB BF); only those few spots are looked at.
    let bytes = line.as_bytes();
    let mut copied = 0;
    for at in memchr::memchr3_iter(0xc2, 0xe2, 0xef, bytes) {
        if at < copied {
            continue;
        }
        let (skip, with) = match &bytes[at..] {
            [0xc2, 0xa0, ..] => (2, &b" "[..]),
            [0xe2, 0x80, 0x8b..=0x8d, ..] | [0xe2, 0x81, 0xa0, ..] | [0xef, 0xbb, 0xbf, ..] => {
                (3, &b""[..])
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[copied..at]);
        out.extend_from_slice(with);
        copied = at + skip;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'\n');
}

/// `push_line` for every line of `text`, split at `\n` (and at `\r` when `has_cr`). Nearly
/// every line is ASCII: those are normalised on bytes, skipping the per-character decoding (no
/// no-break or zero-width character can occur; white space is what `char::is_whitespace` says
/// for ASCII: space and U+0009–U+000D). Other lines go through `push_line`.
fn push_lines(out: &mut Vec<u8>, text: &str, has_cr: bool) {
    let bytes = text.as_bytes();
    if !has_cr && bytes.is_ascii() {
        return push_ascii_lines(out, bytes);
    }
    let mut push = |from: usize, to: usize| {
        let line = &bytes[from..to];
        if !line.is_ascii() {
            // Line breaks are ASCII, so `from..to` lies on character boundaries.
            return push_line(out, &text[from..to]);
        }
        let end = line
            .iter()
            .rposition(|&b| !matches!(b, b' ' | b'\t'..=b'\r'))
            .map_or(0, |i| i + 1);
        if end > 0 {
            out.extend_from_slice(&line[..end]);
            out.push(b'\n');
        }
    };
    let mut start = 0;
    let mut each = |at: usize| {
        push(start, at);
        start = at + 1;
    };
    if has_cr {
        memchr::memchr2_iter(b'\n', b'\r', bytes).for_each(&mut each);
    } else {
        memchr::memchr_iter(b'\n', bytes).for_each(&mut each);
    }
    push(start, bytes.len());
}

/// `push_lines` for an ASCII text without a CR (five in six texts of the corpus). A line that
/// is not blank and does not end in white space is copied as it stands, with the `\n` after
/// it: such lines are copied in runs, one copy per run instead of one per line, and only the
/// others are trimmed one by one.
fn push_ascii_lines(out: &mut Vec<u8>, bytes: &[u8]) {
    let is_ws = |c: u8| matches!(c, b' ' | b'\t'..=b'\r');
    // `bytes[run..start]`: whole lines with their `\n`, unchanged and not yet copied.
    let mut run = 0;
    let mut start = 0;
    for at in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        let line = &bytes[start..at];
        match line.last() {
            Some(&c) if !is_ws(c) => {
                if at == bytes.len() {
                    // The last line has no `\n` of its own.
                    out.extend_from_slice(&bytes[run..]);
                    out.push(b'\n');
                }
            }
            _ => {
                out.extend_from_slice(&bytes[run..start]);
                let end = line.iter().rposition(|&b| !is_ws(b)).map_or(0, |i| i + 1);
                if end > 0 {
                    out.extend_from_slice(&line[..end]);
                    out.push(b'\n');
                }
                run = at + 1;
            }
        }
        start = at + 1;
    }
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
            let has_cr = memchr::memchr(b'\r', text.as_bytes()).is_some();
            push_lines(buf, text, has_cr);
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
    fn the_ascii_path_normalises_as_the_general_one() {
        // A line with a zero-width character goes down the general (char) path.
        let text =
            "R 191942Z NOV 08 \x0b\r\nFM AMEMBASSY TOKYO\t\r\r\n\x0c\nTAGS: PREL  \n1. Text.\r";
        assert_eq!(id(None, text), id(None, &format!("\u{200b}{text}")));
        assert_eq!(
            id(Some(text), text),
            id(Some(text), &format!("{text}\u{2060}"))
        );
    }

    /// The normalisation as first written, one character at a time: the byte paths must
    /// give the same text, or archives would see new versions of unchanged cables.
    fn reference(text: &str) -> String {
        let mut out = String::new();
        for line in text.split(['\n', '\r']) {
            let line =
                line.trim_end_matches(|c: char| c.is_whitespace() || super::is_zero_width(c));
            if !line.is_empty() {
                out.extend(line.chars().filter(|&c| !super::is_zero_width(c)).map(|c| {
                    if c == '\u{a0}' {
                        ' '
                    } else {
                        c
                    }
                }));
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn the_byte_paths_normalise_as_one_character_at_a_time() {
        use sha2::{Digest, Sha256};
        let texts = [
            "plain ASCII \x0b\t\r\nnext\x0c\n\n  indented\n",
            "caf\u{e9} \u{2019}quoted\u{201d}\u{a0}x\u{a0}\u{200b}\n\u{feff}TAGS:\u{a0}PREL \u{a0}",
            "\u{200c}\u{200d}\u{2060}\n\u{2028}end\u{3000}\r\n\u{a0}\u{a0}lead \u{20ac}\u{2060}mid",
            "\u{e2}\u{ef}\u{c2} lead bytes as characters \u{c2a0}\u{200a}",
        ];
        for t in texts {
            let want = format!("{:x}", Sha256::digest(reference(t).as_bytes()));
            assert_eq!(id(None, t), want, "{t:?}");
        }
    }

    /// The run-copying ASCII path gives the line-by-line text.
    #[test]
    fn ascii_runs_as_line_by_line() {
        let texts = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\nb\n",
            "a \nb\t\n\nc",
            "  \n a\n\x0b\nb \x0c",
            "one\ntwo\nthree  \nfour\nfive\n\n\nsix",
            "trailing blank lines\n \n\t\n",
            "x\n\n",
            "ends in space ",
        ];
        for t in texts {
            let mut runs = Vec::new();
            super::push_ascii_lines(&mut runs, t.as_bytes());
            let mut lines = Vec::new();
            for line in t.split('\n') {
                super::push_line(&mut lines, line);
            }
            assert_eq!(runs, lines, "{t:?}");
        }
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
