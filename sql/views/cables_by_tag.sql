-- cables_by_tag: one row per cable and tag; the design's "cables by tag and date"
-- (?tag=PREL&_sort=created_at in Datasette, ORDER BY tag, created_at in SQL).
-- Columns: tag, tag_kind, created_at, reference_id, subject, classification, origin, cable_id.
--
-- No ORDER BY, and the cable's columns read by scalar subqueries instead of joins: SQLite
-- (3.40, Datasette's, as 3.54) runs every join of a view to count or group it, and a view
-- with ORDER BY whole. This way a count or a tag filter reads only tags and cable_tags'
-- covering index (1.4 million rows in ~0.1 s) and the subqueries run for the rows shown.
-- Computed columns are CAST so BI tools read a type (cable_overview has the dates as DATETIME).
CREATE VIEW cables_by_tag AS
SELECT t.code AS tag,
       t.kind AS tag_kind,
       CAST((SELECT a.created_at FROM agg_cables a WHERE a.id = ct.cable_id) AS TEXT) AS created_at,
       CAST((SELECT a.reference_id FROM agg_cables a WHERE a.id = ct.cable_id) AS TEXT) AS reference_id,
       CAST((SELECT a.subject FROM agg_cables a WHERE a.id = ct.cable_id) AS TEXT) AS subject,
       CAST((SELECT a.classification FROM agg_cables a WHERE a.id = ct.cable_id) AS TEXT) AS classification,
       CAST((SELECT a.origin FROM agg_cables a WHERE a.id = ct.cable_id) AS TEXT) AS origin,
       ct.cable_id
FROM tags t
JOIN cable_tags ct ON ct.tag_id = t.id;
