-- origin_counts: cables per originating post, with the period they span.
-- Columns: origin, cables, first_created, last_created.
CREATE VIEW origin_counts AS
SELECT origin,
       count(*) AS cables,
       min(created_at) AS first_created,
       max(created_at) AS last_created
FROM cables
GROUP BY origin
ORDER BY cables DESC, origin;
