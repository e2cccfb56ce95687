//! Levels and names to group by: the classification level of a cable and of each paragraph,
//! its caveats, and the signer as a key, read from the text as written.
//!
//! Cables spell the same thing many ways. A portion marking is `S/NF`, `S//NF`, `S/NOFORN`,
//! `S-NF`, `SNF` or `C NF`; a release marking is `REL NATO`, `REL TO PAKISTAN` or `Rel Aus`; a
//! cable's classification is `SECRET//NOFORN` on its page and `S E C R E T` in its banner;
//! one ambassador signs `STAPLETON` and `Stapleton`. Grouping or filtering on those strings
//! gives wrong answers (`marking LIKE 'S%'` also matches `SBU`, which is unclassified), so
//! this module reduces each to a closed vocabulary:
//!
//! - paragraph level: `U`, `SBU`, `C`, `S`, `TS`;
//! - paragraph caveats: `NF`, `REL <countries>`, `FGI`, `ORCON`, `FOUO`… joined by `//`;
//! - cable level: `UNCLASSIFIED`, `LIMITED OFFICIAL USE`, `CONFIDENTIAL`, `SECRET`,
//!   `TOP SECRET`, and whether the cable is NOFORN;
//! - signer key: upper case, white space collapsed, `None` for a redaction.

use super::text::collapse_ws;

/// Paragraph levels, lowest first.
pub const PARAGRAPH_LEVELS: [&str; 5] = ["U", "SBU", "C", "S", "TS"];

/// Cable levels, lowest first.
pub const CABLE_LEVELS: [&str; 5] = [
    "UNCLASSIFIED",
    "LIMITED OFFICIAL USE",
    "CONFIDENTIAL",
    "SECRET",
    "TOP SECRET",
];

/// A portion marking read: its level and its caveats (`None` when it has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portion {
    pub level: &'static str,
    pub caveats: Option<String>,
}

/// Level words a portion marking may open with, longest first so that `SBU` is not read as
/// `S` followed by `BU`, nor `SECRET` as `S` + `ECRET`.
const LEVEL_WORDS: &[(&str, &str)] = &[
    ("TOP SECRET", "TS"),
    ("UNCLASSIFIED", "U"),
    ("CONFIDENTIAL", "C"),
    ("SECRET", "S"),
    ("UNCLAS", "U"),
    // Limited Official Use, State's name for sensitive unclassified text before SBU.
    ("LOU", "SBU"),
    ("SBU", "SBU"),
    ("TS", "TS"),
    ("S", "S"),
    ("C", "C"),
    ("U", "U"),
];

/// Whole spellings no rule reads.
const SPELLINGS: &[(&str, &str, Option<&str>)] = &[
    // 09KABUL1892 ¶9, a SECRET//NOFORN cable: `(N/SF)`, the letters of S/NF transposed.
    ("N/SF", "S", Some("NF")),
];

/// A paragraph's `level` and `caveats` from its portion marking, when it has one this module
/// knows.
pub fn fill_paragraph(p: &mut crate::model::Paragraph) {
    if let Some(portion) = p.marking.as_deref().and_then(portion) {
        p.level = Some(portion.level.to_string());
        p.caveats = portion.caveats;
    }
}

/// The level and caveats of a portion marking as stored in `paragraphs.marking` (without
/// parentheses), or `None` when the text is not a marking this module knows.
pub fn portion(marking: &str) -> Option<Portion> {
    let m = collapse_ws(&marking.to_uppercase());
    if let Some((_, level, caveats)) = SPELLINGS.iter().find(|(s, _, _)| *s == m) {
        return Some(Portion {
            level,
            caveats: caveats.map(str::to_string),
        });
    }
    let (word, level) = LEVEL_WORDS.iter().find(|(w, _)| {
        m.strip_prefix(w).is_some_and(|rest| {
            // The level word ends the marking or is followed by a separator; `SNF`
            // (09TRIPOLI1025 ¶4) glues NF to the level.
            rest.is_empty() || rest.starts_with(['/', '-', ' ']) || rest == "NF"
        })
    })?;
    let rest = &m[word.len()..];
    let caveats = caveats(rest)?;
    // `U//FOUO` (DoD's For Official Use Only) is the same tier as State's Sensitive But
    // Unclassified: unclassified, but not for release. The parser reads a cable's SENSITIVE
    // caption as `UNCLASSIFIED//FOR OFFICIAL USE ONLY` for the same reason.
    let level = if *level == "U" && caveats.iter().any(|c| c == "FOUO") {
        "SBU"
    } else {
        level
    };
    Some(Portion {
        level,
        caveats: (!caveats.is_empty()).then(|| caveats.join("//")),
    })
}

/// The caveats after the level word: `/NF`, `//FGI//NF`, `-NF`, ` NF`, `/REL TO PAKISTAN`.
/// `None` when a part is not a caveat (the marking is then not read at all).
fn caveats(rest: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for part in rest.split(['/', '-']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let c = caveat(part)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Some(out)
}

/// One caveat in its short form.
fn caveat(part: &str) -> Option<String> {
    if let Some(countries) = part.strip_prefix("REL") {
        // `REL TO PAKISTAN` and `REL PAKISTAN` (both in 2009 Islamabad cables) are one
        // release; `REL TO USA, AUS` keeps its list as written.
        let countries = countries.trim();
        let countries = countries.strip_prefix("TO ").unwrap_or(countries).trim();
        return (!countries.is_empty()).then(|| format!("REL {countries}"));
    }
    Some(
        match part {
            "NF" | "NOFORN" | "NOFORN." => "NF",
            "FGI" => "FGI",
            "ORCON" | "OC" => "ORCON",
            "FOUO" => "FOUO",
            "PROPIN" | "PR" => "PROPIN",
            "NOCONTRACT" => "NOCONTRACT",
            "SI" => "SI",
            "TK" => "TK",
            "HCS" => "HCS",
            _ => return None,
        }
        .to_string(),
    )
}

/// A cable's level from its classification (`SECRET//NOFORN` → `SECRET`), or from its
/// banner when the source has no classification (`S E C R E T SECTION 01 OF 02 …`).
pub fn cable_level(classification: Option<&str>, banner: Option<&str>) -> Option<&'static str> {
    classification
        .and_then(level_of_classification)
        .or_else(|| banner.and_then(super::text::banner_classification))
}

fn level_of_classification(classification: &str) -> Option<&'static str> {
    let c = collapse_ws(&classification.to_uppercase());
    let head = c.split('/').next().unwrap_or("").trim();
    match head {
        "TOP SECRET" => Some("TOP SECRET"),
        "SECRET" => Some("SECRET"),
        "CONFIDENTIAL" => Some("CONFIDENTIAL"),
        "LIMITED OFFICIAL USE" | "LOU" => Some("LIMITED OFFICIAL USE"),
        "UNCLASSIFIED" | "UNCLAS" => Some("UNCLASSIFIED"),
        _ => None,
    }
}

/// NOFORN: in the classification's caveats (`SECRET//NOFORN`, `CONFIDENTIAL/NOFORN`) or as a
/// caption of the body (06CARACAS219 is `SECRET` on its page but says `SECRET NOFORN` under
/// its banner).
pub fn is_noforn(classification: Option<&str>, captions: &[&str]) -> bool {
    let in_classification = classification.is_some_and(|c| {
        c.to_uppercase()
            .split(['/', ' '])
            .any(|w| w == "NOFORN" || w == "NF")
    });
    in_classification || captions.contains(&"NOFORN")
}

/// The signer as a key to group by: upper case, white space collapsed, trailing dots
/// dropped; `None` for a redaction (`XXXXXXXXXXXX` in three corpus cables) or an empty name.
pub fn signer_key(signer: Option<&str>) -> Option<String> {
    let key = collapse_ws(&signer?.to_uppercase())
        .trim_end_matches(['.', ','])
        .to_string();
    let letters: String = key.chars().filter(|c| c.is_alphanumeric()).collect();
    let redacted = letters.is_empty() || letters.len() >= 3 && letters.chars().all(|c| c == 'X');
    (!redacted).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(m: &str) -> Option<(&'static str, Option<String>)> {
        portion(m).map(|p| (p.level, p.caveats))
    }

    #[test]
    fn portion_marking_spellings() {
        let some = |s: &str| Some(s.to_string());
        for (marking, level, caveats) in [
            ("C", "C", None),
            ("c", "C", None),
            (" C ", "C", None),
            ("S", "S", None),
            ("U", "U", None),
            ("SBU", "SBU", None),
            ("TS", "TS", None),
            ("LOU", "SBU", None),
            ("S/NF", "S", some("NF")),
            ("S//NF", "S", some("NF")),
            ("S/NOFORN", "S", some("NF")),
            ("S-NF", "S", some("NF")),
            ("SNF", "S", some("NF")),
            ("C NF", "C", some("NF")),
            ("C/NF", "C", some("NF")),
            ("C//NF", "C", some("NF")),
            ("SBU/NF", "SBU", some("NF")),
            ("N/SF", "S", some("NF")),
            ("U//FOUO", "SBU", some("FOUO")),
            ("S//FGI//NF", "S", some("FGI//NF")),
            ("S/REL NATO", "S", some("REL NATO")),
            ("C/Rel Aus", "C", some("REL AUS")),
            ("S/REL TO PAKISTAN", "S", some("REL PAKISTAN")),
            ("S/REL PAKISTAN", "S", some("REL PAKISTAN")),
            ("S//REL TURKEY", "S", some("REL TURKEY")),
            ("C//REL ISAF", "C", some("REL ISAF")),
            ("SBU/REL NATO", "SBU", some("REL NATO")),
            ("Secret/Rel Armenia", "S", some("REL ARMENIA")),
            ("SECRET/REL FRANCE", "S", some("REL FRANCE")),
            ("TOP SECRET//NOFORN", "TS", some("NF")),
            ("S//ORCON//NF", "S", some("ORCON//NF")),
        ] {
            assert_eq!(read(marking), Some((level, caveats)), "{marking}");
        }
        // Parenthesised words that are not markings.
        for m in [
            "Iran", "China", "U.S.", "B", "Reftel", "/Rel UK", "SBUX", "S/XYZ", "",
        ] {
            assert_eq!(read(m), None, "{m}");
        }
    }

    #[test]
    fn cable_levels_and_noforn() {
        for (classification, banner, level) in [
            (Some("SECRET//NOFORN"), None, Some("SECRET")),
            (Some("CONFIDENTIAL"), None, Some("CONFIDENTIAL")),
            (
                Some("UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
                None,
                Some("UNCLASSIFIED"),
            ),
            (
                Some("LIMITED OFFICIAL USE"),
                None,
                Some("LIMITED OFFICIAL USE"),
            ),
            (Some("TOP SECRET"), None, Some("TOP SECRET")),
            (Some("secret"), None, Some("SECRET")),
            (
                None,
                Some("S E C R E T SECTION 01 OF 02 NAIROBI 002290"),
                Some("SECRET"),
            ),
            (None, Some("UNCLAS SAO PAULO 000104"), Some("UNCLASSIFIED")),
            (None, None, None),
        ] {
            assert_eq!(
                cable_level(classification, banner),
                level,
                "{classification:?}"
            );
        }
        assert!(is_noforn(Some("SECRET//NOFORN"), &[]));
        assert!(is_noforn(Some("CONFIDENTIAL/NOFORN"), &[]));
        assert!(is_noforn(Some("SECRET"), &["SIPDIS", "NOFORN"]));
        assert!(!is_noforn(Some("SECRET"), &["SIPDIS"]));
        assert!(!is_noforn(
            Some("UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
            &["SENSITIVE"]
        ));
        assert!(!is_noforn(None, &[]));
    }

    #[test]
    fn signer_keys() {
        for (signer, key) in [
            (Some("STAPLETON"), Some("STAPLETON")),
            (Some("Stapleton"), Some("STAPLETON")),
            (Some("  Thompson-Jones "), Some("THOMPSON-JONES")),
            (Some("LE  BARON"), Some("LE BARON")),
            (Some("CLINTON."), Some("CLINTON")),
            (Some("XXXXXXXXXXXX"), None),
            (Some("xxxxx"), None),
            (Some("  "), None),
            (None, None),
        ] {
            assert_eq!(signer_key(signer).as_deref(), key, "{signer:?}");
        }
    }
}
