-- most_cited: cited cables by how many cables cite them; the subject when the cited cable is
-- in the archive.
-- Columns: cited_reference_id, times_cited, in_archive (0/1), subject, created_at,
-- cited_cable_id.
--
-- From `agg_most_cited`, refreshed by each ingest; the cited cable's subject and date from
-- `agg_cables`.
CREATE VIEW most_cited AS
SELECT m.cited_reference_id,
       m.times_cited,
       m.in_archive,
       CAST((SELECT a.subject FROM agg_cables a WHERE a.id = m.cited_cable_id) AS TEXT) AS subject,
       CAST((SELECT a.created_at FROM agg_cables a WHERE a.id = m.cited_cable_id) AS TEXT) AS created_at,
       m.cited_cable_id
FROM agg_most_cited m
ORDER BY m.times_cited DESC, m.cited_reference_id;
