//! Deferred indexes (migration V8): a first load drops the secondary indexes it does not need
//! while it writes, and creates them again when it is done. On the full corpus (251,287
//! cables, 1.9 million paragraphs, 1.7 million recipients, 1.4 million cable tags) keeping
//! those indexes up to date row by row was most of the writer's time; creating one over a
//! loaded table is a sort. Which indexes: `sql/indexes/deferrable.sql`. Each one dropped is
//! recorded in `pending_indexes` with its own CREATE statement, read back from `sqlite_master`
//! (so the migrations stay the one place that defines it), in the transaction that drops
//! it: a run killed meanwhile leaves the list, and the next ingest restores every index on
//! it before it migrates or writes anything (`store::open`).

use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension};

const DEFERRABLE: &str = include_str!("../../sql/indexes/deferrable.sql");

/// The tables a load fills row by row and whose indexes it sets aside: the cables' child
/// rows (1.7 million recipients, 1.4 million cable tags… against 251,287 cables), their
/// sources and the per-cable aggregate rows. Not `cables`: most of its indexes hold columns
/// stored after the body, so creating one again walks every body's overflow pages (a
/// 25,000-cable load took 7% more CPU with them set aside than kept), and `search` and
/// `cables_signed_by` name two of them in INDEXED BY, which must work while a load runs.
/// Not `paragraphs` either: it holds the text (1.8 GB of the full corpus), which creating
/// `paragraphs_marking` again read whole at the end of a load (2 s of the full corpus's
/// single-threaded end), while a new paragraph joins that index at the end of its marking's
/// run, one of a few dozen places, which costs little.
fn loaded_tables() -> String {
    let mut tables = vec!["cable_sources", "agg_cables"];
    tables.extend(super::CHILD_TABLES.iter().filter(|t| **t != "paragraphs"));
    serde_json::Value::from(tables).to_string()
}

/// Drop the deferrable indexes, recording each in `pending_indexes`; returns how many. Runs
/// inside the caller's transaction, so the record and the drop commit together.
pub fn defer(conn: &Connection) -> Result<usize, StoreError> {
    let indexes: Vec<(String, String)> = conn
        .prepare(DEFERRABLE)?
        .query_map([loaded_tables()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, sql) in &indexes {
        conn.execute(
            "INSERT INTO pending_indexes (name, sql) VALUES (?1, ?2)",
            params![name, sql],
        )?;
        conn.execute_batch(&format!("DROP INDEX {}", quoted(name)))?;
    }
    Ok(indexes.len())
}

/// How many indexes are waiting to be created again (0 also before migration V8).
pub fn pending(conn: &Connection) -> Result<usize, StoreError> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pending_indexes')",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(0);
    }
    let n: i64 = conn.query_row("SELECT count(*) FROM pending_indexes", [], |r| r.get(0))?;
    Ok(n as usize)
}

/// Create every pending index again, one transaction each (an index and the removal of its
/// record commit together), calling `after_each` between them (the writer bounds its WAL
/// there); returns how many were created. Must be called outside a transaction.
pub fn restore(
    conn: &Connection,
    after_each: &mut dyn FnMut() -> Result<(), StoreError>,
) -> Result<usize, StoreError> {
    let mut created = 0;
    while pending(conn)? > 0 {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = (|| {
            let next: Option<(String, String)> = conn
                .query_row(
                    "SELECT name, sql FROM pending_indexes ORDER BY rowid LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((name, sql)) = next {
                conn.execute_batch(&sql)?;
                conn.execute("DELETE FROM pending_indexes WHERE name = ?1", [&name])?;
            }
            Ok::<_, StoreError>(())
        })();
        match result {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
        created += 1;
        after_each()?;
    }
    Ok(created)
}

/// An identifier as SQL reads it, whatever it holds.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(conn: &Connection) -> Vec<(String, String)> {
        conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn deferred_indexes_come_back_as_the_migrations_made_them() {
        let tmp = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&tmp.path().join("a.db")).unwrap();
        let before = indexes(&conn);
        conn.execute_batch("BEGIN").unwrap();
        let n = defer(&conn).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        assert!(n >= 10, "{n}");
        assert_eq!(pending(&conn).unwrap(), n);
        let during: Vec<String> = indexes(&conn).into_iter().map(|(name, _)| name).collect();
        // What the writer looks up by while loading stays.
        for kept in [
            "cable_sources_cable",
            "markings_cable_id",
            "parse_warnings_cable_id",
            "cables_search_filters",
        ] {
            assert!(during.iter().any(|n| n == kept), "{kept}: {during:?}");
        }
        assert!(during.iter().any(|n| n == "cables_signer_key"));
        assert!(during.iter().any(|n| n == "paragraphs_marking"));
        for dropped in [
            "recipients_name",
            "cable_tags_tag_id",
            "cable_references_target",
        ] {
            assert!(!during.iter().any(|n| n == dropped), "{dropped}");
        }
        assert_eq!(restore(&conn, &mut || Ok(())).unwrap(), n);
        assert_eq!(pending(&conn).unwrap(), 0);
        assert_eq!(indexes(&conn), before);
    }
}
