-- search: the matching words of one paragraph (:paragraph_id) between :open and :close, in a
-- snippet of its text and in its whole heading (NULL when it has none).
SELECT snippet(paragraphs_fts, 0, :open, :close, '…', 20) AS snippet,
       highlight(paragraphs_fts, 1, :open, :close) AS heading
FROM paragraphs_fts
WHERE paragraphs_fts MATCH :query AND rowid = :paragraph_id
