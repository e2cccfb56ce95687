-- title: What a post sent per month
-- description: Cables per month and classification from one origin (e.g. Embassy Tokyo; matched case-insensitively, % wildcards allowed).
SELECT month,
       classification,
       CAST(sum(cables) AS INTEGER) AS cables
FROM agg_cables_per_month
WHERE origin LIKE :origin
GROUP BY month, classification
ORDER BY month, classification;
