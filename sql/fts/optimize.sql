-- Merge a built search index into one segment per table. The build writes a segment per
-- 64 MB of postings and does not merge (tables.sql): 11 segments on the full archive, and
-- FTS5 reads a term's postings from each segment holding some. Merged, `search` used a half
-- to a third of the CPU for most queries (`10,000`: 41 -> 14 ms, `1.4(b)`: 34 -> 14 ms) and
-- read less from a cold cache; the merge takes about 20 s on the full archive.
INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('optimize');
INSERT INTO cables_fts(cables_fts) VALUES ('optimize');
