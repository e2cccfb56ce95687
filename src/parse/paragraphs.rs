//! Paragraphs: the body after the opening, split at numbered paragraphs (`1. (C) text`,
//! `1.  (C)`, `1.(C)`, `1)`, indented numbers, numbers without a marking), section headings
//! (a line between rules of dashes, a line above a rule, a rule glued to the heading line in
//! collapsed bodies, a short all-caps line standing alone) and rules; text without numbers
//! is split at blank lines. Each paragraph keeps its number, portion marking and the heading
//! in force.

use super::markings::portion_marking;
use super::text::{collapse_ws, is_ascii_ws, is_blank, is_ws, trim, trim_end};
use crate::model::Paragraph;

// `=====` frames or underlines a heading as dashes do (`Summary` / `=======`).
re!(RULE, r"^\s*(?:(?:-{3,}|={3,})\s*)+$");
re!(STAR_RULE, r"^\s*\*{3,}[\s*]*$");
re!(pub HEADING_BETWEEN_RULES, r"^\s*-{3,}\s*(\S.*?)\s*-{3,}\s*$");
re!(HEADING_BEFORE_RULE, r"^\s*(\S.{0,78}?)\s*-{5,}\s*$");

/// A line of dashes (`--------------`, `-------------- --------------`) or equals signs.
pub fn is_rule(line: &str) -> bool {
    // Cheap test first: this runs several times on every body line.
    // The first byte that is not ASCII white space; a non-ASCII one may be Unicode white space.
    let first = line.bytes().find(|&c| !is_ascii_ws(c));
    match first {
        Some(b'-' | b'=') if line.is_ascii() => is_ascii_rule(line.as_bytes()),
        Some(b'-' | b'=') => RULE.is_match(line),
        Some(c) if c >= 0x80 => {
            let t = line.trim_start_matches(is_ws);
            matches!(t.as_bytes().first(), Some(b'-' | b'=')) && RULE.is_match(line)
        }
        _ => false,
    }
}

/// [`RULE`] on an ASCII line, by hand (the regex's setup cost more than the test): between
/// white space, only runs of `-` or `=`, each at least three long (`-{3,}` and `={3,}` cannot
/// share a run, and a shorter run matches neither).
fn is_ascii_rule(line: &[u8]) -> bool {
    let mut runs = line
        .split(|&c| is_ascii_ws(c))
        .filter(|w| !w.is_empty())
        .peekable();
    runs.peek().is_some()
        && runs.all(|w| {
            w.chunk_by(|a, b| a == b)
                .all(|run| matches!(run[0], b'-' | b'=') && run.len() >= 3)
        })
}

/// What a line must look like for [`STAR_RULE`] to match: `*` after the leading white space
/// (a non-ASCII byte may be Unicode white space: left to the regex). One byte looked at on
/// nearly every line, where a search for `***` looked at all of them.
fn may_be_star_rule(line: &str) -> bool {
    let first = line.bytes().find(|&c| !is_ascii_ws(c));
    first.is_some_and(|c| c == b'*' || c >= 0x80)
}

/// What a line must look like for [`HEADING_BETWEEN_RULES`] or [`HEADING_BEFORE_RULE`] to
/// match: it ends in `---` before its trailing white space (`trim_end` drops all that `\s`
/// does, and more, and stops at a `-`).
fn ends_in_dashes(line: &str) -> bool {
    trim_end(line).ends_with("---")
}

/// Whether `line` opens a numbered paragraph.
pub fn is_numbered(line: &str) -> bool {
    numbered_with_style(line).is_some()
}

/// A numbered paragraph's first line: (number, portion marking as written, rest of the line,
/// the character after the number: `.` or `)`).
///
/// Hand-written rather than a regex: it runs on every body line and is the parser's hot path.
/// Grammar: up to 12 blanks, 1–2 digits, `.` or `)`, then blanks or a `(` marking.
fn numbered_with_style(line: &str) -> Option<(u32, Option<&str>, &str, char)> {
    // A U+FEFF left before `1.` by a copy is white space too (issue 11).
    let is_blank_char =
        |c: char| c == ' ' || c == '\t' || c == '\u{a0}' || crate::decode::is_zero_width(c);
    // Nearly every line opens with ASCII that is neither a blank nor a digit: no number, and
    // no char walk (this runs on every body line). Spaces and tabs are skipped on bytes; a
    // non-ASCII byte (a no-break or zero-width space) takes the char walk.
    let ascii_lead = line
        .bytes()
        .take_while(|&c| c == b' ' || c == b'\t')
        .count();
    match line.as_bytes().get(ascii_lead) {
        Some(c) if !c.is_ascii_digit() && c.is_ascii() => return None,
        None => return None,
        _ => {}
    }
    let body = line.trim_start_matches(is_blank_char);
    if line[..line.len() - body.len()].chars().count() > 12 {
        return None;
    }
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let number: u32 = body[..digits].parse().ok()?;
    let style = match body.as_bytes().get(digits)? {
        b'.' => '.',
        b')' => ')',
        _ => return None,
    };
    let after = &body[digits + 1..];
    let rest = after.trim_start_matches(is_blank_char);
    // `1.4 (B)` and `1.(C)`: after the number comes white space or a marking.
    // A lone `6.` is a number whether or not the renderer kept its trailing space
    // (09LAPAZ1784).
    if rest.len() == after.len() && !rest.starts_with('(') && !rest.is_empty() {
        return None;
    }
    if let Some((marking, text)) = portion_marking(rest) {
        return Some((number, Some(marking), text, style));
    }
    // `(U.S.)`, `(Iran)` after a number are text, not markings (09BERLIN1626).
    Some((number, None, rest, style))
}

/// A paragraph being gathered: its lines borrow the body (no copy until `finish`).
struct Builder<'a> {
    number: Option<u32>,
    marking: Option<String>,
    heading: Option<String>,
    lines: Vec<&'a str>,
}

impl Builder<'_> {
    fn finish(self) -> Option<Paragraph> {
        let mut text = String::with_capacity(self.lines.iter().map(|l| l.len() + 2).sum());
        let mut blank_pending = false;
        for l in &self.lines {
            let l = trim_end(l);
            // Without its trailing white space, a line is blank exactly when it is empty.
            if l.is_empty() {
                blank_pending = !text.is_empty();
                continue;
            }
            if !text.is_empty() {
                text.push_str(if blank_pending { "\n\n" } else { "\n" });
            }
            blank_pending = false;
            text.push_str(l);
        }
        let lead = text.len() - text.trim_start_matches(is_ws).len();
        text.drain(..lead);
        (!text.is_empty() || self.number.is_some()).then_some(Paragraph {
            number: self.number,
            marking: self.marking,
            // Filled from the marking by `parse::parse` (levels.rs).
            level: None,
            caveats: None,
            heading: self.heading,
            text,
        })
    }
}

/// What the walk asks of a line, worked out once: the headings, the separator before a number
/// and the walk itself each looked at the same line (trimmed, a rule?) up to three times.
struct Facts<'a> {
    /// [`trim`]med: empty exactly when [`is_blank`].
    trimmed: &'a str,
    rule: bool,
}

impl<'a> Facts<'a> {
    fn of(lines: &[&'a str]) -> Vec<Facts<'a>> {
        lines
            .iter()
            .map(|l| Facts {
                trimmed: trim(l),
                rule: is_rule(l),
            })
            .collect()
    }

    fn blank(&self) -> bool {
        self.trimmed.is_empty()
    }
}

/// Split the body after the opening into paragraphs. With numbered paragraphs, a paragraph
/// runs to the next numbered paragraph, heading or the signature; unnumbered text is split at
/// blank lines. `last_line` stands for the last line when a signature was cut off it.
pub fn parse<'a>(lines: &[&'a str], last_line: Option<&'a str>) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut heading: Option<String> = None;
    let mut cur: Option<Builder> = None;
    let mut prev_number: Option<u32> = None;
    let n = lines.len();
    let line_at = |i: usize| -> &'a str {
        match last_line {
            Some(l) if i + 1 == n => l,
            _ => lines[i],
        }
    };
    let facts = Facts::of(lines);
    let mut style: Option<char> = None;
    let mut i = 0;
    while i < n {
        let line = line_at(i);
        if let Some((text, used)) = heading_at(lines, &facts, i, blank_before(&facts, i)) {
            out.extend(cur.take().and_then(Builder::finish));
            heading = Some(text);
            i += used;
            continue;
        }
        // The facts are of `lines`; the last line may stand in for the line there.
        let (rule, blank) = match last_line {
            Some(l) if i + 1 == n => (is_rule(l), is_blank(l)),
            _ => (facts[i].rule, facts[i].blank()),
        };
        if rule || (may_be_star_rule(line) && STAR_RULE.is_match(line)) {
            if cur.as_ref().is_some_and(|c| c.number.is_none()) {
                out.extend(cur.take().and_then(Builder::finish));
            }
            i += 1;
            continue;
        }
        if let Some((number, marking, rest, this_style)) = numbered_with_style(line) {
            let open = cur.is_some();
            if starts_paragraph(
                &facts,
                i,
                (number, marking.is_some(), this_style),
                style,
                prev_number,
                open,
            ) {
                style.get_or_insert(this_style);
                out.extend(cur.take().and_then(Builder::finish));
                prev_number = Some(number);
                cur = Some(Builder {
                    number: Some(number),
                    marking: marking.map(str::to_uppercase),
                    heading: heading.clone(),
                    lines: vec![rest],
                });
                i += 1;
                continue;
            }
        }
        if blank {
            match &mut cur {
                Some(c) if c.number.is_some() => c.lines.push(""),
                _ => out.extend(cur.take().and_then(Builder::finish)),
            }
            i += 1;
            continue;
        }
        cur.get_or_insert_with(|| Builder {
            number: None,
            marking: None,
            heading: heading.clone(),
            lines: Vec::new(),
        })
        .lines
        .push(line);
        i += 1;
    }
    out.extend(cur.take().and_then(Builder::finish));
    out
}

/// Does the number at line `i` (number, marked?, style) start a paragraph? The first
/// paragraph sets the style (`1.` or `1)`); numbers in the other style are items inside a
/// paragraph (`1) (S/NF) …` questions, 09STATE6423). A marked number starts a paragraph; an
/// unmarked one must follow a blank line and continue the sequence (or open a section:
/// 08RIODEJANEIRO171 numbers 6 then 5 under two headings), or directly follow a sentence as
/// the next number.
fn starts_paragraph(
    facts: &[Facts],
    i: usize,
    (number, marked, this_style): (u32, bool, char),
    style: Option<char>,
    prev_number: Option<u32>,
    open: bool,
) -> bool {
    let same_style = style.is_none_or(|s| s == this_style);
    same_style
        && (marked
            || (blank_before(facts, i) && (!open || prev_number.is_none_or(|p| number > p)))
            || (ends_sentence(facts, i) && prev_number.is_some_and(|p| number == p + 1)))
}

/// Line `i` follows a blank line, a rule, or the lone `-` line with which old cables separate
/// paragraphs (90CAPETOWN97).
fn blank_before(facts: &[Facts], i: usize) -> bool {
    i == 0 || {
        let before = &facts[i - 1];
        before.blank() || before.rule || before.trimmed == "-"
    }
}

/// Unblanked bodies end a paragraph with a sentence and start the next number on the
/// following line (`…per day.` / `16. Radio, …`, 07PARIS306).
fn ends_sentence(facts: &[Facts], i: usize) -> bool {
    i > 0
        && facts[i - 1]
            .trimmed
            .ends_with(['.', ':', ';', '"', ')', '\''])
}

/// A section heading at line `i`: (heading text, lines used).
fn heading_at(
    lines: &[&str],
    facts: &[Facts],
    i: usize,
    blank_before: bool,
) -> Option<(String, usize)> {
    let line = lines[i];
    let next = facts.get(i + 1);
    let short_text = |k: usize| {
        let t = facts[k].trimmed;
        !t.is_empty() && t.len() <= 80 && !facts[k].rule && !is_numbered(lines[k])
    };
    // `----` / `Pointed Displeasure` / `----` (seed)
    if facts[i].rule {
        let (Some(_), Some(below)) = (next, facts.get(i + 2)) else {
            return None;
        };
        if short_text(i + 1) && below.rule {
            return Some((collapse_ws(lines[i + 1]), 3));
        }
        return None;
    }
    // `AKP Government Adrift` / `------` (05ANKARA1730)
    if blank_before && short_text(i) && next.is_some_and(|f| f.rule) {
        return Some((collapse_ws(line), 2));
    }
    // `------------- Comment: -------------`, `INAUGURATION LIKELY JANUARY 1 -----` (collapsed)
    if let Some(c) = ends_in_dashes(line)
        .then(|| {
            HEADING_BETWEEN_RULES
                .captures(line)
                .or_else(|| HEADING_BEFORE_RULE.captures(line))
        })
        .flatten()
    {
        let t = trim(&c[1]);
        if !t.starts_with("--") && t.len() <= 80 {
            return Some((collapse_ws(t), 1));
        }
    }
    // A short all-caps line standing alone: `OVERVIEW`, `COMMENT`, `KEY POLITICAL CRITERIA:`.
    let t = facts[i].trimmed;
    let alone = blank_before && next.is_none_or(Facts::blank);
    if alone
        && (3..=60).contains(&t.len())
        && t.chars().any(|c| c.is_alphabetic())
        && !t.chars().any(|c| c.is_lowercase())
        && t.chars().next().is_some_and(|c| c.is_alphabetic())
        && !t.ends_with(['.', ',', ';'])
        && !t.starts_with("END")
        && t.split_whitespace().count() <= 8
        && !is_numbered(line)
    {
        return Some((t.trim_end_matches(':').trim().to_string(), 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A numbered paragraph's first line: (number, marking as stored, rest of the line).
    fn numbered(line: &str) -> Option<(u32, Option<String>, &str)> {
        numbered_with_style(line).map(|(n, m, r, _)| (n, m.map(str::to_uppercase), r))
    }

    #[test]
    fn numbered_lines() {
        assert_eq!(
            numbered("1. (C) Summary. Russian"),
            Some((1, Some("C".into()), "Summary. Russian"))
        );
        assert_eq!(
            numbered("12.(S/NF) text"),
            Some((12, Some("S/NF".into()), "text"))
        );
        assert_eq!(numbered("3) (c) text"), Some((3, Some("C".into()), "text")));
        assert_eq!(numbered("4. (U.S.) said"), Some((4, None, "(U.S.) said")));
        assert_eq!(numbered("1.4 (B) (D)"), None);
        assert_eq!(numbered("2007. The"), None);
        assert_eq!(
            numbered("\u{a0} 7. (C) text"),
            Some((7, Some("C".into()), "text"))
        );
        assert_eq!(numbered("\u{feff}2. text"), Some((2, None, "text")));
        assert_eq!(numbered("\t 3.(U) x"), Some((3, Some("U".into()), "x")));
        assert_eq!(numbered(""), None);
        assert_eq!(numbered("   "), None);
    }

    /// The cheap tests before the star-rule and heading regexes never turn away a line the
    /// regexes match.
    #[test]
    fn prefilters_pass_what_the_regexes_match() {
        for line in [
            "***",
            "  *** ***",
            "\u{a0}*****",
            "\u{2003}***\u{a0}",
            "text ***",
            "**",
            "------------- Comment: -------------",
            "INAUGURATION LIKELY JANUARY 1 -----",
            "--- x ---\u{a0}",
            "--- x ---\u{2003} \t",
            "--- x ---\u{200b}",
            "\u{a0}--- Heading ---",
            "Heading ------ ",
            "--- x --",
            "x -----",
            "-----",
            "",
        ] {
            if STAR_RULE.is_match(line) {
                assert!(may_be_star_rule(line), "{line:?}");
            }
            if HEADING_BETWEEN_RULES.is_match(line) || HEADING_BEFORE_RULE.is_match(line) {
                assert!(ends_in_dashes(line), "{line:?}");
            }
        }
    }

    /// The hand-written rule test must say what the `RULE` regex says.
    #[test]
    fn ascii_rule_as_the_regex() {
        for line in [
            "---",
            "--",
            "  ------  ",
            "-------------- --------------",
            "--- --",
            "---===",
            "===",
            "==",
            "---=---",
            "----- x",
            "-----x",
            "\t=====\r",
            "--- \x0b ---\x0c",
            "- - -",
            "------==",
            "***",
            "-- -- --",
            "------------------------------------------------------------",
            "=-=-=-",
            "----=====-----",
        ] {
            assert_eq!(is_rule(line), RULE.is_match(line), "{line:?}");
            assert_eq!(
                is_ascii_rule(line.as_bytes()),
                RULE.is_match(line),
                "{line:?}"
            );
        }
    }
}
