-- stats: cables per source format.
SELECT source_format AS name, count(*) AS cables
FROM cables
GROUP BY source_format
ORDER BY source_format
