-- classification_by_year: cables per year and classification.
-- Columns: year (INTEGER), classification, cables.
--
-- Sums `agg_cables_per_month`, refreshed by each ingest.
CREATE VIEW classification_by_year AS
SELECT year,
       classification,
       CAST(sum(cables) AS INTEGER) AS cables
FROM agg_cables_per_month
GROUP BY year, classification
ORDER BY year, classification;
