//! The seed cable 08TOKYO3205 must come out exactly as the user's issue describes,
//! through the binary and the database.

mod common;
use common::*;

type RecipientRow = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);
type ParagraphRow = (Option<i64>, Option<String>, Option<String>, String);

#[test]
fn seed_cable_through_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("archive.db");
    let (code, stderr) = ingest(&db, &[&examples().join("08TOKYO3205.txt")]);
    assert_eq!(code, 0, "{stderr}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let cable: (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = conn
        .query_row(
            "SELECT reference_id, created_at, classification, origin, subject, transmission_id,
                    precedence, date_time_group, sender FROM cables",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        cable,
        (
            "08TOKYO3205".into(),
            "2008-11-19 09:42:00".into(),
            "CONFIDENTIAL".into(),
            "Embassy Tokyo".into(),
            "RUSSIA FM CRITCIZES JAPAN'S ROLE IN G8 REGARDING GEORGIA".into(),
            "VZCZCXRO6145".into(),
            "IMMEDIATE".into(),
            "190942Z NOV 08".into(),
            "AMEMBASSY TOKYO".into(),
        )
    );
    let more: (i64, String, String, String, String, String, Option<String>) = conn
        .query_row(
            "SELECT section_count, declassify_on, classified_by, classification_reasons, signer,
                    source_format, released_at FROM cables",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        more,
        (
            2,
            "2016-11-20".into(),
            "Ambassador J. Thomas Schieffer".into(),
            "1.4 (B) (D)".into(),
            "SCHIEFFER".into(),
            "page-text".into(),
            None
        )
    );

    let tags: Vec<String> = query(
        &db,
        "SELECT t.code FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id ORDER BY ct.position",
    );
    assert_eq!(tags, ["PREL", "PGOV", "ECON", "JA", "RS", "KN"]);

    let mut st = conn
        .prepare("SELECT kind, route, name, precedence, mcn FROM recipients ORDER BY position")
        .unwrap();
    let recipients: Vec<RecipientRow> = st
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(recipients.iter().filter(|r| r.0 == "to").count(), 1);
    assert_eq!(recipients.iter().filter(|r| r.0 == "info").count(), 16);
    assert_eq!(
        recipients[0],
        (
            "to".into(),
            s("RUEHC"),
            "SECSTATE WASHDC".into(),
            s("IMMEDIATE"),
            s("8958")
        )
    );
    assert_eq!(
        recipients[1],
        (
            "info".into(),
            s("RUCNMEM"),
            "EU MEMBER STATES COLLECTIVE".into(),
            s("PRIORITY"),
            None
        )
    );
    assert_eq!(
        recipients[16],
        (
            "info".into(),
            s("RUEHHE"),
            "AMEMBASSY HELSINKI".into(),
            None,
            s("0342")
        )
    );

    let markings: Vec<(String, Option<String>)> = conn
        .prepare("SELECT marking, detail FROM markings")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(markings.contains(&("SIPDIS".into(), None)), "{markings:?}");
    assert!(
        markings.contains(&("CORRECTED COPY".into(), s("ADDRESSEE ADDED"))),
        "{markings:?}"
    );

    let paragraphs: Vec<ParagraphRow> = conn
        .prepare("SELECT number, marking, heading, text FROM paragraphs ORDER BY position")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let numbers: Vec<Option<i64>> = paragraphs.iter().map(|p| p.0).collect();
    assert_eq!(numbers, (1..=9).map(Some).collect::<Vec<_>>());
    assert!(paragraphs.iter().all(|p| p.1.as_deref() == Some("C")));
    let headings: Vec<Option<&str>> = paragraphs.iter().map(|p| p.2.as_deref()).collect();
    assert_eq!(
        headings,
        [
            None,
            Some("Pointed Displeasure"),
            Some("Pointed Displeasure"),
            Some("Northern Territories"),
            Some("Georgia"),
            Some("Georgia"),
            Some("Global Financial Turmoil"),
            Some("North Korea"),
            Some("2008 Summit Meetings: Medvedev Maybe; Putin Probably Not"),
        ]
    );
    let p5 = &paragraphs[4].3;
    assert_eq!(
        p5.matches("\n-- ").count() + p5.starts_with("-- ") as usize,
        3,
        "{p5}"
    );
    assert!(p5.contains("-- Moscow will obey international law."));
    let p9 = &paragraphs[8].3;
    assert!(
        p9.ends_with("visit has been put off until early 2009.)"),
        "{p9}"
    );
    assert!(!p9.contains("SCHIEFFER"));
    assert!(paragraphs.iter().all(|p| !p.3.contains("TOKYO 00003205")));

    let summary: String = one(&db, "SELECT summary FROM cables");
    assert!(
        summary.starts_with("Russian FM Lavrov leveled pointed criticisms"),
        "{summary}"
    );
    assert!(summary.ends_with("turmoil and North Korea."), "{summary}");
    let p1 = &paragraphs[0].3;
    let between = p1
        .strip_prefix("Summary.")
        .and_then(|t| t.strip_suffix("End Summary."))
        .expect("paragraph 1 runs from Summary. to End Summary.");
    assert_eq!(
        between.split_whitespace().collect::<Vec<_>>().join(" "),
        summary
    );

    // The page-text opening appears twice in the file and once in the stored body.
    let body: String = one(&db, "SELECT body FROM cables");
    assert_eq!(body.matches("E.O. 12958: DECL: 11/20/2016").count(), 1);
    assert!(body.starts_with("C O N F I D E N T I A L SECTION 01 OF 02 TOKYO 003205"));
}
