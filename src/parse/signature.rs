//! The signature and the trailers after it. The signer is the last line's name: all caps
//! (`SCHIEFFER`, seed), capitalized (`LeBaron`, 09DOHA502), doubled or decorated
//! (`KUBISKE KUBISKE`, `CLINTON UNQUOTE CLINTON`, `MINIMIZE CONSIDERED SHANNON`, a date after
//! it), or glued to the last text line (`END TALKING POINTS. RICE`, 08STATE50524). Trailers
//! dropped first: `NNNN`, `BT`, `End Cable Text`, the SQL line (06LAPAZ3400), the archive
//! stamp (`Declassified/Released US Department of State EO Systematic Review 05 JUL 2006`,
//! 75TEHRAN2069), web-archive footers naming the cable and its classification
//! (`2004CARACA02200 - CONFIDENTIAL`, 04CARACAS2200), e-mail export lines, the posts' website
//! plug, classification lines repeated at the foot (`LIMITED OFFICIAL USE`, never a signer),
//! `NOTE BY OC/T: …` and `NOTE: NOT PASSED TO …` lines, and decoration (`NAME##`, `NAME.`).

use super::body::Body;
use super::text::{letters_upper, may_hold, trim};

re!(
    GLUED_SIGNER,
    r"^(.*(?:[.!?)\x22'”’*:0-9]\s*|\bEND\s+[A-Z ]{3,20}?\s+|\bcfm\s+|[a-z]\s+))([A-Z][A-Z'-]{2,}|[A-Z][a-z][A-Za-z'-]+)$"
);
re!(
    SIGNER_LINE,
    r"^[A-Za-z][A-Za-z'.-]*(?:[ /]+[A-Za-z][A-Za-z'.-]*){0,3}$"
);
re!(
    TRAILER,
    r"(?i)^(?:NNNN|BT|#|End Cable Text|SELECT \* FROM|Declassified/Released|Systematic Review|\d{4}[A-Z]+\d+ - [A-Z]|Track impresi|NOTE BY OC/?T\b|NOTE:\s*NOT PASSED)"
);
// The posts' website plug after the signature: `"Visit Ankara's Classified Web Site at
// http://www.intelink.s` / `gov.gov/wiki/Portal:Turkey"` (09ANKARA1472).
re!(
    WEBSITE_PLUG,
    r#"(?i)^(?:["“]?\s*Visit\s.*Classified\s+Web\s*Site|\S*gov\.gov/\S*["”]?$)"#
);

// An e-mail export line, anywhere in the line (kept apart from `TRAILER`, whose labels open
// the line, so that a paragraph line is not scanned to its end for it).
re!(FROM_INBOX, r"(?i)From DB/Inbox");

/// Words that end prose, never a signature.
const NOT_NAMES: &[&str] = &[
    "END",
    "COMMENT",
    "SUMMARY",
    "NOTE",
    "TEXT",
    "QUOTE",
    "CABLE",
    "SIPDIS",
    "NOFORN",
    "BT",
    "NNNN",
    "THANKS",
    "REGARDS",
    "CONFIDENTIAL",
    "SECRET",
    "UNCLASSIFIED",
    "UNCLAS",
    "STATE",
    "LIMITED",
    "OFFICIAL",
];

/// Drop trailers and find the signature at the end of the body. Removes both from `lines`;
/// returns the last text line with a glued signature cut off, when there was one.
pub fn parse(lines: &mut Vec<&str>, b: &mut Body) -> Option<String> {
    drop_trailers(lines);
    let last = trim(lines.last()?);
    let last = last.strip_suffix(" .").unwrap_or(last).trim_end();
    // `DANILOVICH 2005-05-06`, `SOBEL 2008-01-08`: a date after the name; `NAME##`.
    let last = last
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '/' || c == '#')
        .trim_end();
    let candidate = last
        .strip_prefix("MINIMIZE CONSIDERED")
        .map_or(last, |s| s.trim());
    let n = lines.len();
    let after_sentence = n < 2 || trim(lines[n - 2]).is_empty() || ends_sentence(lines[n - 2]);
    if let Some(name) = signer_line(candidate, after_sentence) {
        b.signer = Some(name);
        lines.pop();
        return None;
    }
    if let Some(c) = may_end_in_name(last)
        .then(|| GLUED_SIGNER.captures(last))
        .flatten()
    {
        let name = &c[2];
        let before = c[1].trim_end();
        // After a lower-case word only an all-caps name is a signature (`… Portal:Unit
        // ed_Kingdom TUTTLE`), except the London website plug's `…index. cfm Tuttle`.
        let after_word = before.ends_with(|ch: char| ch.is_lowercase());
        let plausible =
            !after_word || before.ends_with("cfm") || name.chars().all(|ch| !ch.is_lowercase());
        if plausible && !NOT_NAMES.contains(&name.to_uppercase().as_str()) {
            b.signer = Some(name.to_string());
            // The caller reads the last line as this text; the line stays in place.
            return Some(before.to_string());
        }
    }
    None
}

/// Whether `GLUED_SIGNER` can match `line`: its name is a suffix of the line's last run of
/// `[A-Za-z'-]` that starts with a capital and has three characters or more. A test on a few
/// bytes before a capture over a whole paragraph line.
fn may_end_in_name(line: &str) -> bool {
    let run = line
        .bytes()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic() || matches!(c, b'\'' | b'-'));
    let (mut len, mut capital) = (0, false);
    for c in run {
        len += 1;
        capital |= c.is_ascii_uppercase();
    }
    len >= 3 && capital
}

/// Whether `TRAILER` can match `t`: its labels open the line (N, B, #, E, S, D, T or a
/// digit, in either case). Non-ASCII text is left to the regex (case folding: `ſ` is an `s`).
fn may_be_trailer(t: &str) -> bool {
    !t.is_ascii()
        || t.bytes().next().is_some_and(|c| {
            matches!(
                c.to_ascii_uppercase(),
                b'N' | b'B' | b'#' | b'E' | b'S' | b'D' | b'T'
            ) || c.is_ascii_digit()
        })
}

/// Whether `WEBSITE_PLUG` can match `t` (see [`may_be_trailer`]).
fn may_be_plug(t: &str) -> bool {
    may_hold(t, "visit") || may_hold(t, "gov.gov/")
}

/// Pops what follows the signature: blank lines, trailers, the website plug, classification
/// lines, archive footers, stray full stops.
fn drop_trailers(lines: &mut Vec<&str>) {
    while let Some(last) = lines.last() {
        let t = trim(last);
        // A plug line that ends in a plain word keeps it: `…index. cfm Tuttle` (08LONDON639).
        let ends_in_name = t
            .rsplit(char::is_whitespace)
            .next()
            .is_some_and(|w| w.chars().all(|c| c.is_alphabetic()));
        if t.is_empty()
            || (may_be_trailer(t) && TRAILER.is_match(t))
            || (may_hold(t, "from db/inbox") && FROM_INBOX.is_match(t))
            || (may_be_plug(t) && WEBSITE_PLUG.is_match(t) && !ends_in_name)
            || is_classification_line(t)
            || is_archive_footer(t)
        {
            lines.pop();
        } else {
            break;
        }
    }
    // `MURRAY .`, `LA LIME` and a lone `.` line after the name: stray full stops.
    while lines.last().is_some_and(|l| trim(l) == ".") {
        lines.pop();
    }
}

fn ends_sentence(line: &str) -> bool {
    trim(line).ends_with(['.', '!', '?', '"', ')', ':', '\''])
}

/// A line that is only a name: one to three words, no word that ends prose. A single
/// all-caps word may carry a full stop (`MCKINLEY.`) when the line before ended a sentence
/// (`… BRIDGETOWN APPRECIATES TRINIDAD'S` / `ASSISTANCE.` is prose, 06BRIDGETOWN2164); a
/// longer line may not (`END COMMENT.`).
fn signer_line(candidate: &str, after_sentence: bool) -> Option<String> {
    if candidate.len() > 40 || !SIGNER_LINE.is_match(candidate) {
        return None;
    }
    let words: Vec<&str> = candidate.split_whitespace().collect();
    let bare = candidate.strip_suffix('.').unwrap_or(candidate);
    let one_capitalised_word = after_sentence
        && words.len() == 1
        && bare.len() >= 3
        && bare
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '\'' || c == '-');
    let is_name = !words.is_empty()
        && words.len() <= 3
        && words
            .iter()
            .all(|w| !NOT_NAMES.contains(&w.to_uppercase().as_str()) || *w == "UNQUOTE")
        && !NOT_NAMES.contains(&bare)
        && (!candidate.ends_with('.') || one_capitalised_word);
    is_name.then(|| {
        signer_name(
            &words
                .iter()
                .map(|w| w.trim_end_matches('.'))
                .collect::<Vec<_>>(),
        )
    })
}

/// A classification written after the signature, alone or with its caveats, spaced out or
/// not: `CONFIDENTIAL`, `C O N F I D E N T I A L`, `LIMITED OFFICIAL USE`, `SECRET NOFORN`
/// (older cables repeat the banner at the foot of each page).
fn is_classification_line(t: &str) -> bool {
    if t.len() > 60 {
        return false;
    }
    let letters = letters_upper(t);
    let Some(mut rest) = [
        "TOPSECRET",
        "SECRET",
        "CONFIDENTIAL",
        "UNCLASSIFIED",
        "UNCLAS",
        "LIMITEDOFFICIALUSE",
        "SENSITIVEBUTUNCLASSIFIED",
    ]
    .iter()
    .find_map(|c| letters.strip_prefix(c)) else {
        return false;
    };
    while !rest.is_empty() {
        match [
            "NOFORN",
            "SIPDIS",
            "SENSITIVE",
            "NODIS",
            "EXDIS",
            "LIMDIS",
            "SECTION",
            "OF",
        ]
        .iter()
        .find_map(|w| rest.strip_prefix(w))
        {
            Some(r) => rest = r,
            None => return false,
        }
    }
    true
}

/// A web-archive footer naming the cable and its classification: `08LIMA1234 -
/// CONFIDENTIAL`, `Reference id: 08LIMA1234 Classification: CONFIDENTIAL`.
fn is_archive_footer(t: &str) -> bool {
    t.len() <= 120
        && t.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.len() >= 6 && crate::parse::is_reference_id(w))
        && [
            "CONFIDENTIAL",
            "SECRET",
            "UNCLASSIFIED",
            "LIMITED OFFICIAL USE",
        ]
        .iter()
        .any(|c| t.to_uppercase().contains(c))
}

/// `KUBISKE KUBISKE`, `SHANNON Shannon`, `CLINTON UNQUOTE CLINTON` name one person.
fn signer_name(words: &[&str]) -> String {
    let names: Vec<&str> = words.iter().copied().filter(|w| *w != "UNQUOTE").collect();
    if names.len() == 2 && names[0].eq_ignore_ascii_case(names[1]) {
        return names[0].to_string();
    }
    names.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures() {
        let mut b = Body::default();
        let mut lines = vec!["text.", "SCHIEFFER", "", "NNNN"];
        assert_eq!(parse(&mut lines, &mut b), None);
        assert_eq!(b.signer.as_deref(), Some("SCHIEFFER"));
        assert_eq!(lines, ["text."]);
        let mut b = Body::default();
        let mut lines = vec!["END TALKING POINTS. RICE"];
        assert_eq!(
            parse(&mut lines, &mut b).as_deref(),
            Some("END TALKING POINTS.")
        );
        assert_eq!(b.signer.as_deref(), Some("RICE"));
        let mut b = Body::default();
        let mut lines = vec!["the end of the talks.", "END COMMENT."];
        assert_eq!(parse(&mut lines, &mut b), None);
        assert_eq!(b.signer, None);
        let mut b = Body::default();
        let mut lines = vec!["x", "CLINTON UNQUOTE CLINTON"];
        parse(&mut lines, &mut b);
        assert_eq!(b.signer.as_deref(), Some("CLINTON"));
    }
}
