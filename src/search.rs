//! `search`: full-text search over paragraphs with SQLite FTS5, ranked by bm25, one line per
//! cable (its best paragraph) with reference id, date, subject and a highlighted snippet.

use crate::store::FtsState;
use rusqlite::{params, Connection};
use std::io::{IsTerminal, Write};

pub struct Options {
    pub query: String,
    pub tag: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: u32,
}

/// One cable found: its best-ranked paragraph.
#[derive(Debug)]
pub struct Hit {
    pub reference_id: String,
    pub created_at: Option<String>,
    pub subject: Option<String>,
    pub paragraph_id: i64,
    pub paragraph_number: Option<i64>,
    pub rank: f64,
}

/// Best paragraph per cable, best cables first. The filters narrow the cables; FTS5 does the
/// matching and the bm25 ranking (`rank`).
const HITS: &str = "
WITH matched AS (
    SELECT rowid AS paragraph_id, rank FROM paragraphs_fts WHERE paragraphs_fts MATCH ?1
), best AS (
    SELECT p.cable_id, m.paragraph_id, p.number, m.rank,
           row_number() OVER (PARTITION BY p.cable_id ORDER BY m.rank) AS nth
    FROM matched m JOIN paragraphs p ON p.id = m.paragraph_id
)
SELECT c.reference_id, c.created_at, c.subject, b.paragraph_id, b.number, b.rank
FROM best b JOIN cables c ON c.id = b.cable_id
WHERE b.nth = 1
  AND (?2 IS NULL OR c.created_at >= ?2)
  AND (?3 IS NULL OR c.created_at < date(?3, '+1 day'))
  AND (?4 IS NULL OR EXISTS (
        SELECT 1 FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE ct.cable_id = c.id AND t.code = upper(?4)))
ORDER BY b.rank, c.reference_id
LIMIT ?5";

pub fn hits(conn: &Connection, o: &Options) -> anyhow::Result<Vec<Hit>> {
    match crate::store::fts_state(conn)? {
        FtsState::Complete => {}
        FtsState::Absent => anyhow::bail!("this archive has no search index (it was ingested with --no-fts); run `cable-archive ingest` without --no-fts to build it"),
        FtsState::Partial => anyhow::bail!("this archive's search index is incomplete (an ingest is building it, or was stopped while building it); let it finish, or run `cable-archive ingest` again"),
    }
    let mut st = conn.prepare(HITS)?;
    let rows = st
        .query_map(params![o.query, o.from, o.to, o.tag, o.limit], |r| {
            Ok(Hit {
                reference_id: r.get(0)?,
                created_at: r.get(1)?,
                subject: r.get(2)?,
                paragraph_id: r.get(3)?,
                paragraph_number: r.get(4)?,
                rank: r.get(5)?,
            })
        })
        .map_err(|e| anyhow::anyhow!("search {:?}: {e}", o.query))?;
    rows.collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("search {:?}: {e}", o.query))
}

/// The matching words of one paragraph, marked with `open`/`close`.
pub fn snippet(
    conn: &Connection,
    query: &str,
    paragraph_id: i64,
    open: &str,
    close: &str,
) -> anyhow::Result<String> {
    Ok(conn.query_row(
        "SELECT snippet(paragraphs_fts, 0, ?3, ?4, '…', 20) FROM paragraphs_fts
         WHERE paragraphs_fts MATCH ?1 AND rowid = ?2",
        params![query, paragraph_id, open, close],
        |r| r.get::<_, String>(0),
    )?)
}

pub fn run(conn: &Connection, o: &Options, out: &mut impl Write) -> anyhow::Result<usize> {
    let found = hits(conn, o)?;
    // On a terminal the cable text is escaped (crate::term) and the matches are marked with
    // private-use characters first, which become the highlight after escaping.
    let terminal = std::io::stdout().is_terminal();
    let (open, close) = if terminal {
        ("\u{e000}", "\u{e001}")
    } else {
        ("[", "]")
    };
    let shown = |s: &str| crate::term::for_stdout(s, terminal).into_owned();
    for h in &found {
        let mut snip = snippet(conn, &o.query, h.paragraph_id, open, close)?;
        if terminal {
            snip = crate::term::escape_line(&snip)
                .replace(open, "\x1b[1;33m")
                .replace(close, "\x1b[0m");
        }
        let para = h
            .paragraph_number
            .map_or_else(|| "unnumbered paragraph".to_string(), |n| format!("¶{n}"));
        writeln!(
            out,
            "{}  {}  {}",
            shown(&h.reference_id),
            shown(
                h.created_at
                    .as_deref()
                    .map_or("", |d| d.get(..10).unwrap_or(d))
            ),
            shown(h.subject.as_deref().unwrap_or("(no subject)"))
        )?;
        writeln!(
            out,
            "    {para}: {}",
            snip.split_whitespace().collect::<Vec<_>>().join(" ")
        )?;
    }
    Ok(found.len())
}
