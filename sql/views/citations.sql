-- citations: every cable a cable cites in its REF block (citing → cited), and whether the
-- cited cable is in this archive.
-- Columns: citing_reference_id, citing_created_at, bullet, reference_text,
-- cited_reference_id, cited_in_archive (0/1), cited_subject, citing_cable_id, cited_cable_id
-- (cables.id, NULL when the cited cable is not in the archive: the keys of the citation graph).
--
-- No ORDER BY and the cables' columns by scalar subqueries, so that SQLite counts it from
-- cable_references alone (see cables_by_tag).
CREATE VIEW citations AS
SELECT CAST((SELECT a.reference_id FROM agg_cables a WHERE a.id = r.cable_id) AS TEXT) AS citing_reference_id,
       CAST((SELECT a.created_at FROM agg_cables a WHERE a.id = r.cable_id) AS TEXT) AS citing_created_at,
       r.bullet,
       r.text AS reference_text,
       r.target_reference_id AS cited_reference_id,
       CAST(r.target_cable_id IS NOT NULL AS INTEGER) AS cited_in_archive,
       CAST((SELECT a.subject FROM agg_cables a WHERE a.id = r.target_cable_id) AS TEXT) AS cited_subject,
       r.cable_id AS citing_cable_id,
       r.target_cable_id AS cited_cable_id
FROM cable_references r
WHERE r.kind = 'cable' AND r.target_reference_id IS NOT NULL;
