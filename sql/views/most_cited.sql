-- most_cited: cited cables by how many cables cite them; the subject when the cited cable is
-- in the archive.
-- Columns: cited_reference_id, times_cited, in_archive (0/1), subject, created_at,
-- cited_cable_id.
--
-- From `agg_most_cited`, refreshed by each ingest.
CREATE VIEW most_cited AS
SELECT m.cited_reference_id,
       m.times_cited,
       m.in_archive,
       t.subject,
       t.created_at,
       m.cited_cable_id
FROM agg_most_cited m
LEFT JOIN cables t ON t.id = m.cited_cable_id
ORDER BY m.times_cited DESC, m.cited_reference_id;
