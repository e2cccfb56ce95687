-- most_cited: cited cables by how many cables cite them; the subject when the cited cable is
-- in the archive.
-- Columns: cited_reference_id, times_cited, in_archive (0/1), subject, created_at.
CREATE VIEW most_cited AS
SELECT r.target_reference_id AS cited_reference_id,
       count(DISTINCT r.cable_id) AS times_cited,
       t.id IS NOT NULL AS in_archive,
       t.subject,
       t.created_at
FROM cable_references r
LEFT JOIN cables t ON t.reference_id = r.target_reference_id
WHERE r.kind = 'cable' AND r.target_reference_id IS NOT NULL
GROUP BY r.target_reference_id
ORDER BY times_cited DESC, cited_reference_id;
