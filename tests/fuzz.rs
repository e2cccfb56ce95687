//! Fuzzing decode + parse with proptest: arbitrary bytes, and text assembled from the
//! telegram's own vocabulary (banners, TAGS, SUBJECT, REF, numbered paragraphs, page-break
//! lines, rules, signatures) so the search reaches deep into the grammar. The parser must
//! never panic and must return.
//!
//! A third property (issue 11) checks that decoding is uniform: the same telegram with a
//! byte-order mark, CRLF or lone-CR line endings, as UTF-16 with a BOM, or with zero-width
//! characters, in raw, page-text and HTML form, is the same version (identity hash) with the
//! same parsed rows; a NUL byte never cuts the text.
//!
//! CI runs a few hundred cases. For a long run, by hand:
//! `PROPTEST_CASES=2000000 cargo test --release --test fuzz -- --nocapture`

use cable_archive::decode::decode_bytes;
use cable_archive::parse::parse;
use proptest::prelude::*;
use std::path::Path;

fn run(bytes: &[u8]) {
    if let Ok(source) = decode_bytes(bytes, Path::new("fuzz/09FUZZ1.txt")) {
        let _ = parse(source);
    }
}

/// Lines a cable is made of, and their near misses.
fn telegram_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("VZCZCXRO6145".to_string()),
        Just("O 190942Z NOV 08 ZDS".to_string()),
        Just("FM AMEMBASSY TOKYO".to_string()),
        Just("TO RUEHC/SECSTATE WASHDC IMMEDIATE 8958".to_string()),
        Just("INFO RUCNMEM/EU MEMBER STATES COLLECTIVE PRIORITY".to_string()),
        Just("(EXCLUDING AMEMBASSY PARIS) IMMEDIATE".to_string()),
        Just("C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003205".to_string()),
        Just("E.O. 12958: DECL: 11/20/2016".to_string()),
        Just("E.O. 12958: DECL: 99/99/9999".to_string()),
        Just("TAGS: PREL PGOV OVIP (STEINBERG, JAMES B.), JA".to_string()),
        Just("SUBJECT: (C) RUSSIA FM CRITCIZES JAPAN'S ROLE REF: A. STATE 1".to_string()),
        Just("REF: A. 08 STATE 12345 B) (08) SAO PAULO 581; C. E-MAIL".to_string()),
        Just("Classified By: Ambassador J. Thomas Schieffer. Reasons 1.4 (B) (D)".to_string()),
        Just("1. (C) Summary. Text. End Summary.".to_string()),
        Just("12.(S//NF) text".to_string()),
        Just("3. C) text".to_string()),
        Just("6.".to_string()),
        Just("TOKYO 00003205 002.4 OF 002".to_string()),
        Just("PAGE 02 RUEHFRA2440 C O N F I D E N T I A L".to_string()),
        Just("--------------".to_string()),
        Just("HEADING --------".to_string()),
        Just("SIPDIS".to_string()),
        Just("SCHIEFFER".to_string()),
        Just("END TALKING POINTS. RICE".to_string()),
        Just("NNNN".to_string()),
        Just("Identifier".to_string()),
        Just("<pre>".to_string()),
        Just(String::new()),
        "[ -~\u{a0}¶)]{0,120}",
        "[0-9(). A-Z/-]{0,40}",
    ]
}

/// The parsed cable as JSON, without what may differ between copies of one text: the
/// published header and body (as written), warnings (the copy's repairs) and the source.
fn rows_of(bytes: &[u8]) -> Option<serde_json::Value> {
    let source = decode_bytes(bytes, Path::new("fuzz/09FUZZ1.txt")).ok()?;
    let mut v = serde_json::to_value(parse(source).ok()?).unwrap();
    for key in ["header", "body", "warnings", "source_path"] {
        v.as_object_mut().unwrap().remove(key);
    }
    Some(v)
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    [0xffu8, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
        run(&bytes);
    }

    #[test]
    fn telegram_like_text_never_panics(lines in proptest::collection::vec(telegram_line(), 0..120)) {
        run(lines.join("\n").as_bytes());
        // The same lines as a page-text page and as an HTML page.
        let page = format!("Identifier\nCreated\nClassification\nOrigin\n09FUZZ1\n2009-01-01 10:10:00\nSECRET\nEmbassy X\nCable title:\u{a0}\u{a0}\n\nT\n\nTags:\u{a0}\u{a0}\npdf\u{a0}how-to read a cable\n{}", lines.join("\n"));
        run(page.as_bytes());
        let html = format!("<html><table class='cable'><tr><td>09FUZZ1</td><td>x</td><td>y</td><td>S</td><td>E</td></tr></table><code><pre>{}</pre></code></html>", lines.join("&#x000A;"));
        run(html.as_bytes());
    }

    #[test]
    fn every_copy_of_a_text_is_the_same_version(lines in proptest::collection::vec(telegram_line(), 1..80)) {
        let text = lines.join("\n");
        let page = format!("Identifier\nCreated\nClassification\nOrigin\n09FUZZ1\n2009-01-01 10:10:00\nSECRET\nEmbassy X\nCable title:\u{a0}\u{a0}\n\nT\n\nTags:\u{a0}\u{a0}\npdf\u{a0}how-to read a cable\n{text}");
        for original in [text.clone(), page] {
            let want = rows_of(original.as_bytes());
            let copies: Vec<(&str, Vec<u8>)> = vec![
                ("bom", [b"\xef\xbb\xbf".as_slice(), original.as_bytes()].concat()),
                ("crlf", original.replace('\n', "\r\n").into_bytes()),
                ("cr", original.replace('\n', "\r").into_bytes()),
                ("utf-16", utf16le_with_bom(&original)),
            ];
            for (name, bytes) in copies {
                prop_assert_eq!(&rows_of(&bytes), &want, "{}", name);
            }
        }
        // A NUL byte is replaced, never an end: the text after it is still there.
        let with_nul = format!("{text}\0after the NUL");
        if let Ok(source) = decode_bytes(with_nul.as_bytes(), Path::new("fuzz/09FUZZ1.txt")) {
            let kept = source.body.ends_with("\u{fffd}after the NUL");
            prop_assert!(kept, "{:?}", source.body);
        }
    }
}
