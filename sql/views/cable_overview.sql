-- cable_overview: one row per cable with its tags, markings and recipient counts flattened
-- into columns; the table a BI tool should start from, and the one to facet in Datasette.
-- Columns: id, reference_id, created_at, sent_at, released_at, year (INTEGER), month
-- (YYYY-MM), classification, origin, subject, signer, tags and markings (JSON arrays, so
-- Datasette's ?_facet_array=tags and ?tags__arraycontains=KN work), to_count, info_count,
-- paragraph_count, reference_count, source_format.
--
-- Reads `agg_cables` (one narrow row per cable, refreshed by each ingest) alone, every
-- column straight from it with its declared type. No ORDER BY: SQLite then counts and facets
-- the view through the indexes of `agg_cables` instead of running it whole.
CREATE VIEW cable_overview AS
SELECT a.id,
       a.reference_id,
       a.created_at,
       a.sent_at,
       a.released_at,
       a.year,
       a.month,
       a.classification,
       a.origin,
       a.subject,
       a.signer,
       a.tags,
       a.markings,
       a.to_count,
       a.info_count,
       a.paragraph_count,
       a.reference_count,
       a.source_format
FROM agg_cables a;
