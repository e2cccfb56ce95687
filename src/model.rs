//! The `Cable` model: what every pipeline stage agrees on.
//!
//! `decode` fills a [`Source`] (the telegram text plus whatever metadata its format carries),
//! `parse` turns it into a [`Cable`], and `store` writes a `Cable` into rows. Each field's doc
//! says where in a cable it comes from.

use serde::Serialize;
use std::fmt;

/// The published format a cable was read from, sniffed from content, never from the extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A cable page of the 2010 Cablegate site.
    Html,
    /// The text rendering of a later cable page (`Identifier`/`Created`/... labels).
    PageText,
    /// The bare telegram: optional routing header, then the body.
    Raw,
    /// A row of the Cablegate `cables.csv` distribution.
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::PageText => "page-text",
            Format::Raw => "raw",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One telegram as a format front-end extracted it, before the telegram grammar runs.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// Reference id from the page metadata, the CSV row or the file name stem.
    pub reference_id: Option<String>,
    /// Metadata `Created`, already as `YYYY-MM-DD HH:MM:SS`.
    pub created_at: Option<String>,
    /// Metadata `Released` (HTML pages only), as `YYYY-MM-DD HH:MM:SS`.
    pub released_at: Option<String>,
    pub classification: Option<String>,
    pub origin: Option<String>,
    /// The page's title (HTML heading, page-text `Cable title:`).
    pub title: Option<String>,
    /// Routing header text, when the format separates it from the body.
    /// `None` means `body` holds the whole telegram and the grammar must split it.
    pub header: Option<String>,
    pub body: String,
    pub format: Option<Format>,
    pub source_path: String,
    /// CSV row number (1-based, counting records) for CSV sources.
    pub source_row: Option<u64>,
    /// Problems the front-end noticed but could work around (e.g. Windows-1252 text).
    pub warnings: Vec<Warning>,
}

/// A parsed cable: the rows `store` writes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cable {
    /// Canonical id such as `08TOKYO3205` (`09SECTION01OF03SANJOSE525` → `09SANJOSE525`).
    pub reference_id: String,
    /// The id as the source published it.
    pub published_id: Option<String>,
    /// Metadata `Created`; for raw telegrams, the date-time group. `YYYY-MM-DD HH:MM:SS`.
    pub created_at: Option<String>,
    /// Metadata `Released` (HTML pages only).
    pub released_at: Option<String>,
    /// Upper case as published (`SECRET//NOFORN`); for raw telegrams, from the banner.
    pub classification: Option<String>,
    /// Metadata origin (`Embassy Tokyo`); for raw telegrams, derived from the FM line.
    pub origin: Option<String>,
    /// The page title as the site published it (first subject line), when the format has one.
    pub title: Option<String>,
    /// From the body's SUBJECT line, continuation lines joined by one space.
    pub subject: Option<String>,
    /// Header family: `vzczc`, `plain`, `state-distribution`, `partial-extract`, `none`.
    pub header_kind: String,
    /// The `VZCZC…` line of an ACP-127 routing header, e.g. `VZCZCXRO6145`.
    pub transmission_id: Option<String>,
    /// First letter of the DTG line spelled out: O→IMMEDIATE, P→PRIORITY, R→ROUTINE, Z→FLASH.
    pub precedence: Option<String>,
    /// The date-time group as written, e.g. `190942Z NOV 08`.
    pub date_time_group: Option<String>,
    /// The DTG as a UTC time, `YYYY-MM-DD HH:MM:SS`.
    pub sent_at: Option<String>,
    /// From the FM line of the routing header, e.g. `AMEMBASSY TOKYO`.
    pub sender: Option<String>,
    /// The body's first line (classification banner), as published.
    pub banner: Option<String>,
    /// `SECTION 01 OF 02` in the banner → 2; 1 when absent.
    pub section_count: u32,
    /// From the E.O. line: `DECL: 11/20/2016` → `2016-11-20`.
    pub declassify_on: Option<String>,
    /// The declassification instruction when it is not a date: `OADR`, `X1`, `25X1-HUMAN`.
    pub declassify_raw: Option<String>,
    /// From `Classified By:` up to the reason keyword, e.g. `Ambassador J. Thomas Schieffer`.
    pub classified_by: Option<String>,
    /// The reasons after `Classified By`, e.g. `1.4 (B) (D)`.
    pub classification_reasons: Option<String>,
    /// The signing name at the end of the body, e.g. `SCHIEFFER`.
    pub signer: Option<String>,
    /// The signer to group by: upper case, white space collapsed, `None` for a redaction
    /// such as `XXXXXXXXXXXX` (`parse::levels::signer_key`).
    pub signer_key: Option<String>,
    /// The level of `classification` (`SECRET//NOFORN` → `SECRET`), else of the banner:
    /// `UNCLASSIFIED`, `LIMITED OFFICIAL USE`, `CONFIDENTIAL`, `SECRET` or `TOP SECRET`.
    pub classification_level: Option<String>,
    /// NOFORN in the classification's caveats or as a caption under the banner.
    pub noforn: bool,
    /// Text between `Summary` and `End Summary`, white space collapsed.
    pub summary: Option<String>,
    /// Routing header text as published.
    pub header: String,
    /// Body text as published (the page-text duplicate opening stored once).
    pub body: String,
    pub source_path: String,
    pub source_format: Format,
    pub source_row: Option<u64>,
    /// SHA-256 over the metadata, header and body: the identity of this version of the cable.
    pub content_sha256: String,
    pub recipients: Vec<Recipient>,
    pub tags: Vec<Tag>,
    pub paragraphs: Vec<Paragraph>,
    pub markings: Vec<Marking>,
    /// Items of the REF block.
    pub references: Vec<Reference>,
    /// What the parser could not read; stored in `parse_warnings`.
    pub warnings: Vec<Warning>,
}

/// A field the parser expected in a cable of this kind but could not read.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Warning {
    /// The field: `subject`, `tags`, `header`, `banner`, `declassify_on`, `encoding`…
    pub field: String,
    pub message: String,
}

impl Warning {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Warning {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// One item of the REF block.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reference {
    /// 1-based order in the REF block.
    pub position: u32,
    /// `A`, `B`… when the item has a bullet (`A.`, `(A)`, `A)`).
    pub bullet: Option<String>,
    /// The item as written.
    pub text: String,
    /// `cable`, `email`, `memcon`, `telcon` or `other`.
    pub kind: String,
    /// For cables: the cited cable's canonical id, e.g. `08STATE12345`.
    pub target_reference_id: Option<String>,
}

/// One addressee line under TO, INFO or XMT in the routing header.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Recipient {
    /// `to`, `info` or `xmt` (excluded from a collective).
    pub kind: String,
    /// Routing indicator before the slash, e.g. `RUEHC`; `None` for plain-language lines.
    pub route: Option<String>,
    /// Addressee, e.g. `SECSTATE WASHDC`.
    pub name: String,
    /// `IMMEDIATE`, `PRIORITY`, `NIACT IMMEDIATE`, `ROUTINE`, `FLASH`; `None` when absent.
    pub precedence: Option<String>,
    /// Message control number (serial) as text, e.g. `8958` or `2276-2279`.
    pub mcn: Option<String>,
}

/// One code of the body's TAGS line.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tag {
    /// Upper-cased code, e.g. `PREL`; a person tag whole, e.g. `STEINBERG, JAMES B.`.
    pub code: String,
    /// `subject`, `geographic`, `organization`, `program`, `person` or `other`.
    pub kind: String,
    /// What a well-known code stands for, e.g. `External Political Relations`.
    pub description: Option<String>,
}

/// A paragraph of the body after the opening.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Paragraph {
    /// The paragraph's own number (`5` for `5. (C) ...`); `None` for unnumbered text.
    pub number: Option<u32>,
    /// Portion marking without parentheses, as written: `C`, `S/NF`, `SBU`…
    pub marking: Option<String>,
    /// The marking's level: `U`, `SBU`, `C`, `S` or `TS` (`S/NOFORN` → `S`, `U//FOUO` → `SBU`);
    /// `None` for an unmarked paragraph.
    pub level: Option<String>,
    /// The marking's caveats in short form, joined by `//`: `NF`, `REL NATO`, `FGI//NF`.
    pub caveats: Option<String>,
    /// The nearest section heading above the paragraph.
    pub heading: Option<String>,
    /// Text without the number and marking; page-break lines removed.
    pub text: String,
}

/// A cable-level handling or dissemination marking.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Marking {
    /// `SIPDIS`, `NOFORN`, `CORRECTED COPY`, `PASS`, `DISTRIBUTION`…
    pub marking: String,
    /// Detail such as the correction reason (`ADDRESSEE ADDED`) or the pass line.
    pub detail: Option<String>,
    /// Where it was found: `caption` (body opening), `classification` (metadata), `header`.
    pub place: String,
}
