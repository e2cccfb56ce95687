-- search, unranked: the matching cables in the order the archive received their text, latest
-- first, at most :cap of them. Used when more than find::RANK_MAX paragraphs match, too many
-- for bm25 (it scores every match before a limit applies: 2.1 s for `U.S.`). FTS5 streams the
-- matches by descending paragraph id (ORDER BY rowid DESC is its own order, no sort), the
-- covering index of V7 gives each one's cable, DISTINCT keeps a cable the first time it comes
-- (the temporary b-tree only remembers which cables were seen; rows still stream), and LIMIT
-- stops the scan: `U.S.` takes about 20 ms to find 10,001 cables.
SELECT DISTINCT hit.cable_id
FROM paragraphs_fts m JOIN paragraphs hit INDEXED BY paragraphs_search ON hit.id = m.rowid
WHERE paragraphs_fts MATCH :query
  -- The paragraphs of a short period (search_period.sql), else all.
  AND m.rowid >= :lo AND m.rowid <= :hi
  AND (:marking IS NULL OR hit.level = :marking)
  AND (/* search_filter.sql */)
ORDER BY m.rowid DESC
LIMIT :cap
