-- cables_per_month: how many cables each post sent per month, by classification.
-- Columns: month (YYYY-MM), origin, classification, cables.
--
-- From `agg_cables_per_month`, refreshed by each ingest.
CREATE VIEW cables_per_month AS
SELECT month,
       origin,
       classification,
       cables
FROM agg_cables_per_month
ORDER BY month, origin, classification;
