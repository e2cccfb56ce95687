//! The TAGS line (Traffic Analysis by Geography and Subject) and the kinds of its codes.
//!
//! Labels `TAGS:`, `TAGS`, `Tags:`, `TAG` (09STATE15113), anywhere on a line (`E.O. 12958:
//! DECL: 10/29/2018 TAGS: MARR …`, 08OSLO585); codes separated by spaces, commas or
//! semicolons, in any case; a person in parentheses is one tag (`OVIP (STEINBERG, JAMES B.)`,
//! 09SINGAPORE529); the list wraps onto the following lines (`… IZ ZP` / `JO, EG, RS`,
//! 07TELAVIV2652) only after a comma or onto a line of tag-shaped codes, never into prose;
//! on a flattened opening line the list ends at the next label (`Subject:`, `Ref:`,
//! `Classified By:`).
//!
//! Two-letter codes are FIPS 10-4 countries and regions; four-letter codes whose first letter
//! names a field (P political, E economic, K cross-cutting, M military, S social,
//! A administration, C consular, O operations, T technology) are subjects; well-known bodies
//! are organizations; codes with lower-case letters or several words are people or free text.

use super::body::Body;
use super::continuation::{
    is_keyword_line, Lines, INLINE_CLASSIFIED_BY, INLINE_REF, INLINE_SUBJECT,
};
use super::text::{after_label, collapse_ws, is_ws, may_hold};
use crate::model::Warning;

labelled!(
    pub TAGS,
    TAGS_LABEL,
    r"(?:^|\s)(?:TAGS?|Tags?|tags?)\b\s*:?\s*"
);

/// The TAGS line and its continuation lines; the first TAGS line in the opening counts.
pub fn line(ctx: Lines, i: usize, t: &str, b: &mut Body) -> Option<usize> {
    if !b.tags.is_empty() {
        return None;
    }
    // Only the TAGS line passes the word test.
    let (_, first) = may_hold(t, "tag")
        .then(|| after_label(&TAGS_LABEL, &TAGS, t))
        .flatten()?;
    // A flattened opening (`E.O. 12958: DECL: … Tags: a, b Subject: text`) ends the tags at
    // the next label on the line, and the list does not go on to the next line.
    let end = [&INLINE_SUBJECT, &INLINE_REF, &INLINE_CLASSIFIED_BY]
        .iter()
        .filter_map(|re| re.find(first).map(|m| m.start()))
        .min();
    let (text, j) = match end {
        Some(end) => (first[..end].to_string(), i + 1),
        // The list goes on after a comma, or onto a line of tag-shaped codes; prose after
        // the TAGS line is not tags.
        None => ctx.join_while(first, i + 1, |text, l| {
            !is_keyword_line(l) && (text.trim_end().ends_with(',') || is_codes_line(l))
        }),
    };
    b.tags = split_tags(&text);
    if b.tags.is_empty() {
        b.warnings
            .push(Warning::new("tags", "TAGS line present but empty"));
    }
    Some(j)
}

/// A line of tag-shaped codes only: `JO, EG, RS, CH, LE, SY, IS` (07TELAVIV2652).
fn is_codes_line(line: &str) -> bool {
    line.split(|c: char| c == ',' || c == ';' || is_ws(c))
        .map(|w| w.trim_matches(|c: char| "().".contains(c)))
        .filter(|w| !w.is_empty())
        .all(|w| {
            (2..=7).contains(&w.len())
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// TAGS codes: split on commas, semicolons and white space, `().;` trimmed, upper-cased,
/// repeats dropped.
fn split_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // `OVIP (STEINBERG, JAMES B.)` (09SINGAPORE529): a person's name in parentheses is one tag.
    let mut rest = text.to_string();
    while let (Some(open), Some(close)) = (rest.find('('), rest.find(')')) {
        if close < open {
            break;
        }
        let name = collapse_ws(rest[open + 1..close].trim_end_matches(['.', ' ']));
        if name.contains(',') || name.contains(' ') {
            let name = name.to_uppercase();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        rest.replace_range(open..=close, " ");
    }
    let text = rest.as_str();
    let mut codes: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c == ';' || is_ws(c)) {
        let code = raw
            .trim_matches(|c: char| "().;:".contains(c))
            .to_uppercase();
        if !code.is_empty() && !codes.contains(&code) && !out.contains(&code) {
            codes.push(code);
        }
    }
    // Codes keep their order; a person tag follows the code it qualified (`OVIP`).
    let mut ordered = Vec::with_capacity(codes.len() + out.len());
    let persons = out;
    for code in codes {
        ordered.push(code.clone());
        if code == "OVIP" || code == "CVIS" || code == "KPAO" {
            ordered.extend(
                persons
                    .iter()
                    .filter(|p| !ordered.contains(p))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }
    for p in persons {
        if !ordered.contains(&p) {
            ordered.push(p);
        }
    }
    ordered
}

/// International bodies that appear as TAGS codes.
const ORGANIZATIONS: &[&str] = &[
    "UN", "UNSC", "UNGA", "UNHRC", "UNHCR", "UNESCO", "UNICEF", "UNDP", "UNEP", "UNMIK", "NATO",
    "EUN", "EU", "IAEA", "OPEC", "OSCE", "OAS", "ASEAN", "APEC", "AU", "WTO", "IMF", "IBRD", "WHO",
    "ICRC", "ICC", "ICTY", "ICTR", "G8", "G20", "G7", "SCO", "GCC", "CARICOM", "ECOWAS", "SADC",
    "MERCOSUR", "OECD", "ARF", "OIC", "CIS", "CE", "INTERPOL", "ISAF", "UNAMA", "UNAMI",
    "MINUSTAH", "MONUC", "UNIFIL", "IFAD", "FAO", "WFP", "ILO", "IMO", "ICAO", "WIPO", "WMO",
    "CTBTO", "OPCW", "NPT", "EFTA", "AORC", "NAM",
];

/// Programs and special subject codes that do not follow the four-letter field rule.
const PROGRAMS: &[&str] = &["PEPFAR", "MCC", "TIP", "AGOA", "SMIG"];

/// What the well-known codes stand for (State Department TAGS handbook).
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("PREL", "External Political Relations"),
    ("PGOV", "Internal Governmental Affairs"),
    ("PINR", "Intelligence"),
    ("PTER", "Terrorists and Terrorism"),
    ("PHUM", "Human Rights"),
    ("PINS", "National Security"),
    ("PARM", "Arms Controls and Disarmament"),
    ("PREF", "Refugees"),
    ("POL", "Political Affairs"),
    ("ECON", "Economic Conditions"),
    ("EFIN", "Financial and Monetary Affairs"),
    ("ETRD", "Foreign Trade"),
    ("EINV", "Foreign Investments"),
    ("ENRG", "Energy and Power"),
    ("EPET", "Petroleum and Natural Gas"),
    ("EAID", "Foreign Economic Assistance"),
    ("EAGR", "Agriculture and Forestry"),
    ("EMIN", "Minerals and Metals"),
    ("ELAB", "Labor Sites"),
    ("ECIN", "Economic Integration"),
    ("EAIR", "Civil Aviation"),
    ("EWWT", "Waterborne Transportation"),
    ("KNNP", "Nuclear Nonproliferation"),
    ("KDEM", "Democratization"),
    ("KCRM", "Criminal Activity"),
    ("KJUS", "Justice"),
    ("KPAO", "Public Affairs Office"),
    ("KISL", "Islamic Affairs"),
    ("KIRF", "International Religious Freedom"),
    ("KTIP", "Trafficking in Persons"),
    ("KWMN", "Women's Issues"),
    ("KCOR", "Corruption"),
    ("KSUM", "Summit Meetings"),
    ("KTFN", "Terrorism Financing"),
    ("KCIP", "Critical Infrastructure Protection"),
    ("KOLY", "Olympic Games"),
    ("KHLS", "Homeland Security"),
    ("KFLU", "Avian Influenza"),
    ("KPKO", "Peacekeeping Operations"),
    ("MARR", "Military and Defense Arrangements"),
    ("MOPS", "Military Operations"),
    ("MASS", "Military Assistance and Sales"),
    ("MCAP", "Military Capabilities"),
    ("MNUC", "Military Nuclear Applications"),
    ("ASEC", "Security"),
    ("AMGT", "Management Operations"),
    ("CVIS", "Visas"),
    ("CASC", "Assistance to Citizens"),
    ("OVIP", "Visits and Travel of Prominent Individuals"),
    ("OEXC", "Educational and Cultural Exchange"),
    ("OTRA", "Travel"),
    ("SNAR", "Narcotics"),
    ("SOCI", "Social Conditions"),
    ("SENV", "Environmental Affairs"),
    ("SMIG", "Migration"),
    ("TSPL", "Science and Technology Policy"),
    ("TBIO", "Biotechnology"),
    ("TSPA", "Space Activities"),
    ("TINT", "Internet Technology"),
    ("JA", "Japan"),
    ("RS", "Russia"),
    ("KN", "North Korea"),
    ("KS", "South Korea"),
    ("CH", "China"),
    ("US", "United States"),
    ("UK", "United Kingdom"),
    ("FR", "France"),
    ("GM", "Germany"),
    ("IT", "Italy"),
    ("SP", "Spain"),
    ("IR", "Iran"),
    ("IZ", "Iraq"),
    ("AF", "Afghanistan"),
    ("PK", "Pakistan"),
    ("IN", "India"),
    ("IS", "Israel"),
    ("BR", "Brazil"),
    ("MX", "Mexico"),
    ("VE", "Venezuela"),
    ("TU", "Turkey"),
    ("SY", "Syria"),
    ("LE", "Lebanon"),
    ("EG", "Egypt"),
    ("SA", "Saudi Arabia"),
    ("XA", "Africa"),
    ("XB", "South and Southeast Asia"),
    ("XC", "Far East and Oceania"),
    ("XD", "Indian Ocean"),
    ("XE", "Near East"),
    ("XF", "Middle East"),
    ("XG", "Europe"),
    ("XH", "Eastern Europe"),
    ("XL", "Caribbean"),
    ("XM", "Latin America"),
    ("XN", "North America"),
    ("XR", "Far East"),
    ("XS", "Southeast Asia"),
    ("XW", "West Africa"),
    ("XY", "Central Africa"),
    ("XZ", "Worldwide"),
    ("NATO", "North Atlantic Treaty Organization"),
    ("UNSC", "UN Security Council"),
    ("UNGA", "UN General Assembly"),
    ("EUN", "European Union"),
    ("IAEA", "International Atomic Energy Agency"),
    (
        "OSCE",
        "Organization for Security and Co-operation in Europe",
    ),
    ("OAS", "Organization of American States"),
    ("ASEAN", "Association of Southeast Asian Nations"),
    ("APEC", "Asia-Pacific Economic Cooperation"),
    ("WTO", "World Trade Organization"),
    ("IMF", "International Monetary Fund"),
];

/// The tables sorted for a binary search (every tag of every cable asks; a scan compared
/// against a hundred codes). `DESCRIPTIONS` keeps the first entry of a code, as a scan finds.
struct Sorted {
    organizations: Vec<&'static str>,
    programs: Vec<&'static str>,
    descriptions: Vec<(&'static str, &'static str)>,
}

static SORTED: std::sync::LazyLock<Sorted> = std::sync::LazyLock::new(|| {
    let sorted = |t: &[&'static str]| {
        let mut v = t.to_vec();
        v.sort_unstable();
        v
    };
    let mut descriptions = DESCRIPTIONS.to_vec();
    descriptions.sort_by(|a, b| a.0.cmp(b.0));
    descriptions.dedup_by_key(|d| d.0);
    Sorted {
        organizations: sorted(ORGANIZATIONS),
        programs: sorted(PROGRAMS),
        descriptions,
    }
});

pub fn description(code: &str) -> Option<&'static str> {
    // The table's codes are upper-case ASCII (a test says so): compare with `code` upper-cased
    // byte by byte, which is `eq_ignore_ascii_case`; non-ASCII `code` equals none of them.
    if !code.is_ascii() {
        return None;
    }
    let upper = || code.bytes().map(|b| b.to_ascii_uppercase());
    let d = &SORTED.descriptions;
    d.binary_search_by(|(c, _)| c.bytes().cmp(upper()))
        .ok()
        .map(|i| d[i].1)
}

pub fn kind(code: &str) -> &'static str {
    // Codes come upper-cased from `split_tags`: no copy then.
    let upper = if code.bytes().any(|b| b.is_ascii_lowercase() || b >= 0x80) {
        std::borrow::Cow::Owned(code.to_uppercase())
    } else {
        std::borrow::Cow::Borrowed(code)
    };
    let known = |t: &[&str]| t.binary_search(&upper.as_ref()).is_ok();
    if known(&SORTED.organizations) {
        "organization"
    } else if known(&SORTED.programs) {
        "program"
    } else if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) {
        "geographic"
    } else if code.len() == 4
        && code.chars().all(|c| c.is_ascii_alphabetic())
        && "PEKMSACOT".contains(&upper[..1])
    {
        "subject"
    } else if code.contains(',') || code.contains(' ') {
        "person"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::{kind, split_tags};

    /// The binary searches answer as the scans of the tables did.
    #[test]
    fn sorted_tables_as_the_scans() {
        use super::{description, DESCRIPTIONS, ORGANIZATIONS, PROGRAMS};
        for (code, _) in DESCRIPTIONS {
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
                "{code}"
            );
        }
        let scan_description = |code: &str| {
            DESCRIPTIONS
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(code))
                .map(|(_, d)| *d)
        };
        let scan_known = |code: &str| {
            let upper = code.to_uppercase();
            (
                ORGANIZATIONS.contains(&upper.as_str()),
                PROGRAMS.contains(&upper.as_str()),
            )
        };
        let mut codes: Vec<String> = DESCRIPTIONS
            .iter()
            .map(|d| d.0)
            .chain(ORGANIZATIONS.iter().copied())
            .chain(PROGRAMS.iter().copied())
            .flat_map(|c| {
                [
                    c.to_string(),
                    c.to_lowercase(),
                    format!("{c}X"),
                    c[1..].to_string(),
                ]
            })
            .collect();
        codes.extend(
            [
                "",
                "A",
                "ZZZZ",
                "\u{17f}MIG",
                "Pre\u{df}",
                "OVIP (SMITH, JOHN)",
                "g8",
            ]
            .map(String::from),
        );
        for c in &codes {
            assert_eq!(description(c), scan_description(c), "{c:?}");
            let (org, program) = scan_known(c);
            let k = kind(c);
            assert_eq!(k == "organization", org, "{c:?}");
            if !org {
                assert_eq!(k == "program", program, "{c:?}");
            }
        }
    }

    /// The label found alone gives what the full pattern captures.
    #[test]
    fn label_as_the_captures() {
        crate::parse::text::assert_after_label_as_captures(
            &super::TAGS_LABEL,
            &super::TAGS,
            &[
                "TAGS: PREL, PGOV",
                "TAGS PREL PGOV",
                "TAG: PREL",
                "Tags:\u{a0}\u{a0}PREL\u{a0}",
                "E.O. 12958: DECL: 10/29/2018 TAGS: MARR",
                "E.O. 12958: DECL: 10/29/2018\u{a0}TAGS: MARR",
                "STAGS: x",
                "TAGSX: x",
                "tags",
                "TAGS:",
                "x tags : y tags: z",
                "TAGS: a\nb",
                "a\nTAGS: b",
                "",
            ],
        );
    }

    #[test]
    fn tags_split_on_commas_and_spaces() {
        assert_eq!(
            split_tags("PREL PGOV ECON JA RS KN"),
            ["PREL", "PGOV", "ECON", "JA", "RS", "KN"]
        );
        assert_eq!(
            split_tags("PREL, EPET,EAID; pgov, PREL"),
            ["PREL", "EPET", "EAID", "PGOV"]
        );
        assert_eq!(
            split_tags("OVIP (STEINBERG, JAMES B.), PREL, MNUC, ECON, SN, CH,"),
            [
                "OVIP",
                "STEINBERG, JAMES B",
                "PREL",
                "MNUC",
                "ECON",
                "SN",
                "CH"
            ]
        );
    }

    #[test]
    fn kinds() {
        for (code, want) in [
            ("PREL", "subject"),
            ("KPAO", "subject"),
            ("JA", "geographic"),
            ("XA", "geographic"),
            ("UNSC", "organization"),
            ("EUN", "organization"),
            ("OBAMA, BARACK", "person"),
            ("COUNTER", "other"),
        ] {
            assert_eq!(kind(code), want, "{code}");
        }
    }
}
