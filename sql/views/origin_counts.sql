-- origin_counts: cables per originating post, with the period they span.
-- Columns: origin, cables, first_created, last_created.
--
-- Sums `agg_cables_per_month`, refreshed by each ingest.
CREATE VIEW origin_counts AS
SELECT origin,
       CAST(sum(cables) AS INTEGER) AS cables,
       CAST(min(first_created) AS TEXT) AS first_created,
       CAST(max(last_created) AS TEXT) AS last_created
FROM agg_cables_per_month
GROUP BY origin
ORDER BY cables DESC, origin;
