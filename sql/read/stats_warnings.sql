-- stats: cables with a parse warning, per field.
SELECT field AS name, count(DISTINCT cable_id) AS cables
FROM parse_warnings
GROUP BY field
ORDER BY field
