//! Line-level helpers shared by the telegram grammar: white space (NBSP included), page-break
//! lines, and classification words written spaced out or damaged.

use memchr::memmem::Finder;
use regex::Regex;
use std::sync::LazyLock;

static OF: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(" OF "));

/// `str::lines`, split with the `memchr` crate's vectorised search: the body's lines are
/// split once per cable, and `str::lines` (core's word-at-a-time `memchr`) was a few percent
/// of the parser's time. Lines end at `\n`, a `\r` before it is dropped (a `\r` that ends
/// the text is kept), and a final `\n` opens no empty line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(Some)
        .chain(std::iter::once(None))
        .filter_map(move |at| match at {
            Some(at) => {
                let line = &text[start..at];
                start = at + 1;
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => (start < text.len()).then(|| &text[start..]),
        })
}

/// Whether any byte of `bytes` is a `hit`, 32 bytes at a time without branches in a block, so
/// the compiler vectorises it (a text under 32 bytes is padded with spaces: `hit(b' ')` must
/// be false). For scans of every byte of every line.
#[inline]
pub fn any_byte(bytes: &[u8], hit: impl Fn(u8) -> bool + Copy) -> bool {
    let block_hits = |block: &[u8; 32]| block.iter().fold(0u8, |any, &c| any | hit(c) as u8) != 0;
    let mut blocks = bytes.chunks_exact(32);
    if blocks.any(|b| block_hits(b.try_into().unwrap())) {
        return true;
    }
    if let Some(last) = bytes.len().checked_sub(32) {
        // The last 32 bytes hold the remainder: looking at some bytes twice changes no
        // answer, and spares copying the remainder into a padded block.
        return !blocks.remainder().is_empty() && block_hits(bytes[last..].try_into().unwrap());
    }
    let mut tail = [b' '; 32];
    tail[..blocks.remainder().len()].copy_from_slice(blocks.remainder());
    block_hits(&tail)
}

/// `line` holds ` OF ` between numbers (`002 OF 004`), as every page marker does: prose in
/// capitals has ` OF ` on nearly every line, and only this shape is worth a regex. A non-ASCII
/// byte may be Unicode white space the regexes accept, so it counts as a number here.
fn has_of(line: &str) -> bool {
    let b = line.as_bytes();
    // Most prose lines hold no digit at all (a non-ASCII byte may be one, for `\d`).
    if !any_byte(b, |c| c.is_ascii_digit() | (c >= 0x80)) {
        return false;
    }
    let numberish = |c: Option<&u8>| c.is_some_and(|&c| c.is_ascii_digit() || c >= 0x80);
    let mut from = 0;
    while let Some(at) = OF.find(&b[from..]).map(|i| from + i) {
        if numberish(b[..at].iter().rev().find(|&&c| !is_ascii_ws(c)))
            && numberish(b[at + 4..].iter().find(|&&c| !is_ascii_ws(c)))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Cheap tests before an element's regex, which runs on every opening line: on an ASCII line,
/// whether `word` (lower case) occurs in any letter case. A non-ASCII line always passes: the
/// regexes fold Unicode case (`ſ` is an `s`) and take Unicode digits and white space.
pub fn may_hold(t: &str, word: &str) -> bool {
    let (h, w) = (t.as_bytes(), word.as_bytes());
    !t.is_ascii()
        || memchr::memchr2_iter(w[0], w[0].to_ascii_uppercase(), h).any(|i| {
            h[i..]
                .get(..w.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(w))
        })
}

/// Like [`may_hold`], at the start of the line.
pub fn may_start(t: &str, word: &str) -> bool {
    let w = word.as_bytes();
    !t.is_ascii()
        || t.as_bytes()
            .get(..w.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(w))
}

/// Like [`may_hold`], for a run of `n` digits.
pub fn may_hold_digits(t: &str, n: usize) -> bool {
    let mut run = 0;
    for &c in t.as_bytes() {
        if c >= 0x80 {
            return true;
        }
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= n {
            return true;
        }
    }
    false
}

/// Captures only after a cheap `is_match`: most opening lines match none of the element
/// patterns, and a DFA answers "no" far faster than capture extraction does.
pub fn caps<'t>(re: &Regex, t: &'t str) -> Option<regex::Captures<'t>> {
    if re.is_match(t) {
        re.captures(t)
    } else {
        None
    }
}

/// Where `full` matches in `t` and its group 1, for a pattern `LABEL(.*)$` declared with
/// `labelled!` (`label` is `LABEL` alone): the start of the match, and the rest of the text
/// after the label. Without a line break in `t`, `(.*)$` matches after any position, so the
/// label's own leftmost-first match is the one the full pattern makes; a `find` of it costs a
/// fraction of capture extraction, which runs a backtracker over the rest of the line. A text
/// with a line break is left to `full` (`.` stops there unless the pattern says `(?s)`).
pub fn after_label<'t>(label: &Regex, full: &Regex, t: &'t str) -> Option<(usize, &'t str)> {
    if memchr::memchr(b'\n', t.as_bytes()).is_some() {
        let c = full.captures(t)?;
        return Some((c.get(0)?.start(), c.get(1).map_or("", |m| m.as_str())));
    }
    label.find(t).map(|m| (m.start(), &t[m.end()..]))
}

/// `full.is_match(t)` for a pattern declared with `labelled!`, by its label alone when `t` has
/// no line break (see [`after_label`]): a `$`-anchored pattern is searched backwards over the
/// whole line, the label stops at its end.
pub fn has_label(label: &Regex, full: &Regex, t: &str) -> bool {
    if memchr::memchr(b'\n', t.as_bytes()).is_some() {
        return full.is_match(t);
    }
    label.is_match(t)
}

/// Test helper: [`after_label`] says what `full`'s captures say on every text of `texts`.
#[cfg(test)]
pub fn assert_after_label_as_captures(label: &Regex, full: &Regex, texts: &[&str]) {
    for t in texts {
        let want = full.captures(t).map(|c| {
            (
                c.get(0).unwrap().start(),
                c.get(1).map_or("", |m| m.as_str()),
            )
        });
        assert_eq!(after_label(label, full, t), want, "{t:?} ({full})");
        assert_eq!(
            has_label(label, full, t),
            full.is_match(t),
            "{t:?} ({full})"
        );
        // The label-only path, whatever the text holds after a line break.
        if !t.contains('\n') {
            assert_eq!(
                label.find(t).map(|m| (m.start(), &t[m.end()..])),
                want,
                "{t:?}"
            );
        }
    }
}

/// NBSP and zero-width characters (a U+FEFF left inside a copied text, U+200B) count as white
/// space when parsing; the stored text keeps them.
pub fn is_ws(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, ' ' | '\t'..='\r');
    }
    c.is_whitespace() || c == '\u{a0}' || crate::decode::is_zero_width(c)
}

pub fn trim(s: &str) -> &str {
    // ASCII white space off both ends on bytes; the char walk only when a non-ASCII character
    // (maybe a no-break or zero-width space) is left at an end.
    let b = s.as_bytes();
    let start = b.iter().position(|&c| !is_ascii_ws(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !is_ascii_ws(c))
        .map_or(start, |i| i + 1);
    let t = &s[start..end];
    match t.as_bytes() {
        [first, ..] if *first >= 0x80 => t.trim_matches(is_ws),
        [.., last] if *last >= 0x80 => t.trim_matches(is_ws),
        _ => t,
    }
}

/// [`trim`] at the end only.
pub fn trim_end(s: &str) -> &str {
    let b = s.as_bytes();
    let end = b
        .iter()
        .rposition(|&c| !is_ascii_ws(c))
        .map_or(0, |i| i + 1);
    let t = &s[..end];
    match t.as_bytes().last() {
        Some(&last) if last >= 0x80 => t.trim_end_matches(is_ws),
        _ => t,
    }
}

/// White space as `char::is_whitespace` says for ASCII: space and U+0009–U+000D.
pub fn is_ascii_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t'..=b'\r')
}

pub fn is_blank(s: &str) -> bool {
    match s.bytes().find(|&c| !is_ascii_ws(c)) {
        None => true,
        Some(c) if c < 0x80 => false,
        Some(_) => trim(s).is_empty(),
    }
}

/// Collapse every run of white space (NBSP included) to one space.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    // Long texts (summaries, paragraphs) by searches; the setup of a search costs more than
    // the byte loop below on a short marking or heading.
    if b.len() >= 128 && b.is_ascii() && !any_byte(b, |c| (c == 0x0b) | (c == 0x0c)) {
        collapse_ascii_ws(s, &mut out);
        return out;
    }
    if s.is_ascii() {
        // On bytes, copying the runs between the white space that changes (line breaks, tabs,
        // doubled spaces, spaces at the ends): the char walk with `is_ws` cost several times
        // as much, on summaries of thousands of bytes.
        let b = s.as_bytes();
        let mut i = b.iter().position(|&c| !is_ascii_ws(c)).unwrap_or(b.len());
        let mut start = i;
        while i < b.len() {
            if !is_ascii_ws(b[i]) {
                i += 1;
                continue;
            }
            let end = (i + 1..b.len())
                .find(|&j| !is_ascii_ws(b[j]))
                .unwrap_or(b.len());
            if end - i > 1 || b[i] != b' ' || end == b.len() {
                out.push_str(&s[start..i]);
                if end < b.len() {
                    out.push(' ');
                }
                start = end;
            }
            i = end;
        }
        out.push_str(&s[start..]);
        return out;
    }
    for word in s.split(is_ws).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// [`collapse_ws`] of an ASCII text without vertical tab or form feed, into `out`. Only the
/// spots where the white space changes are visited: a tab, line break or CR, or two spaces in
/// a row (vectorised searches find them); the runs between them, words with their single
/// spaces, are copied as they stand. A byte loop cost several times as much on summaries of
/// thousands of bytes.
fn collapse_ascii_ws(s: &str, out: &mut String) {
    static TWO_SPACES: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("  "));
    let b = s.as_bytes();
    let Some(first) = b.iter().position(|&c| !is_ascii_ws(c)) else {
        return;
    };
    let last = b
        .iter()
        .rposition(|&c| !is_ascii_ws(c))
        .map_or(first, |i| i + 1);
    let (s, b) = (&s[first..last], &b[first..last]);
    let mut breaks = memchr::memchr3_iter(b'\t', b'\n', b'\r', b);
    let mut doubles = TWO_SPACES.find_iter(b);
    let (mut br, mut db) = (breaks.next(), doubles.next());
    // `s[..copied]` is done, and `copied` is at a word (the ends are trimmed).
    let mut copied = 0;
    loop {
        while br.is_some_and(|at| at < copied) {
            br = breaks.next();
        }
        while db.is_some_and(|at| at < copied) {
            db = doubles.next();
        }
        let at = match (br, db) {
            (Some(x), Some(y)) => x.min(y),
            (Some(x), None) | (None, Some(x)) => x,
            (None, None) => break,
        };
        // The run of white space around `at`: spaces may stand before a break.
        let start = b[copied..at]
            .iter()
            .rposition(|&c| c != b' ')
            .map_or(copied, |i| copied + i + 1);
        let end = b[at..]
            .iter()
            .position(|&c| !is_ascii_ws(c))
            .map_or(b.len(), |i| at + i);
        out.push_str(&s[copied..start]);
        out.push(' ');
        copied = end;
    }
    out.push_str(&s[copied..]);
}

/// `TOKYO 00003205 002.4 OF 002` (seed), `SAN SALVAD 00000085 002 OF 004`: the post cut to
/// 10 characters, the serial padded to 8 digits, page and total. Collapsed bodies glue the
/// line to text (`RABAT 00001657 002 OF 002 French companies…`, 07RABAT1657).
static PAGE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[A-Za-z][A-Za-z .'-]{0,14}?\s+\d{5,8}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3}\b\s*")
        .unwrap()
});
/// `PAGE 02        CAPE T  00097  01 OF 03  182017Z` (90CAPETOWN97), `TO PAGE 02 …`.
static OLD_PAGE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:(?:TO|INFO)\s+)?PAGE\s+\d{2}\b").unwrap());

/// A page marker inside a line of a collapsed body (`… 28 BRASILIA 00000028 001.4 OF 003`,
/// `… RIO DE JAN 00000285 002 OF 002 HEARNE`): the serial has its full 8 digits.
static INLINE_PAGE_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+[A-Z][A-Z .'-]{0,14}?\s+\d{8}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3}\b").unwrap()
});

/// The line without page markers glued inside it.
pub fn remove_inline_page_marks(line: &str) -> std::borrow::Cow<'_, str> {
    if !has_of(line) {
        return std::borrow::Cow::Borrowed(line);
    }
    INLINE_PAGE_MARK.replace_all(line, "")
}

/// A body line without page markers: `None` for a page-break line with nothing after it, the
/// text glued after one, else the line with inline markers removed. One digit-and-` OF ` test
/// decides for both markers on the nearly every line that has none.
pub fn without_page_marks(line: &str) -> Option<std::borrow::Cow<'_, str>> {
    let of = has_of(line);
    match page_line_rest(line, of) {
        Some(rest) if is_blank(rest) => None,
        Some(rest) => Some(remove_inline_page_marks(rest)),
        None if of => Some(INLINE_PAGE_MARK.replace_all(line, "")),
        None => Some(std::borrow::Cow::Borrowed(line)),
    }
}

fn old_page_line(line: &str) -> bool {
    static PAGE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("PAGE"));
    // `PAGE`, `TO` or `INFO` opens the line after white space (a non-ASCII byte may be
    // Unicode white space: left to the regex), and `PAGE` is in it: prose opens with `The`,
    // `This`, `In` on a tenth of the body lines, and the regex's setup costs more than the scan.
    let first = line.bytes().find(|&c| !is_ascii_ws(c));
    first.is_some_and(|c| matches!(c, b'P' | b'T' | b'I') || c >= 0x80)
        && PAGE.find(line.as_bytes()).is_some()
        && OLD_PAGE_LINE.is_match(line)
}

/// If `line` is a page-break line, the text glued after it (usually empty).
pub fn strip_page_line(line: &str) -> Option<&str> {
    page_line_rest(line, has_of(line))
}

/// [`strip_page_line`], given whether `line` passed [`has_of`].
fn page_line_rest(line: &str, of: bool) -> Option<&str> {
    match of.then(|| PAGE_LINE.find(line)).flatten() {
        Some(m) => Some(&line[m.end()..]),
        None => old_page_line(line).then_some(""),
    }
}

/// Upper-case letters only: `C O N F I D E N T I A L` and `Confidential` both give
/// `CONFIDENTIAL`.
pub fn letters_upper(s: &str) -> String {
    if s.is_ascii() {
        // The same on bytes: for ASCII, `is_alphabetic` is `is_ascii_alphabetic` and
        // `to_uppercase` is `to_ascii_uppercase` (every caption line asks).
        return s
            .bytes()
            .filter(u8::is_ascii_alphabetic)
            .map(|c| char::from(c.to_ascii_uppercase()))
            .collect();
    }
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The classification a banner line names, normalised: `TOP SECRET`, `SECRET`,
/// `CONFIDENTIAL` or `UNCLASSIFIED`. Tolerates spacing and damage (`CC O N F I…`,
/// `E C R E T`, `UUNCLAS`).
pub fn banner_classification(line: &str) -> Option<&'static str> {
    // A word found at letter 0–2 ends by letter 14: the rest of the line cannot change the
    // answer, and this runs on many lines.
    let letters: String = line
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .take(16)
        .collect();
    // The word opens the line, after at most two stray letters (`CC O N F I…`, `CSE C R E T`);
    // `RUCNSE/US SECRET SERVICE` is an addressee, not a banner.
    let at = |word: &str| (0..=2).any(|i| letters.get(i..).is_some_and(|l| l.starts_with(word)));
    if at("TOPSECRET") {
        Some("TOP SECRET")
    } else if at("CONFIDENTIAL") || at("ONFIDENTIAL") {
        Some("CONFIDENTIAL")
    } else if at("UNCLAS") {
        Some("UNCLASSIFIED")
    } else if at("SECRET") || letters.starts_with("ECRET") {
        Some("SECRET")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn trim_on_bytes_as_on_chars() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "\t a\r\n",
            "\u{a0}a\u{a0}",
            " \u{200b} a \u{feff} ",
            "\u{e9}",
            " \u{e9} ",
            "a\u{2003}",
            "\x0b\x0c",
            "x \u{a0} ",
        ] {
            assert_eq!(trim(s), s.trim_matches(is_ws), "{s:?}");
            assert_eq!(trim_end(s), s.trim_end_matches(is_ws), "{s:?}");
            // `Builder::finish` takes an empty `trim_end` for a blank line.
            assert_eq!(is_blank(trim_end(s)), trim_end(s).is_empty(), "{s:?}");
        }
    }

    #[test]
    fn any_byte_at_every_position() {
        for len in 0..100 {
            let clean = vec![b'a'; len];
            assert!(!any_byte(&clean, |c| c == b'x'), "{len}");
            for at in 0..len {
                let mut one = clean.clone();
                one[at] = b'x';
                assert!(any_byte(&one, |c| c == b'x'), "{len} {at}");
            }
        }
    }

    #[test]
    fn letters_upper_on_bytes_as_on_chars() {
        for s in [
            "",
            "C O N F I D E N T I A L",
            "Corrected Copy (x1)",
            "a-b_c",
            "caf\u{e9}",
        ] {
            let chars: String = s
                .chars()
                .filter(|c| c.is_alphabetic())
                .flat_map(char::to_uppercase)
                .collect();
            assert_eq!(letters_upper(s), chars, "{s:?}");
        }
    }

    #[test]
    fn lines_as_str_lines() {
        for t in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "\r",
            "\r\n",
            "a\rb\n",
            "a\r\r\n",
            "\n\nx\n\n",
            "é\nü\r\n",
        ] {
            assert_eq!(
                lines(t).collect::<Vec<_>>(),
                t.lines().collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn may_hold_digits_as_digit_runs() {
        for t in [
            "",
            "12345",
            "1234",
            "E.O. 12958: DECL",
            "a 1234 5678",
            "x12345y",
            "1234\u{e9}",
            "\u{e9}",
            "TOKYO 003205",
        ] {
            let runs = !t.is_ascii()
                || t.as_bytes()
                    .split(|c| !c.is_ascii_digit())
                    .any(|run| run.len() >= 5);
            assert_eq!(may_hold_digits(t, 5), runs, "{t:?}");
        }
    }

    #[test]
    fn collapse_ws_on_bytes_as_on_chars() {
        for s in [
            "",
            " ",
            "a",
            " a ",
            "a b",
            "a  b",
            "a\nb",
            " a\t\tb \r\n c\x0b\x0cd  ",
            "one two three",
            "end.\n\nNext paragraph  here ",
            "\n\nlead",
            "trail\n",
            "a \n b",
            "a  \t  b   c\r\nd",
            "x\n",
            "  \n  ",
            "a b c  d \n\n e\tf  ",
            "one  two   three\x0bfour",
            "\x0c",
            "a\x0c b",
        ] {
            // Short texts take the byte loop, long ones the searches: both, on each text.
            for s in [s.to_string(), s.repeat(40)] {
                let chars = s
                    .split(is_ws)
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                assert_eq!(collapse_ws(&s), chars, "{s:?}");
                if !s.contains(['\x0b', '\x0c']) {
                    let mut out = String::new();
                    collapse_ascii_ws(&s, &mut out);
                    assert_eq!(out, chars, "{s:?}");
                }
            }
        }
    }

    use super::*;

    #[test]
    fn page_lines() {
        assert_eq!(strip_page_line("TOKYO 00003205 002.4 OF 002"), Some(""));
        assert_eq!(strip_page_line("SAN SALVAD 00000085 002 OF 004 "), Some(""));
        assert_eq!(
            strip_page_line("RABAT 00001657 002 OF 002 French companies"),
            Some("French companies")
        );
        assert_eq!(
            strip_page_line("PAGE 02        CAPE T  00097  01 OF 03  182017Z"),
            Some("")
        );
        assert_eq!(strip_page_line("the 2 OF 3 points"), None);
        assert_eq!(
            remove_inline_page_marks("(B) BRASILIA 1159 BRASILIA 00000028 001.4 OF 003"),
            "(B) BRASILIA 1159"
        );
        assert_eq!(
            remove_inline_page_marks("emissions. RIO DE JAN 00000285 002 OF 002 HEARNE"),
            "emissions. HEARNE"
        );
        assert_eq!(strip_page_line("1. (C) On 12 OF the"), None);
    }

    #[test]
    fn banners() {
        for (line, want) in [
            (
                "C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003205",
                "CONFIDENTIAL",
            ),
            ("CC O N F I D E N T I A L SAO PAULO 000104", "CONFIDENTIAL"),
            ("E C R E T SECTION 01 OF 03 BAGHDAD 000146", "SECRET"),
            ("S e c r e t section 01 of 02 nairobi 002497", "SECRET"),
            ("UUNCLAS MANAGUA 001002", "UNCLASSIFIED"),
            ("UNCLASSIFIED TEHRAN 5055", "UNCLASSIFIED"),
        ] {
            assert_eq!(banner_classification(line), Some(want), "{line}");
        }
        assert_eq!(banner_classification("SIPDIS"), None);
        assert_eq!(
            banner_classification("RUCNSE/US SECRET SERVICE WASHINGTON DC"),
            None
        );
    }
}
