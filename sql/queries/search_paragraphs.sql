-- title: Paragraphs matching words
-- description: Paragraphs matching the full-text query :q (words, "a phrase", OR, NEAR), best first; needs the search index.
SELECT c.reference_id,
       c.created_at,
       p.number AS paragraph,
       snippet(paragraphs_fts, 0, '[', ']', '…', 16) AS snippet
FROM paragraphs_fts
JOIN paragraphs p ON p.id = paragraphs_fts.rowid
JOIN cables c ON c.id = p.cable_id
WHERE paragraphs_fts MATCH :q
ORDER BY rank
LIMIT 50;
