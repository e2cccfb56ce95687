-- changed_cables: cables that arrived in more than one version, with the current one.
-- Columns: reference_id, versions, current_sha256, current_source, first_seen, last_seen.
CREATE VIEW changed_cables AS
SELECT c.reference_id,
       CAST(count(v.id) AS INTEGER) AS versions,
       c.content_sha256 AS current_sha256,
       c.source_path AS current_source,
       CAST(min(r.started_at) AS TEXT) AS first_seen,
       CAST(max(r.started_at) AS TEXT) AS last_seen
FROM cable_versions v
JOIN cables c ON c.id = v.cable_id
LEFT JOIN ingest_runs r ON r.id = v.first_seen_run
GROUP BY v.cable_id
HAVING count(v.id) > 1
ORDER BY c.reference_id;
