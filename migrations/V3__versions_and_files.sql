-- V3: reliability. Why: an archive is built from several releases and mirrors and re-run
-- often; every distinct version of a cable must survive, and unchanged input files must be
-- recognised without reading them.

-- Every distinct version of a cable that has had more than one (a cable seen in only one
-- version keeps it in `cables` itself). `cables` shows the current version: the latest
-- released, else the one first seen most recently.
CREATE TABLE cable_versions (
    id INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    content_sha256 TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_format TEXT NOT NULL,
    source_row INTEGER,
    released_at DATETIME,
    first_seen_run INTEGER REFERENCES ingest_runs(id) ON DELETE SET NULL,
    header TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (cable_id, content_sha256)
);

-- Input files as last ingested: an unchanged path, size and modification time (or, when
-- those changed, the same content hash) is skipped without reading it.
CREATE TABLE ingest_files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    -- A parser upgrade reads the file again.
    parser_version TEXT NOT NULL,
    last_run INTEGER REFERENCES ingest_runs(id) ON DELETE SET NULL
);
CREATE INDEX ingest_files_last_run ON ingest_files(last_run);
CREATE INDEX cable_versions_first_seen_run ON cable_versions(first_seen_run);
