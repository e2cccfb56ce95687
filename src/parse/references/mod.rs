//! The REF block of the opening. Labels `REF:`, `REFS:`, `REF`, `REFERENCE:`, `REFTEL`, and in
//! mixed case `Ref:`, `Refs:`, `Ref(s):`, `Reftel:`. The block runs over its continuation
//! lines, and on past blank lines when the next line is another bulleted item, a citation
//! (double-spaced cables), or the rest of an item cut by the blank line (the text ends in a
//! comma, `AND`, a dash or inside parentheses, or the next line is a bare serial). [`items`] splits the block into items and
//! [`cited`] tells what each one cites.

mod cited;
mod items;

use super::body::Body;
use super::classified_by::{self, CLASSIFIED_BY};
use super::continuation::{is_keyword_line, is_prose, Lines};
use super::text::{after_label, collapse_ws, may_start, trim};
use crate::model::Reference;

labelled!(
    pub REF,
    REF_LABEL,
    r"^(?:(?:REFS?|REF\(S\)|REFERENCES?|REFTELS?)\b\s*:?|(?i:refs?|ref\(s\)|references?|reftels?)\s*:)\s*"
);
// A line that opens an item: `A. `, `A) `, `A.) `, `A - `, `(A)`, `[A]`, `(1)`, `¶B.`.
re!(
    ITEM_START,
    r"^(?:¶\s*)?(?:\((?:[A-Z]|\d{1,2})\)|\[[A-Z]\]|[A-Z](?:\.\)|[.)]|[ ]?-)\s)"
);
// A line that opens with a citation, `[yy] POST NUMBER`, in capitals.
re!(
    CITATION_START,
    r"^(?:\d{2}|\d{4})?\s*[A-Z][A-Z']+(?:(?:\.? |[.-])[A-Z][A-Z']+){0,3}[ \t]*[:#]?[ \t]*\d{1,6}\b"
);

/// The REF block in the opening: the label's line, its continuation lines, and what follows
/// blank lines (see the module doc). Keeps the text after the label, one line per line, for
/// [`parse`].
pub fn block(ctx: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    if b.references.is_some() || !may_start(t, "ref") {
        return None;
    }
    let (_, first) = after_label(&REF_LABEL, &REF, t)?;
    let goes_on = |l: &str| !is_keyword_line(l) && !is_prose(l);
    let (mut text, mut j) = ctx.join_lines(first, i + 1, goes_on);
    while let Some(k) = ctx
        .next_non_blank(j)
        .filter(|&k| goes_on_after_blank(&text, trim(ctx.lines[k])) && goes_on(ctx.lines[k]))
    {
        (text, j) = ctx.join_lines(&(text + "\n" + trim(ctx.lines[k])), k + 1, goes_on);
    }
    // `REF: ASUNCION 396 Classified By: …` (07SANTIAGO983): the next element glued on.
    if let Some(m) = CLASSIFIED_BY.find(&text) {
        if b.classified_by.is_none() {
            classified_by::authority(&collapse_ws(&text[m.start()..]), b);
        }
        text.truncate(m.start());
    }
    b.references = Some(collapse_lines(&text));
    Some(j)
}

/// After a blank line, does the REF block go on with line `next`?
fn goes_on_after_blank(text: &str, next: &str) -> bool {
    if ITEM_START.is_match(next) {
        return true;
    }
    // `(C) SECSTATE` / (blank) / `36633` (05MADRID4026): the serial cut off by the blank.
    if next.bytes().all(|c| c.is_ascii_digit()) {
        return true;
    }
    let upper_only = !next.chars().any(|c| c.is_lowercase());
    if upper_only && next.len() <= 80 && CITATION_START.is_match(next) {
        return true;
    }
    let last = text.trim_end();
    let open = last.matches('(').count() > last.matches(')').count();
    open || last.ends_with([',', '-', ';'])
        || last
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("AND"))
}

/// White space collapsed within each line; line breaks kept (they separate items).
fn collapse_lines(text: &str) -> String {
    text.lines()
        .map(collapse_ws)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Split a REF block (the text after the label) into items.
pub fn parse(text: &str, citing_year: Option<u32>) -> Vec<Reference> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("none") {
        return Vec::new();
    }
    items::split(text)
        .into_iter()
        .filter(|(_, t)| !t.is_empty())
        .enumerate()
        .map(|(i, (bullet, text))| {
            let (kind, target) = cited::classify(&text, citing_year);
            Reference {
                position: i as u32 + 1,
                bullet,
                kind: kind.to_string(),
                target_reference_id: target,
                text,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The label found alone gives what the full pattern captures.
    #[test]
    fn label_as_the_captures() {
        crate::parse::text::assert_after_label_as_captures(
            &REF_LABEL,
            &REF,
            &[
                "REF: A. STATE 1234",
                "REFS: A) x",
                "REF(S): x",
                "REFTEL",
                "REFTELS: x",
                "REFERENCE: x",
                "Ref: Lima 1",
                "ref(s): x",
                "refs x",
                "REFERENCES ",
                "REFUGEES: x",
                "REF:\u{a0}\u{a0}x",
                "REF: a\nb",
                "x\nREF: b",
                "",
            ],
        );
    }

    fn refs(text: &str) -> Vec<(Option<String>, String, String, Option<String>)> {
        parse(text, Some(2008))
            .into_iter()
            .map(|r| (r.bullet, r.text, r.kind, r.target_reference_id))
            .collect()
    }

    fn targets(text: &str) -> Vec<Option<String>> {
        parse(text, Some(2008))
            .into_iter()
            .map(|r| r.target_reference_id)
            .collect()
    }

    #[test]
    fn bare_numbers_take_the_citing_year_and_explicit_years_win() {
        let s = |x: &str| Some(x.to_string());
        assert_eq!(targets("STATE 12345"), [s("08STATE12345")]);
        assert_eq!(targets("08 STATE 12345"), [s("08STATE12345")]);
        assert_eq!(targets("2005 STATE 165022"), [s("05STATE165022")]);
        assert_eq!(targets("STATE 12345 (07)"), [s("07STATE12345")]);
        assert_eq!(targets("MOSCOW 03242 2008"), [s("08MOSCOW3242")]);
        assert_eq!(targets("07STATE12345"), [s("07STATE12345")]);
        assert_eq!(targets("SECSTATE 4887"), [s("08STATE4887")]);
        assert_eq!(targets("THE HAGUE 12"), [s("08THEHAGUE12")]);
        assert_eq!(targets("USUN 1001"), [s("08USUNNEWYORK1001")]);
        assert_eq!(targets("E. 06 kuwait 4664"), [s("06KUWAIT4664")]);
        assert_eq!(
            targets("A. 08 KIGALI 00830--05/DEC/2008"),
            [s("08KIGALI830")]
        );
        assert_eq!(targets("BRASILIA 000440"), [s("08BRASILIA440")]);
        assert_eq!(targets("(08) SAO PAULO 581"), [s("08SAOPAULO581")]);
    }

    #[test]
    fn bullets_and_kinds() {
        let r = refs("A) STATE 135205; B) STATE 127608; C) JOHNSON-STEVENS/GODFREY E-MAIL 10/15/07; D) 07 TRIPOLI 943");
        assert_eq!(r.len(), 4);
        assert_eq!(
            r[0],
            (
                Some("A".into()),
                "STATE 135205".into(),
                "cable".into(),
                Some("08STATE135205".into())
            )
        );
        assert_eq!(r[2].2, "email");
        assert_eq!(r[3].3.as_deref(), Some("07TRIPOLI943"));
        let r = refs("A. A) BRASILIA 236 B. B) OSD REPORT OF 12 MAY");
        assert_eq!(r[0].1, "BRASILIA 236");
        assert_eq!(r[1].1, "OSD REPORT OF 12 MAY");
        assert_eq!(r[1].2, "other");
        let r = refs("(A) 08 STATE 061194 (B) 7 FAM 180");
        assert_eq!(r[0].3.as_deref(), Some("08STATE61194"));
        assert_eq!(r[1].2, "other");
        let r = refs("B. B. LAMBERT - ENGLEKEN EMAIL 21 FEB 06");
        assert_eq!(r.len(), 1);
        let r = refs("A. MADRID 881 B. MADRID 919 C. H. MITCHELL/SIMS TELCON 02/16/2010");
        assert_eq!(r[2].2, "telcon");
        assert_eq!(refs("None"), []);
        let r =
            refs("RIO DE JANEIRO 329; RIO DE JANEIRO 404; RIO DE JANEIRO 353 RIO DE JANEIRO 311");
        assert_eq!(r.len(), 4);
        assert_eq!(r[3].1, "RIO DE JANEIRO 311");
        assert_eq!(refs("STATE 1 AND STATE 2").len(), 2);
        let r = refs("TEHRAN 4887");
        assert_eq!(
            r,
            [(
                None,
                "TEHRAN 4887".into(),
                "cable".into(),
                Some("08TEHRAN4887".into())
            )]
        );
    }
}
