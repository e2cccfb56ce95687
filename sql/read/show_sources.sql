-- show: every file or CSV row the cable was read from (issue 10): the current version's
-- sources first, the richest (the one the cable's rows come from) at the top.
SELECT source_format, source_path, source_row,
    content_sha256 = (SELECT content_sha256 FROM cables WHERE id = :cable_id) AS current
FROM cable_sources
WHERE cable_id = :cable_id
ORDER BY current DESC,
    CASE source_format WHEN 'html' THEN 3 WHEN 'page-text' THEN 2 WHEN 'csv' THEN 1 ELSE 0 END DESC,
    source_path, source_row
