-- search: how many paragraphs match :query, counted up to :cap. FTS5 hands out matches one by
-- one without ranking them, so this stops at :cap: `U.S.` (486,258 matching paragraphs on the
-- full archive) takes a few ms to count to 25,001. Decides between search.sql and
-- search_newest.sql (src/search/find.rs).
SELECT count(*) FROM (
    SELECT 1 FROM paragraphs_fts WHERE paragraphs_fts MATCH :query LIMIT :cap
)
