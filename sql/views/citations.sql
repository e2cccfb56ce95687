-- citations: every cable a cable cites in its REF block (citing → cited), and whether the
-- cited cable is in this archive.
-- Columns: citing_reference_id, citing_created_at, bullet, reference_text,
-- cited_reference_id, cited_in_archive (0/1), cited_subject.
CREATE VIEW citations AS
SELECT c.reference_id AS citing_reference_id,
       c.created_at AS citing_created_at,
       r.bullet,
       r.text AS reference_text,
       r.target_reference_id AS cited_reference_id,
       t.id IS NOT NULL AS cited_in_archive,
       t.subject AS cited_subject
FROM cable_references r
JOIN cables c ON c.id = r.cable_id
LEFT JOIN cables t ON t.reference_id = r.target_reference_id
WHERE r.kind = 'cable' AND r.target_reference_id IS NOT NULL
ORDER BY c.reference_id, r.position;
