-- classification_by_year: cables per year and classification.
-- Columns: year (YYYY), classification, cables.
CREATE VIEW classification_by_year AS
SELECT strftime('%Y', created_at) AS year,
       classification,
       count(*) AS cables
FROM cables
GROUP BY year, classification
ORDER BY year, classification;
