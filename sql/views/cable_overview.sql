-- cable_overview: one row per cable with its tags, markings and recipient counts flattened
-- into columns; the table a BI tool should start from.
-- Columns: id, reference_id, created_at, sent_at, released_at, year, month, classification,
-- origin, subject, signer, tags, markings, to_count, info_count, paragraph_count,
-- reference_count, source_format.
CREATE VIEW cable_overview AS
SELECT c.id,
       c.reference_id,
       c.created_at,
       c.sent_at,
       c.released_at,
       strftime('%Y', c.created_at) AS year,
       strftime('%Y-%m', c.created_at) AS month,
       c.classification,
       c.origin,
       c.subject,
       c.signer,
       (SELECT group_concat(code, ' ') FROM (
            SELECT t.code FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id
            WHERE ct.cable_id = c.id ORDER BY ct.position)) AS tags,
       (SELECT group_concat(marking, ' ') FROM (
            SELECT DISTINCT m.marking FROM markings m
            WHERE m.cable_id = c.id AND m.marking NOT IN ('PASS', 'DISTRIBUTION'))) AS markings,
       (SELECT count(*) FROM recipients r WHERE r.cable_id = c.id AND r.kind = 'to') AS to_count,
       (SELECT count(*) FROM recipients r WHERE r.cable_id = c.id AND r.kind = 'info') AS info_count,
       (SELECT count(*) FROM paragraphs p WHERE p.cable_id = c.id) AS paragraph_count,
       (SELECT count(*) FROM cable_references r WHERE r.cable_id = c.id) AS reference_count,
       c.source_format
FROM cables c;
