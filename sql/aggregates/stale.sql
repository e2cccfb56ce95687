-- The cables whose aggregate rows are out of date, into `temp.stale` (read by rows.sql):
-- those written since their `agg_cables` row was computed (a cable's ingest_run_id changes
-- whenever a run writes it) or without one. The writer stores the row with the cable, so
-- these are only the cables of an archive written by an older cable-archive (every cable
-- then, once) and rows removed by hand.
CREATE TEMP TABLE IF NOT EXISTS stale (id INTEGER PRIMARY KEY);
DELETE FROM temp.stale;
INSERT INTO temp.stale
SELECT c.id FROM cables c LEFT JOIN agg_cables a ON a.id = c.id
WHERE a.id IS NULL OR a.ingest_run_id IS NOT c.ingest_run_id;
