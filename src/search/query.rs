//! What people type → an FTS5 query. FTS5 reads `S-300` as the column `S` minus `300`
//! (`no such column: 300`), stops at the dot of `U.S.` and at the apostrophe of `Mbeki's`, so
//! a word holding punctuation is passed on as the phrase its author meant (`"S-300"`: the
//! tokens `s 300` in a row, which is also what Datasette's `?_search=` does). What is
//! already FTS5 syntax stays: `"a phrase"`, `AND`/`OR`/`NOT`, `NEAR(…)`, `prefix*`, `( … )`
//! and a column filter (`heading:`, `text:`). An unbalanced quote or parenthesis is closed at
//! the end and said so.

/// A query ready for `MATCH`, with what was changed to make it one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    pub fts: String,
    /// Plain-words notes on fix-ups (an unbalanced quote closed…), for stderr.
    pub notes: Vec<String>,
}

/// A word FTS5 takes bare: letters, digits, `_`, and any non-ASCII character (FTS5's
/// "bareword"). Anything else must be quoted.
fn is_bareword(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii())
}

fn has_word_char(s: &str) -> bool {
    s.chars().any(|c| c.is_alphanumeric())
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// One word as typed, without surrounding group parentheses.
fn word(w: &str) -> Option<String> {
    if matches!(w, "AND" | "OR" | "NOT") {
        return Some(w.to_string());
    }
    let (core, prefix) = match w.strip_suffix('*') {
        Some(core) => (core, true),
        None => (w, false),
    };
    if !has_word_char(core) {
        return None;
    }
    let star = if prefix { "*" } else { "" };
    Some(if is_bareword(core) {
        format!("{core}{star}")
    } else if prefix {
        // `al-Qae*`: a phrase whose last token is a prefix.
        format!("{} *", quoted(core))
    } else {
        quoted(core)
    })
}

/// Translate a query as typed into FTS5 syntax.
pub fn translate(input: &str) -> Translated {
    let mut out: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    let mut depth = 0usize;
    // Depth at which a NEAR group opened: inside it the text is the user's FTS5 syntax.
    let mut near_at: Option<usize> = None;
    let mut rest = input.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let (phrase, next) = match after.find('"') {
                Some(end) => (&after[..end], &after[end + 1..]),
                None => {
                    notes.push(format!(
                        "the quote before {:?} was not closed; searching for the phrase to the end",
                        after.trim()
                    ));
                    (after, "")
                }
            };
            if has_word_char(phrase) {
                // A `*` right after the closing quote makes the last token a prefix.
                if let Some(n) = next.strip_prefix('*') {
                    out.push(format!("{} *", quoted(phrase)));
                    rest = n.trim_start();
                    continue;
                }
                out.push(quoted(phrase));
            }
            rest = next.trim_start();
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        let mut token = &rest[..end];
        rest = rest[end..].trim_start();
        if let Some(group) = token.strip_prefix("NEAR(") {
            out.push("NEAR(".to_string());
            depth += 1;
            near_at = Some(depth);
            token = group;
        }
        if let Some(at) = near_at {
            // Inside NEAR( … ): words, then `, N` and `)`. A word with punctuation is still a
            // phrase (`NEAR(envoy e-mail, 3)`); the comma, distance and parenthesis stay.
            let unclosed = token.trim_end_matches(')');
            let (core, distance) = match unclosed.rsplit_once(',') {
                Some((w, n)) if n.bytes().all(|b| b.is_ascii_digit()) => (w, Some(n)),
                _ => (unclosed, None),
            };
            if let Some(w) = word(core) {
                out.push(w);
            }
            if let Some(n) = distance {
                out.push(",".to_string());
                if !n.is_empty() {
                    out.push(n.to_string());
                }
            }
            for _ in unclosed.len()..token.len() {
                out.push(")".to_string());
                depth = depth.saturating_sub(1);
            }
            if depth < at {
                near_at = None;
            }
            continue;
        }
        // Group parentheses around words; those inside a word (`1.4(b)`) are the word's.
        while token.starts_with('(') && token.matches('(').count() > token.matches(')').count() {
            out.push("(".to_string());
            depth += 1;
            token = &token[1..];
        }
        let mut closing = 0;
        while depth > closing
            && token.ends_with(')')
            && token.matches(')').count() > token.matches('(').count()
        {
            closing += 1;
            token = &token[..token.len() - 1];
        }
        // `heading:Lavrov` restricts a word to a column.
        let (column, token) = match token.split_once(':') {
            Some((c, w)) if matches!(c, "text" | "heading") && !w.is_empty() => (Some(c), w),
            _ => (None, token),
        };
        if let Some(w) = word(token) {
            out.push(match column {
                Some(c) => format!("{c} : {w}"),
                None => w,
            });
        }
        for _ in 0..closing {
            out.push(")".to_string());
            depth -= 1;
        }
    }
    if depth > 0 {
        notes.push(format!(
            "{depth} parenthes{} not closed; closed at the end",
            if depth == 1 { "is was" } else { "es were" }
        ));
        out.extend(std::iter::repeat_n(")".to_string(), depth));
    }
    Translated {
        fts: out
            .join(" ")
            .replace("( ", "(")
            .replace(" )", ")")
            .replace(" ,", ","),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_people_type() {
        for (typed, fts) in [
            ("Lavrov", "Lavrov"),
            ("Lavrov Medvedev", "Lavrov Medvedev"),
            ("S-300", "\"S-300\""),
            ("U.S.", "\"U.S.\""),
            ("al-Qaeda", "\"al-Qaeda\""),
            ("Mbeki's", "\"Mbeki's\""),
            ("1.4(b)", "\"1.4(b)\""),
            ("10,000", "\"10,000\""),
            ("e-mail", "\"e-mail\""),
            ("Lavrov,", "\"Lavrov,\""),
            ("S-300 Iran", "\"S-300\" Iran"),
            ("Medvedev – Putin", "Medvedev Putin"),
            ("Ahmadinejad's", "\"Ahmadinejad's\""),
            ("Zürich", "Zürich"),
            ("sea & wall", "sea wall"),
        ] {
            assert_eq!(translate(typed).fts, fts, "{typed}");
            assert!(translate(typed).notes.is_empty(), "{typed}");
        }
    }

    #[test]
    fn explicit_syntax_stays() {
        for (typed, fts) in [
            ("\"sea wall\"", "\"sea wall\""),
            (
                "\"northern territories\" Lavrov",
                "\"northern territories\" Lavrov",
            ),
            ("sea OR wall", "sea OR wall"),
            ("Iran NOT nuclear", "Iran NOT nuclear"),
            ("nuclear AND reactor", "nuclear AND reactor"),
            ("NEAR(Lavrov Rice, 10)", "NEAR(Lavrov Rice, 10)"),
            ("NEAR(Lavrov Rice) Iran", "NEAR(Lavrov Rice) Iran"),
            ("NEAR(envoy e-mail, 3)", "NEAR(envoy \"e-mail\", 3)"),
            ("NEAR(envoy e-mail,3)", "NEAR(envoy \"e-mail\", 3)"),
            ("negotiat*", "negotiat*"),
            ("al-Qae*", "\"al-Qae\" *"),
            ("\"sea wa\"*", "\"sea wa\" *"),
            ("(Iran OR Syria) nuclear", "(Iran OR Syria) nuclear"),
            (
                "((Iran OR Syria) AND S-300)",
                "((Iran OR Syria) AND \"S-300\")",
            ),
            ("heading:Lavrov", "heading : Lavrov"),
            ("text:S-300", "text : \"S-300\""),
            ("\"U.S. policy\"", "\"U.S. policy\""),
        ] {
            let t = translate(typed);
            assert_eq!(t.fts, fts, "{typed}");
            assert!(t.notes.is_empty(), "{typed}: {:?}", t.notes);
        }
    }

    #[test]
    fn unbalanced_input_is_closed_and_said_so() {
        let t = translate("\"northern territories");
        assert_eq!(t.fts, "\"northern territories\"");
        assert_eq!(
            t.notes,
            ["the quote before \"northern territories\" was not closed; searching for the phrase to the end"]
        );
        let t = translate("(Iran OR Syria");
        assert_eq!(t.fts, "(Iran OR Syria)");
        assert_eq!(t.notes, ["1 parenthesis was not closed; closed at the end"]);
        // A stray closing parenthesis outside a group is part of a word, i.e. dropped.
        assert_eq!(translate("Iran)").fts, "\"Iran)\"");
        assert_eq!(translate("\"").fts, "");
    }
}
