-- search, ranked: the best paragraph of each matching cable, best cables first, with the
-- number of matching cables before the limit (`total`). FTS5 does the matching and the bm25
-- ranking (`rank`); the filters narrow paragraphs (:marking, a paragraph level) and cables
-- (search_filter.sql). Every filter is NULL when not given. Used when at most
-- find::RANK_MAX paragraphs match: bm25 scores every match before the limit applies.
--
-- Shaped for speed on the full archive (251,287 cables, 1.9 M paragraphs): one row per cable
-- by GROUP BY with min(rank) (SQLite takes the other columns from that row) rather than a
-- window; a match's cable and level come from the covering index of V7, not the paragraph
-- row with its text; the cable rows, which hold whole bodies, are read only to apply a cable
-- filter and for the cables shown, not for every match.
WITH best AS MATERIALIZED (
    SELECT hit.cable_id, hit.id AS paragraph_id, min(m.rank) AS rank
    FROM paragraphs_fts m JOIN paragraphs hit INDEXED BY paragraphs_search ON hit.id = m.rowid
    WHERE paragraphs_fts MATCH :query
      AND (:marking IS NULL OR hit.level = :marking)
    GROUP BY hit.cable_id
), kept AS MATERIALIZED (
    SELECT * FROM best hit
    WHERE /* search_filter.sql */
)
SELECT c.reference_id, c.created_at, c.subject, c.classification, c.origin,
       b.paragraph_id, p.number AS paragraph_number, p.heading, p.level, b.rank,
       (SELECT count(*) FROM kept) AS total
FROM (SELECT * FROM kept ORDER BY rank, cable_id LIMIT :limit) b
JOIN cables c ON c.id = b.cable_id
JOIN paragraphs p ON p.id = b.paragraph_id
ORDER BY b.rank, c.reference_id
