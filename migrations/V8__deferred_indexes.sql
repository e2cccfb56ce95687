-- V8: secondary indexes set aside while a first load runs. Why: every row inserted also goes
-- into each index of its table, at the place its key decides; loading the full corpus into
-- an empty archive (1.9 million paragraphs, 1.7 million recipients, 1.4 million cable tags),
-- the per-row upkeep of the indexes V5 and V6 added (keyed on marking, name, tag, kind) cost
-- the writer 2.7 billion more instructions per 10,000 cables (callgrind, 2026-12-02) and
-- rewrote scattered index pages into the WAL at every commit, where CREATE INDEX over the
-- loaded table is one sort. So an ingest into an empty or nearly empty
-- archive drops those indexes when it writes its first cable and creates them again when its
-- load ends (`src/store/indexes.rs`). Each index dropped is listed here with its CREATE
-- statement, read back from sqlite_master (the definition stays in the migration that made
-- it), in the transaction that drops it: a run killed before the end leaves the list, and the
-- next ingest creates them again before it does anything else.
CREATE TABLE pending_indexes (
    name TEXT PRIMARY KEY,
    sql TEXT NOT NULL
);
