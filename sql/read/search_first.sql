-- search, unranked: the cables to show (:cables, a JSON array of ids in the order to show
-- them) with the first matching paragraph of each. FTS5 reads only the matches between the
-- first and the last paragraph id of those cables (a rowid range is a seek, not a scan);
-- probing it paragraph by paragraph (rowid = ?) costs about 0.2 ms a probe on the full archive.
WITH shown(cable_id, ord) AS MATERIALIZED (
    SELECT value, key FROM json_each(:cables)
), span(lo, hi) AS MATERIALIZED (
    SELECT min(p.id), max(p.id) FROM shown s JOIN paragraphs p ON p.cable_id = s.cable_id
), first AS MATERIALIZED (
    SELECT hit.cable_id, min(hit.id) AS paragraph_id
    FROM paragraphs_fts m JOIN paragraphs hit INDEXED BY paragraphs_search ON hit.id = m.rowid
    WHERE paragraphs_fts MATCH :query
      AND m.rowid >= (SELECT lo FROM span) AND m.rowid <= (SELECT hi FROM span)
      -- `+`: a test on each match, not index probes for every cable shown for each match.
      AND +hit.cable_id IN (SELECT cable_id FROM shown)
      AND (:marking IS NULL OR hit.level = :marking)
    GROUP BY hit.cable_id
)
SELECT c.reference_id, c.created_at, c.subject, c.classification, c.origin,
       f.paragraph_id, p.number AS paragraph_number, p.heading, p.level, NULL AS rank
FROM shown s
JOIN first f ON f.cable_id = s.cable_id
JOIN cables c ON c.id = s.cable_id
JOIN paragraphs p ON p.id = f.paragraph_id
ORDER BY s.ord
