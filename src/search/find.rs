//! Running a search on the archive. bm25 scores every match before a limit applies, so
//! ranking costs as much as the match set is large (`U.S.`: 486,258 matching paragraphs,
//! 2.1 s on the full archive). The matches are first counted up to [`RANK_MAX`] (`sql/read/search_count.sql`,
//! a few ms since FTS5 streams them):
//!
//! - at most [`RANK_MAX`]: every matching cable ranked, best first, counted exactly
//!   (`search.sql`);
//! - more: the cables in the order the archive received their text, latest first, counted
//!   up to [`COUNT_MAX`] (`search_newest.sql`; within the paragraphs of a short period,
//!   `search_period.sql`), each shown with its first matching paragraph
//!   (`search_first.sql`), and a note saying so.
//!
//! Then the snippet and marked heading of each paragraph shown (`search_snippet.sql`).

use super::{Found, Hit, Plan, Total};
use crate::read::ReadError;
use crate::store::FtsState;
use rusqlite::{named_params, Connection, Row, ToSql};

const COUNT: &str = include_str!("../../sql/read/search_count.sql");
const RANKED: &str = include_str!("../../sql/read/search.sql");
const NEWEST: &str = include_str!("../../sql/read/search_newest.sql");
const FIRST: &str = include_str!("../../sql/read/search_first.sql");
const PERIOD: &str = include_str!("../../sql/read/search_period.sql");
const FILTER: &str = include_str!("../../sql/read/search_filter.sql");
const SNIPPET: &str = include_str!("../../sql/read/search_snippet.sql");

/// At most this many matching paragraphs are ranked: about 2 µs of CPU each for bm25. On the
/// full archive `al-Qaeda` (23,305 paragraphs of 12,652 cables) takes about 40 ms of CPU in
/// all; ranked, `2009` (73,739) took 335 ms and `U.S.` (486,258) 1.35 s.
pub const RANK_MAX: i64 = 25_000;

/// Unranked, matching cables are counted up to this many: `20 of more than 10,000 cables`.
pub const COUNT_MAX: i64 = 10_000;

/// Unranked with `--from`/`--to`, a period of at most this many cables bounds the paragraph
/// ids read (`search_period.sql`). Finding the bounds costs about 2 µs a cable (2005 on the
/// full archive, 16,433 cables: 30 ms), and saves reading every later match (`U.S. --from
/// 2005 --to 2005`: 823 ms without).
const PERIOD_MAX: i64 = 20_000;

/// The V7 index the statements name with INDEXED BY.
const INDEX: &str = "INDEXED BY paragraphs_search";

/// The statements as this archive can run them.
struct Statements {
    /// An archive last written before V7 lacks the index: the statements run without it,
    /// slower.
    indexed: bool,
}

impl Statements {
    fn new(conn: &Connection) -> Result<Self, ReadError> {
        let indexed = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'paragraphs_search')",
            [],
            |r| r.get(0),
        )?;
        Ok(Statements { indexed })
    }

    fn sql(&self, text: &str) -> String {
        let text = text.replace("/* search_filter.sql */", FILTER.trim_end());
        match self.indexed {
            true => text,
            false => text.replace(INDEX, ""),
        }
    }
}

/// An error of FTS5 itself is the query's fault: a usage mistake, said in plain words.
fn search_error(plan: &Plan, source: rusqlite::Error) -> ReadError {
    let message = crate::read::sqlite_message(&source);
    if message.starts_with("fts5:") || message.starts_with("no such column") {
        ReadError::usage_with_hint(
            format!("search {:?}", plan.typed),
            format!(
                "not a query FTS5 can read ({message}; searched for {})",
                plan.fts
            ),
            "words, \"a phrase\", AND, OR, NOT, NEAR(a b), prefix*, (groups), heading:word",
        )
    } else {
        ReadError::Sql {
            what: format!("search {:?}", plan.typed),
            source,
        }
    }
}

/// Run a search; snippets are marked with `open`/`close`.
pub fn find(conn: &Connection, plan: &Plan, open: &str, close: &str) -> Result<Found, ReadError> {
    match crate::store::fts_state(conn)? {
        FtsState::Complete => {}
        FtsState::Absent => return Err(ReadError::NoSearchIndex),
        FtsState::Partial => return Err(ReadError::PartialSearchIndex),
    }
    crate::read::require_levels(conn)?;
    let statements = Statements::new(conn)?;
    let fail = |e| search_error(plan, e);
    let matching: i64 = conn
        .query_row(
            COUNT,
            named_params! { ":query": plan.fts, ":cap": RANK_MAX + 1 },
            |r| r.get(0),
        )
        .map_err(fail)?;
    let mut found = if matching <= RANK_MAX {
        ranked(conn, &statements, plan)
    } else {
        newest(conn, &statements, plan)
    }
    .map_err(fail)?;
    if !statements.indexed {
        found.notes.push(
            "this archive predates the index search reads (migration V7), so searching it is slow; running `cable-archive ingest` on it once adds the index".into(),
        );
    }
    snippets(conn, plan, &mut found.hits, open, close).map_err(fail)?;
    Ok(found)
}

/// A row of `search.sql` or `search_first.sql`, its snippet still to come.
fn hit(r: &Row) -> rusqlite::Result<Hit> {
    Ok(Hit {
        reference_id: r.get("reference_id")?,
        created_at: r.get("created_at")?,
        subject: r.get("subject")?,
        classification: r.get("classification")?,
        origin: r.get("origin")?,
        paragraph_id: r.get("paragraph_id")?,
        paragraph_number: r.get("paragraph_number")?,
        level: r.get("level")?,
        heading: r.get("heading")?,
        snippet: String::new(),
        rank: r.get("rank")?,
    })
}

/// The query and filter parameters both statements take (`RANKED`, `NEWEST`).
fn filters(plan: &Plan) -> Vec<(&'static str, &dyn ToSql)> {
    vec![
        (":query", &plan.fts),
        (":from", &plan.from),
        (":to", &plan.to),
        (":tag", &plan.tag),
        (":classification", &plan.classification),
        (":marking", &plan.marking),
        (":origin", &plan.origin),
    ]
}

/// Every matching cable ranked by its best paragraph, the first `limit` kept.
fn ranked(conn: &Connection, statements: &Statements, plan: &Plan) -> rusqlite::Result<Found> {
    let mut st = conn.prepare(&statements.sql(RANKED))?;
    let mut params = filters(plan);
    params.push((":limit", &plan.limit));
    let rows = st.query_map(params.as_slice(), |r| {
        Ok((hit(r)?, r.get::<_, i64>("total")?))
    })?;
    let mut hits = Vec::new();
    let mut total = 0;
    for row in rows {
        let (hit, t) = row?;
        total = t;
        hits.push(hit);
    }
    Ok(Found {
        hits,
        total: Total::Exact(total),
        notes: Vec::new(),
    })
}

/// The matching cables latest first, counted up to [`COUNT_MAX`] (or `limit`, when larger),
/// the first `limit` shown with their first matching paragraph.
fn newest(conn: &Connection, statements: &Statements, plan: &Plan) -> rusqlite::Result<Found> {
    // `limit` is -1 for all of them: then all are counted too.
    let counted = match plan.limit {
        -1 => -1,
        limit => limit.max(COUNT_MAX),
    };
    let (lo, hi) = bounds(conn, plan)?;
    let cap = if counted == -1 { -1 } else { counted + 1 };
    let mut params = filters(plan);
    params.extend([(":cap", &cap as &dyn ToSql), (":lo", &lo), (":hi", &hi)]);
    let mut st = conn.prepare(&statements.sql(NEWEST))?;
    let cables = st
        .query_map(params.as_slice(), |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = match cables.len() as i64 {
        n if counted != -1 && n > counted => Total::MoreThan(counted),
        n => Total::Exact(n),
    };
    let shown = match plan.limit {
        -1 => &cables[..],
        limit => &cables[..cables.len().min(limit as usize)],
    };
    let hits = if shown.is_empty() {
        Vec::new()
    } else {
        let ids = serde_json::to_string(shown).expect("integers serialize");
        let mut st = conn.prepare(&statements.sql(FIRST))?;
        let rows = st.query_map(
            named_params! { ":query": plan.fts, ":cables": ids, ":marking": plan.marking },
            hit,
        )?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let notes = match hits.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "more than {} paragraphs match, too many to rank quickly: cables are listed in the order the archive received them, latest first",
            thousands(RANK_MAX)
        )],
    };
    Ok(Found { hits, total, notes })
}

/// The paragraph ids an unranked search reads: all of them, or, with `--from`/`--to`, from
/// the first to the last paragraph of the cables of the period when they are few.
fn bounds(conn: &Connection, plan: &Plan) -> rusqlite::Result<(i64, i64)> {
    const ALL: (i64, i64) = (i64::MIN, i64::MAX);
    if plan.from.is_none() && plan.to.is_none() {
        return Ok(ALL);
    }
    let (cables, lo, hi): (i64, Option<i64>, Option<i64>) = conn.query_row(
        PERIOD,
        named_params! { ":from": plan.from, ":to": plan.to, ":cap": PERIOD_MAX },
        |r| Ok((r.get("cables")?, r.get("lo")?, r.get("hi")?)),
    )?;
    Ok(match (lo, hi) {
        _ if cables > PERIOD_MAX => ALL,
        (Some(lo), Some(hi)) => (lo, hi),
        // No paragraph in the period: none can match.
        _ => (1, 0),
    })
}

/// The snippet, and the heading when the match is in it, of each paragraph shown.
fn snippets(
    conn: &Connection,
    plan: &Plan,
    hits: &mut [Hit],
    open: &str,
    close: &str,
) -> rusqlite::Result<()> {
    let mut snippet = conn.prepare(SNIPPET)?;
    for h in hits {
        let (text, heading): (Option<String>, Option<String>) = snippet.query_row(
            named_params! {
                ":query": plan.fts,
                ":paragraph_id": h.paragraph_id,
                ":open": open,
                ":close": close,
            },
            |r| Ok((r.get("snippet")?, r.get("heading")?)),
        )?;
        h.snippet = text
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // Shown only when the match is in the heading: highlighting changed it.
        h.heading = heading.filter(|marked| Some(marked) != h.heading.as_ref());
    }
    Ok(())
}

/// `25000` → `25,000`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (25_000, "25,000"),
            (1_234_567, "1,234,567"),
            (-1000, "-1,000"),
        ] {
            assert_eq!(thousands(n), s);
        }
    }

    #[test]
    fn every_statement_gets_the_filter_and_can_go_without_the_index() {
        for text in [RANKED, NEWEST] {
            let sql = Statements { indexed: true }.sql(text);
            assert!(sql.contains("cables_search_filters") && sql.contains(INDEX));
            assert!(!Statements { indexed: false }.sql(text).contains(INDEX));
        }
        assert!(!Statements { indexed: false }.sql(FIRST).contains(INDEX));
    }
}
