-- cables_by_tag: one row per cable and tag; the design's "cables by tag and date"
-- (?tag=PREL&_sort=created_at in Datasette, ORDER BY tag, created_at in SQL).
-- Columns: tag, tag_kind, created_at, reference_id, subject, classification, origin, cable_id.
--
-- No ORDER BY: with one, SQLite (up to at least 3.40, Datasette's) runs the whole 1.4-million
-- row join to count it; without, counts and tag filters come from cable_tags' indexes.
-- LEFT JOINs on primary keys (every tag and cable exists: foreign keys) let SQLite skip the
-- tables a count does not read.
CREATE VIEW cables_by_tag AS
SELECT t.code AS tag,
       t.kind AS tag_kind,
       a.created_at,
       a.reference_id,
       c.subject,
       a.classification,
       a.origin,
       ct.cable_id
FROM cable_tags ct
LEFT JOIN tags t ON t.id = ct.tag_id
LEFT JOIN agg_cables a ON a.id = ct.cable_id
LEFT JOIN cables c ON c.id = ct.cable_id;
