-- search: the best paragraph of each matching cable, best cables first, with the number of
-- matching cables before the limit (`total`). FTS5 does the matching and the bm25 ranking
-- (`rank`); the filters narrow paragraphs (:marking, a paragraph level) and cables. Every
-- filter is NULL when not given. :from and :to are days (`src/dates.rs` makes `2009` the
-- whole year), :to inclusive.
WITH matched AS (
    SELECT rowid AS paragraph_id, rank FROM paragraphs_fts WHERE paragraphs_fts MATCH :query
), best AS (
    SELECT p.cable_id, m.paragraph_id, p.number, p.heading, p.level, m.rank,
           row_number() OVER (PARTITION BY p.cable_id ORDER BY m.rank, p.position) AS nth
    FROM matched m JOIN paragraphs p ON p.id = m.paragraph_id
    WHERE :marking IS NULL OR p.level = :marking
)
SELECT c.reference_id, c.created_at, c.subject, c.classification, c.origin,
       b.paragraph_id, b.number AS paragraph_number, b.heading, b.level, b.rank,
       count(*) OVER () AS total
FROM best b JOIN cables c ON c.id = b.cable_id
WHERE b.nth = 1
  AND (:from IS NULL OR c.created_at >= :from)
  AND (:to IS NULL OR c.created_at < date(:to, '+1 day'))
  AND (:tag IS NULL OR EXISTS (
        SELECT 1 FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE ct.cable_id = c.id AND t.code = upper(:tag)))
  AND (:classification IS NULL OR c.classification_level = :classification)
  AND (:origin IS NULL OR c.origin LIKE :origin)
ORDER BY b.rank, c.reference_id
LIMIT :limit
