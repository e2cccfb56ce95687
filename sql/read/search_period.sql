-- search, unranked, with --from or --to: how many cables were created in the period (up to
-- :cap + 1) and, when at most :cap, the first and last paragraph id of theirs. FTS5 reads a
-- rowid range with a seek, so search_newest.sql then reads only the matches between them
-- instead of every match: `U.S. --from 2009-06-01 --to 2009-06-03` (730 cables) read 486,258
-- matching paragraphs to find them (0.7 s). The bounds hold every paragraph of those cables
-- whatever the order they were received in; they are narrow when that order is by date.
WITH period AS MATERIALIZED (
    SELECT id FROM cables
    WHERE created_at >= coalesce(:from, '')
      AND created_at < coalesce(date(:to, '+1 day'), '9999-12-31')
    LIMIT :cap + 1
)
SELECT (SELECT count(*) FROM period) AS cables, min(p.id) AS lo, max(p.id) AS hi
FROM period c JOIN paragraphs p ON p.cable_id = c.id
WHERE (SELECT count(*) FROM period) <= :cap
