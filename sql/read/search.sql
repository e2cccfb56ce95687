-- search: the best paragraph of each matching cable, best cables first, with the number of
-- matching cables before the limit (`total`). FTS5 does the matching and the bm25 ranking
-- (`rank`); the filters narrow paragraphs (:marking, a paragraph level) and cables. Every
-- filter is NULL when not given. :from and :to are days (`src/dates.rs` makes `2009` the
-- whole year), :to inclusive.
--
-- Shaped for speed on the full archive (251,287 cables, 1.9 M paragraphs): one row per cable
-- by GROUP BY with min(rank) (SQLite takes the other columns from that row) rather than a
-- window; the cable rows, which hold whole bodies, are read only to apply a cable filter and
-- for the cables shown, not for every match (`al-Qaeda`: 12,652 cables, 40% less CPU).
WITH best AS MATERIALIZED (
    SELECT p.cable_id, p.id AS paragraph_id, p.number, p.heading, p.level, min(m.rank) AS rank
    FROM paragraphs_fts m JOIN paragraphs p ON p.id = m.rowid
    WHERE paragraphs_fts MATCH :query
      AND (:marking IS NULL OR p.level = :marking)
    GROUP BY p.cable_id
), kept AS MATERIALIZED (
    SELECT * FROM best b
    WHERE (:from IS NULL AND :to IS NULL AND :tag IS NULL AND :classification IS NULL
           AND :origin IS NULL)
       OR EXISTS (
            -- The index holds every column tested here (migration V6).
            SELECT 1 FROM cables c INDEXED BY cables_search_filters
            WHERE c.id = b.cable_id
              AND (:from IS NULL OR c.created_at >= :from)
              AND (:to IS NULL OR c.created_at < date(:to, '+1 day'))
              AND (:tag IS NULL OR EXISTS (
                    SELECT 1 FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id
                    WHERE ct.cable_id = c.id AND t.code = upper(:tag)))
              AND (:classification IS NULL OR c.classification_level = :classification)
              AND (:origin IS NULL OR c.origin LIKE :origin))
)
SELECT c.reference_id, c.created_at, c.subject, c.classification, c.origin,
       b.paragraph_id, b.number AS paragraph_number, b.heading, b.level, b.rank,
       (SELECT count(*) FROM kept) AS total
FROM (SELECT * FROM kept ORDER BY rank, cable_id LIMIT :limit) b
JOIN cables c ON c.id = b.cable_id
ORDER BY b.rank, c.reference_id
