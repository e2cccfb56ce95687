//! Tag kinds for TAGS codes (Traffic Analysis by Geography and Subject).
//!
//! Two-letter codes are FIPS 10-4 countries and regions; four-letter codes whose first letter
//! names a field (P political, E economic, K cross-cutting, M military, S social,
//! A administration, C consular, O operations, T technology) are subjects; well-known bodies
//! are organizations; codes with lower-case letters or several words are people or free text.

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

pub fn kind(code: &str) -> &'static str {
    let upper = code.to_uppercase();
    if ORGANIZATIONS.contains(&upper.as_str()) {
        "organization"
    } else if PROGRAMS.contains(&upper.as_str()) {
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
    use super::kind;

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
