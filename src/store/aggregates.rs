//! Aggregate tables (migration V5): the per-cable rows of `agg_cables`, the citation keys
//! `cable_references.target_cable_id`, and the counts behind `tag_counts`, `cables_per_month`,
//! `origin_counts`, `classification_by_year`, `recipient_counts` and `most_cited`, so that
//! Datasette and BI tools read counts from a few thousand rows instead of grouping 1.7
//! million at each page (issue 12: 1.3-3.4 s per page at 251,287 cables, `tag_counts` past
//! Datasette's 1 s limit).
//!
//! A cable's `agg_cables` row is written by the writer with the cable, in its transaction,
//! from the values it has in hand (`sql/aggregates/cable.sql`, and `metadata.sql` when its
//! metadata is merged from another source): computing the rows back from the stored tables at
//! the end of a run read every cable again and cost 5.5-7.2 s of a full ingest. The refresh at
//! the end of a run (`Writer::finish`) then recomputes only rows found out of date
//! (`stale.sql`, `rows.sql`: an archive written by an older version, or rows removed by hand)
//! and, when anything changed, the citation keys and the counts (`counts.sql`). A run with
//! nothing written costs one scan of the cables' ids.

use super::StoreError;
use crate::model::Cable;
use rusqlite::{params, Connection};

/// Fills `temp.stale` with the cables whose `agg_cables` row is out of date.
const STALE: &str = include_str!("../../sql/aggregates/stale.sql");
const ROWS: &str = include_str!("../../sql/aggregates/rows.sql");
const COUNTS: &str = include_str!("../../sql/aggregates/counts.sql");
const CABLE: &str = include_str!("../../sql/aggregates/cable.sql");
const METADATA: &str = include_str!("../../sql/aggregates/metadata.sql");

/// Markings that are routing lines rather than handling markings: not in `agg_cables.markings`.
const NOT_HANDLING: [&str; 2] = ["PASS", "DISTRIBUTION"];

/// Store the `agg_cables` row of cable `id`, just written from `c` by run `run`.
pub fn store_row(conn: &Connection, id: i64, run: i64, c: &Cable) -> Result<(), StoreError> {
    let tags: Vec<&str> = c.tags.iter().map(|t| t.code.as_str()).collect();
    // Each once, in the order they first appear (rows.sql: json_group_array(DISTINCT …)).
    let mut markings: Vec<&str> = Vec::new();
    for m in &c.markings {
        let m = m.marking.as_str();
        if !NOT_HANDLING.contains(&m) && !markings.contains(&m) {
            markings.push(m);
        }
    }
    let count = |kind: &str| c.recipients.iter().filter(|r| r.kind == kind).count() as i64;
    conn.prepare_cached(CABLE)?.execute(params![
        id,
        run,
        c.reference_id,
        c.created_at,
        c.sent_at,
        c.released_at,
        c.classification,
        c.origin,
        c.subject,
        c.signer,
        serde_json::to_string(&tags).expect("strings serialise"),
        serde_json::to_string(&markings).expect("strings serialise"),
        count("to"),
        count("info"),
        c.paragraphs.len() as i64,
        c.references.len() as i64,
        c.source_format.as_str(),
    ])?;
    Ok(())
}

/// Copy cable `id`'s merged metadata into its `agg_cables` row.
pub fn store_metadata(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached(METADATA)?.execute([id])?;
    Ok(())
}

/// Bring the aggregate tables up to date: recompute the `agg_cables` rows found out of date
/// and, when there were any or `changed` (the run wrote cables, or found a run killed before
/// its refresh), the citation keys and counts. Returns how many rows were out of date.
pub fn refresh(conn: &Connection, changed: bool) -> Result<usize, StoreError> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        conn.execute_batch(STALE)?;
        let stale: i64 = conn.query_row("SELECT count(*) FROM temp.stale", [], |r| r.get(0))?;
        if stale > 0 {
            conn.execute_batch(ROWS)?;
        }
        if stale > 0 || changed {
            conn.execute_batch(COUNTS)?;
        }
        conn.execute_batch("DELETE FROM temp.stale")?;
        Ok(stale as usize)
    })();
    match result {
        Ok(n) => {
            conn.execute_batch("COMMIT")?;
            Ok(n)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}
