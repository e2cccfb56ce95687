-- tag_counts: every TAGS code with its kind, how many cables carry it and when it first and
-- last appears.
-- Columns: tag, kind, description, cables, first_created, last_created.
--
-- From `agg_tag_counts`, refreshed by each ingest.
CREATE VIEW tag_counts AS
SELECT t.code AS tag,
       t.kind,
       t.description,
       g.cables,
       g.first_created,
       g.last_created
FROM agg_tag_counts g
JOIN tags t ON t.id = g.tag_id
ORDER BY g.cables DESC, tag;
