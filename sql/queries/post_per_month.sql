-- title: What a post sent per month
-- description: Cables per month and classification from one origin (e.g. Embassy Tokyo; matched case-insensitively, % wildcards allowed).
SELECT strftime('%Y-%m', created_at) AS month,
       classification,
       count(*) AS cables
FROM cables
WHERE origin LIKE :origin
GROUP BY month, classification
ORDER BY month, classification;
