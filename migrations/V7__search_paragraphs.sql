-- V7: what `search` reads of each matching paragraph, without the paragraph row. Every match
-- FTS5 finds is a paragraph id; search needs its cable (one result per cable, the cable
-- filters) and its level (`--marking`). Read from the table, each of those rows holds the
-- whole paragraph text, the level column stored after it: `search al-Qaeda` (23,305 matching
-- paragraphs) spent 46-104 ms on that join alone, 11 ms with this covering index, used with
-- INDEXED BY in sql/read/search*.sql. About 40 MB on the full archive.
CREATE INDEX paragraphs_search ON paragraphs(id, cable_id, level);
