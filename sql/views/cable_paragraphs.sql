-- cable_paragraphs: every paragraph with its cable's reference id, date, classification,
-- origin and tags beside it; searchable in Datasette (?_search=, through paragraphs_fts).
-- Columns: id (the paragraph's), cable_id, reference_id, created_at, year (INTEGER),
-- classification, origin, tags (JSON array), position, number, marking, heading, text.
--
-- No ORDER BY, so that SQLite counts it from an index (see cable_overview).
CREATE VIEW cable_paragraphs AS
SELECT p.id,
       p.cable_id,
       a.reference_id,
       a.created_at,
       a.year,
       a.classification,
       a.origin,
       a.tags,
       p.position,
       p.number,
       p.marking,
       p.heading,
       p.text
FROM paragraphs p
LEFT JOIN agg_cables a ON a.id = p.cable_id;
