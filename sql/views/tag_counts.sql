-- tag_counts: every TAGS code with its kind, how many cables carry it and when it first and
-- last appears.
-- Columns: tag, kind, description, cables, first_created, last_created.
CREATE VIEW tag_counts AS
SELECT t.code AS tag,
       t.kind,
       t.description,
       count(*) AS cables,
       min(c.created_at) AS first_created,
       max(c.created_at) AS last_created
FROM tags t
JOIN cable_tags ct ON ct.tag_id = t.id
JOIN cables c ON c.id = ct.cable_id
GROUP BY t.id
ORDER BY cables DESC, tag;
