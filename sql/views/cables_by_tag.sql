-- cables_by_tag: one row per cable and tag, ordered by tag then date; the design's
-- "cables by tag and date".
-- Columns: tag, tag_kind, created_at, reference_id, subject, classification, origin.
CREATE VIEW cables_by_tag AS
SELECT t.code AS tag,
       t.kind AS tag_kind,
       c.created_at,
       c.reference_id,
       c.subject,
       c.classification,
       c.origin
FROM cable_tags ct
JOIN tags t ON t.id = ct.tag_id
JOIN cables c ON c.id = ct.cable_id
ORDER BY t.code, c.created_at, c.reference_id;
