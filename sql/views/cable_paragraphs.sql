-- cable_paragraphs: every paragraph with its cable's reference id, date, classification,
-- origin and tags beside it; searchable in Datasette (?_search=, through paragraphs_fts).
-- Columns: id (the paragraph's), cable_id, reference_id, created_at, year (INTEGER),
-- classification, origin, tags (JSON array), position, number, marking, heading, text.
--
-- No ORDER BY and the cable's columns by scalar subqueries, so that SQLite counts it from an
-- index of paragraphs alone (see cables_by_tag).
CREATE VIEW cable_paragraphs AS
SELECT p.id,
       p.cable_id,
       CAST((SELECT a.reference_id FROM agg_cables a WHERE a.id = p.cable_id) AS TEXT) AS reference_id,
       CAST((SELECT a.created_at FROM agg_cables a WHERE a.id = p.cable_id) AS TEXT) AS created_at,
       CAST((SELECT a.year FROM agg_cables a WHERE a.id = p.cable_id) AS INTEGER) AS year,
       CAST((SELECT a.classification FROM agg_cables a WHERE a.id = p.cable_id) AS TEXT) AS classification,
       CAST((SELECT a.origin FROM agg_cables a WHERE a.id = p.cable_id) AS TEXT) AS origin,
       CAST((SELECT a.tags FROM agg_cables a WHERE a.id = p.cable_id) AS TEXT) AS tags,
       p.position,
       p.number,
       p.marking,
       p.heading,
       p.text
FROM paragraphs p;
