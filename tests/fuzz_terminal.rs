//! Property tests for terminal safety (issue 11): whatever a cable or a file name holds,
//! nothing a terminal would obey gets through the escaping; the escaping writer (`show`)
//! agrees with the string functions however its input is split; and a control character in
//! a cable, in any of the four formats, gives a `control_characters` parse warning while the
//! stored text keeps it exactly.
//!
//! CI runs a few hundred cases. For a long run, by hand:
//! `PROPTEST_CASES=2000000 cargo test --release --test fuzz_terminal -- --nocapture`

use cable_archive::decode::{decode_bytes, CsvSources, Dialect};
use cable_archive::parse::parse;
use cable_archive::term::{escape_line, escape_text, is_control, Escaping};
use proptest::prelude::*;
use std::io::Write;
use std::path::Path;

/// Text rich in what terminals act on: ESC sequences, C1, BEL, DEL, CR, NUL, and ordinary
/// letters, accents and white space around them.
fn hostile_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("\x1b]0;title\x07".to_string()),
            Just("\x1b[2J".to_string()),
            Just("\x1b]52;c;aGVsbG8=\x07".to_string()),
            Just("\u{9b}31m".to_string()),
            Just("\u{85}".to_string()),
            Just("\r".to_string()),
            Just("\0".to_string()),
            Just("\x7f".to_string()),
            Just("\x0c".to_string()),
            Just("\u{feff}".to_string()),
            "[\\x00-\\x1f\\x7f-\\u{9f}]",
            "[ -~\u{a0}éü¶\n\t]{0,20}",
            any::<char>().prop_map(String::from),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// A control character a terminal could act on, other than the ones text keeps.
fn dangerous_in_text(c: char) -> bool {
    is_control(c) && c != '\n' && c != '\t'
}

/// Control characters the parse warning is about: line breaks, tab and form feed are text.
fn warned(c: char) -> bool {
    is_control(c) && !matches!(c, '\n' | '\r' | '\t' | '\x0c')
}

fn has_control_warning(cable: &cable_archive::model::Cable) -> bool {
    cable
        .warnings
        .iter()
        .any(|w| w.field == "control_characters")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn escaped_text_holds_no_control_character(s in hostile_text()) {
        let text = escape_text(&s);
        prop_assert!(!text.contains(dangerous_in_text), "{text:?}");
        let line = escape_line(&s);
        prop_assert!(!line.contains(is_control), "{line:?}");
        prop_assert!(!line.contains('\n'));
        // Text without control characters is left alone.
        if !s.contains(is_control) {
            prop_assert_eq!(line.as_ref(), s.as_str());
        }
        if !s.contains(dangerous_in_text) {
            prop_assert_eq!(text.as_ref(), s.as_str());
        }
    }

    #[test]
    fn the_escaping_writer_agrees_however_the_bytes_are_split(
        s in hostile_text(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6),
    ) {
        let bytes = s.as_bytes();
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        at.push(0);
        at.push(bytes.len());
        at.sort_unstable();
        let mut out = Vec::new();
        {
            let mut w = Escaping::new(&mut out);
            for pair in at.windows(2) {
                w.write_all(&bytes[pair[0]..pair[1]]).unwrap();
            }
        }
        prop_assert_eq!(String::from_utf8(out).unwrap(), escape_text(&s).into_owned());
    }

    #[test]
    fn control_characters_in_any_format_are_warned_about_and_stored_exactly(
        inserted in hostile_text(),
    ) {
        // Keep the telegram's own lines intact: the inserted text goes into paragraph 1.
        let body = format!("SUBJECT: TEST\nTAGS: PREL\n\n1. (C) Before {inserted} after.\n");
        // The warning is about the text as stored: decoding may reject a file as binary
        // (NUL, mostly control characters) or normalise it first.
        let warns = |c: &cable_archive::model::Cable| c.body.contains(warned) || c.header.contains(warned);
        if let Ok(source) = decode_bytes(body.as_bytes(), Path::new("fuzz/09FUZZ1.txt")) {
            let raw = parse(source).unwrap();
            prop_assert_eq!(has_control_warning(&raw), warns(&raw), "raw {:?}", raw.warnings);
        }

        let page = format!("Identifier\nCreated\nClassification\nOrigin\n09FUZZ1\n2009-01-01 10:10:00\nSECRET\nEmbassy X\nCable title:\u{a0}\u{a0}\n\nT\n\nTags:\u{a0}\u{a0}\npdf\u{a0}how-to read a cable\n{body}");
        if let Ok(source) = decode_bytes(page.as_bytes(), Path::new("fuzz/p.txt")) {
            if let Ok(cable) = parse(source) {
                prop_assert_eq!(has_control_warning(&cable), warns(&cable));
            }
        }

        let html = format!("<html><table class='cable'><tr><td>09FUZZ1</td><td>2009-01-01 10:10</td><td>2009-01-01 10:10</td><td>SECRET</td><td>Embassy X</td></tr></table><code><pre>{}</pre></code></html>", body.replace('\n', "&#x000A;"));
        if let Ok(source) = decode_bytes(html.as_bytes(), Path::new("fuzz/h.html")) {
            if let Ok(cable) = parse(source) {
                prop_assert_eq!(has_control_warning(&cable), warns(&cable));
            }
        }

        let field = body.replace('\\', "\\\\").replace('"', "\\\"");
        let csv = format!("\"1\",\"01/01/2009 10:10\",\"09FUZZ1\",\"Embassy X\",\"SECRET\",\"\",\"FM AMEMBASSY X\",\"{field}\"\n");
        let mut rows = CsvSources::new(csv.as_bytes(), Path::new("fuzz/c.csv"), Dialect::Backslash);
        let source = rows.next().unwrap().unwrap();
        let cable = parse(source).unwrap();
        prop_assert_eq!(has_control_warning(&cable), warns(&cable));
        // The CSV field reaches the model as it was written, controls and all.
        if !body.contains('\r') && !body.contains('\0') {
            prop_assert_eq!(cable.body, body);
        }
    }
}
