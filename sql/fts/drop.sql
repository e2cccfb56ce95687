-- Remove the search index and its triggers (`ingest --no-fts`).
DROP TRIGGER IF EXISTS [paragraphs_ai];
DROP TRIGGER IF EXISTS [paragraphs_ad];
DROP TRIGGER IF EXISTS [paragraphs_au];
DROP TRIGGER IF EXISTS [cables_ai];
DROP TRIGGER IF EXISTS [cables_ad];
DROP TRIGGER IF EXISTS [cables_au];
DROP TABLE IF EXISTS [paragraphs_fts];
DROP TABLE IF EXISTS [cables_fts];
