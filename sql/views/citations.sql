-- citations: every cable a cable cites in its REF block (citing → cited), and whether the
-- cited cable is in this archive.
-- Columns: citing_reference_id, citing_created_at, bullet, reference_text,
-- cited_reference_id, cited_in_archive (0/1), cited_subject, citing_cable_id, cited_cable_id
-- (cables.id, NULL when the cited cable is not in the archive: the keys of the citation graph).
--
-- No ORDER BY, so that SQLite counts it without running it whole (see cables_by_tag).
CREATE VIEW citations AS
SELECT c.reference_id AS citing_reference_id,
       c.created_at AS citing_created_at,
       r.bullet,
       r.text AS reference_text,
       r.target_reference_id AS cited_reference_id,
       CAST(r.target_cable_id IS NOT NULL AS INTEGER) AS cited_in_archive,
       t.subject AS cited_subject,
       r.cable_id AS citing_cable_id,
       r.target_cable_id AS cited_cable_id
FROM cable_references r
LEFT JOIN agg_cables c ON c.id = r.cable_id
LEFT JOIN cables t ON t.id = r.target_cable_id
WHERE r.kind = 'cable' AND r.target_reference_id IS NOT NULL;
