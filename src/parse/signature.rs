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
    if let Some((before, name)) = glued_signer(last) {
        let before = before.trim_end();
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

/// `GLUED_SIGNER`'s (text, name) for `line`. The name is a suffix of the line's last run of
/// `[A-Za-z'-]`, and the greedy `^(.*…)` makes it the shortest one that matches: after a `'`
/// inside the run (`O'` / `BRIEN`), else the whole run after one of the contexts. Found so on
/// an ASCII line without `END`, in a few steps at its end; the regex (a capture over the whole
/// paragraph line) for the rest.
fn glued_signer(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let in_run = |c: u8| c.is_ascii_alphabetic() || c == b'\'' || c == b'-';
    let run = b.len() - b.iter().rev().take_while(|&&c| in_run(c)).count();
    if b.len() - run < 3 || !b[run..].iter().any(u8::is_ascii_uppercase) {
        return None;
    }
    if !line.is_ascii() || line.contains("END") || line.contains('\n') {
        let c = GLUED_SIGNER.captures(line)?;
        return Some((c.get(1)?.as_str(), c.get(2)?.as_str()));
    }
    let is_name = |n: &[u8]| match n {
        [first, rest @ ..] if first.is_ascii_uppercase() && rest.len() >= 2 => {
            rest.iter()
                .all(|&c| c.is_ascii_uppercase() || c == b'\'' || c == b'-')
                || (rest[0].is_ascii_lowercase() && rest[1..].iter().all(|&c| in_run(c)))
        }
        _ => false,
    };
    if let Some(e) = (run + 1..=b.len() - 3)
        .rev()
        .find(|&e| b[e - 1] == b'\'' && is_name(&b[e..]))
    {
        return Some((&line[..e], &line[e..]));
    }
    let before = &line[..run];
    let text = before.trim_end_matches(|c: char| matches!(c, ' ' | '\t'..='\r'));
    let spaced = text.len() < before.len();
    let last = text.bytes().last();
    let word_before_cfm = text.strip_suffix("cfm").is_some_and(|t| {
        t.bytes()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
    });
    let context = last.is_some_and(|c| b".!?)\"'*:".contains(&c) || c.is_ascii_digit())
        || (spaced && last.is_some_and(|c| c.is_ascii_lowercase()))
        || (spaced && text.ends_with("cfm") && !word_before_cfm);
    (context && is_name(&b[run..])).then(|| (before, &line[run..]))
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
mod glued_tests {
    use super::*;

    #[test]
    fn glued_signer_as_the_regex_captures() {
        for line in [
            "END TALKING POINTS. RICE",
            "the text ends here. RICE",
            "the text ends here.RICE",
            "said the minister TUTTLE",
            "said the minister Tuttle",
            "said the minister\tTuttle",
            "index. cfm Tuttle",
            "xcfm Tuttle",
            "see para 3 SMITH",
            "(reftel) JONES",
            "quote: \"HELLO\" O'BRIEN",
            "it is O'BRIEN",
            "it isO'BRIEN",
            "all done MC'K",
            "Washington DC 20520 LeBaron",
            "Washington DC LeBaron",
            "no name here.",
            "A. B",
            "ended* Smith-Jones",
            "ended? ABC-",
            "ended! Ab",
            "END COMMENT   RICE",
            "caf\u{e9} RICE",
            "done. rice",
            "done. RI",
            "  RICE",
            "RICE",
        ] {
            let want = GLUED_SIGNER
                .captures(line)
                .map(|c| (c[1].to_string(), c[2].to_string()));
            let got = glued_signer(line).map(|(a, b)| (a.to_string(), b.to_string()));
            assert_eq!(got, want, "{line:?}");
        }
    }
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
