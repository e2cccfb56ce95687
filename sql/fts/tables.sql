-- The search index: FTS5 tables over paragraphs(text, heading) and cables(subject, summary),
-- external content, named and declared as sqlite-utils does (`content="…"` in double quotes,
-- rowid = the table's INTEGER PRIMARY KEY) so Datasette's search box and ?_search= find them.
--
-- Built after a load, a range of rows per transaction (`Writer::build_search_index`), then
-- completed by `triggers.sql`: tables without the triggers are a build that was cut short.
-- The build gathers 64 MB of postings in memory before writing a segment (FTS5's default is
-- 1 MB) and does not merge segments while it runs: 2.4x faster on the full corpus.
CREATE VIRTUAL TABLE IF NOT EXISTS [paragraphs_fts] USING FTS5 (
    [text], [heading],
    content="paragraphs", content_rowid="id"
);
CREATE VIRTUAL TABLE IF NOT EXISTS [cables_fts] USING FTS5 (
    [subject], [summary],
    content="cables", content_rowid="id"
);
INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('automerge', 0);
INSERT INTO cables_fts(cables_fts, rank) VALUES ('hashsize', 67108864);
INSERT INTO cables_fts(cables_fts, rank) VALUES ('automerge', 0);
