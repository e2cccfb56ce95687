//! Terminal safety: cable text and file names are untrusted, and a terminal obeys the control
//! characters in what it is sent (`ESC]0;…` retitles the window, `ESC[2J` clears the screen,
//! `ESC]52;c;…` writes the clipboard, a newline in a file name forges a line of output).
//! Everything printed from stored text or file names to a terminal goes through here: C0
//! controls (except newline and tab in multi-line text), DEL and C1 controls are shown as
//! visible escapes (`\x1b`, `\u{9b}`). Piped output and `--format json/csv` stay exact; so
//! does the database. Diagnostics on stderr are one line per problem, always: control
//! characters in a file name or reason are escaped there whether or not stderr is a terminal
//! (the exact name is in `ingest_errors`).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

/// Is `c` a control character a terminal could act on? C0 (U+0000–U+001F), DEL and C1
/// (U+0080–U+009F, which some terminals read as `ESC` + a letter: U+009B is CSI).
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_control(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !is_control(c) || keep(c) {
            out.push(c);
            continue;
        }
        let _ = match c {
            '\n' => write!(out, "\\n"),
            '\r' => write!(out, "\\r"),
            '\t' => write!(out, "\\t"),
            '\u{0}'..='\u{7f}' => write!(out, "\\x{:02x}", c as u32),
            _ => write!(out, "\\u{{{:x}}}", c as u32),
        };
    }
    Cow::Owned(out)
}

/// Multi-line text for a terminal: every control character except newline and tab escaped.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape_with(s, |c| c == '\n' || c == '\t')
}

/// One line for a terminal or a log (a file name, a table cell, a diagnostic): every control
/// character escaped, newline and tab included, so it cannot become two lines.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    escape_with(s, |_| false)
}

/// Print one diagnostic line on stderr, control characters escaped (see the module docs).
pub fn diagnostic(message: &str) {
    eprintln!("{}", escape_line(message));
}

/// Is standard output a terminal? Decides whether stored text is escaped (`show`, `search`).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// Text for standard output: escaped when it is a terminal, exact when it is piped.
pub fn for_stdout(s: &str, terminal: bool) -> Cow<'_, str> {
    if terminal {
        escape_text(s)
    } else {
        Cow::Borrowed(s)
    }
}

/// A writer that escapes control characters (except newline and tab) in everything written
/// through it: wraps standard output for `show` when it is a terminal. Works on bytes, so a
/// C1 character (`0xC2 0x80`–`0xC2 0x9F` in UTF-8) split across two writes is still caught.
pub struct Escaping<W: Write> {
    inner: W,
    /// A `0xC2` byte that ended the previous write.
    pending: bool,
}

impl<W: Write> Escaping<W> {
    pub fn new(inner: W) -> Self {
        Escaping {
            inner,
            pending: false,
        }
    }
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len() + 8);
        let mut bytes = buf.iter().copied().peekable();
        if self.pending {
            self.pending = false;
            match bytes.peek() {
                Some(&b @ 0x80..=0x9f) => {
                    bytes.next();
                    write!(out, "\\u{{{b:x}}}")?;
                }
                _ => out.push(0xc2),
            }
        }
        while let Some(b) = bytes.next() {
            match b {
                b'\n' | b'\t' => out.push(b),
                0x00..=0x1f | 0x7f => write!(out, "{}", escape_line(&char::from(b).to_string()))?,
                0xc2 => match bytes.peek() {
                    Some(&c @ 0x80..=0x9f) => {
                        bytes.next();
                        write!(out, "\\u{{{c:x}}}")?;
                    }
                    None => self.pending = true,
                    Some(_) => out.push(b),
                },
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.pending) {
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for Escaping<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let cases = [
            (
                "plain text\n\tindented",
                "plain text\n\tindented",
                "plain text\\n\\tindented",
            ),
            (
                "\x1b]0;owned\x07",
                "\\x1b]0;owned\\x07",
                "\\x1b]0;owned\\x07",
            ),
            ("\x1b[2J", "\\x1b[2J", "\\x1b[2J"),
            ("a\rb\x7f", "a\\rb\\x7f", "a\\rb\\x7f"),
            ("\u{9b}31m", "\\u{9b}31m", "\\u{9b}31m"),
            ("café ¶ \u{a0}", "café ¶ \u{a0}", "café ¶ \u{a0}"),
            ("\0", "\\x00", "\\x00"),
        ];
        for (input, text, line) in cases {
            assert_eq!(escape_text(input), text, "{input:?}");
            assert_eq!(escape_line(input), line, "{input:?}");
        }
    }

    #[test]
    fn the_writer_escapes_c1_split_across_writes() {
        let mut out = Vec::new();
        {
            let mut w = Escaping::new(&mut out);
            w.write_all(b"a\xc2").unwrap();
            w.write_all(b"\x9b2J \x1b[31m caf\xc3\xa9\n").unwrap();
            w.write_all(b"\xc2").unwrap();
            w.write_all(b"\xa0end\xc2").unwrap();
        }
        assert_eq!(
            out,
            b"a\\u{9b}2J \\x1b[31m caf\xc3\xa9\n\xc2\xa0end\xc2".to_vec()
        );
    }
}
