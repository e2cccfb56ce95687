-- cables_per_month: how many cables each post sent per month, by classification.
-- Columns: month (YYYY-MM), origin, classification, cables.
CREATE VIEW cables_per_month AS
SELECT strftime('%Y-%m', created_at) AS month,
       origin,
       classification,
       count(*) AS cables
FROM cables
GROUP BY month, origin, classification
ORDER BY month, origin, classification;
