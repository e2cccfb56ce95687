-- V4: one cable, many renderings. Why: a download folder holds the same cables as HTML pages,
-- page text, raw telegrams and CSV rows. A version of a cable is its telegram text (see
-- src/decode/identity.rs); every file or CSV row it was read from is a source of that version,
-- recorded here, and the `cables` row merges the metadata of all of them.

CREATE TABLE cable_sources (
    id INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    -- The version this source holds (`cables.content_sha256` of the current version, or one
    -- of `cable_versions`).
    content_sha256 TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_format TEXT NOT NULL,
    -- CSV row number (1-based); 0 for a single-cable file, so that (path, row) is unique.
    source_row INTEGER NOT NULL DEFAULT 0,
    ingest_run_id INTEGER REFERENCES ingest_runs(id) ON DELETE SET NULL,
    -- The metadata this source carried, merged into `cables` by precedence (README).
    published_id TEXT,
    created_at DATETIME,
    released_at DATETIME,
    classification TEXT,
    origin TEXT,
    title TEXT,
    UNIQUE (source_path, source_row)
);
CREATE INDEX cable_sources_cable ON cable_sources(cable_id, content_sha256);
CREATE INDEX cable_sources_run ON cable_sources(ingest_run_id);
-- Datasette facets on these (a facet on an unindexed column of a large table is a scan).
CREATE INDEX cable_sources_format ON cable_sources(source_format);

-- A walked file that is not a cable at all is `skipped`; a broken cable or an input named on
-- the command line that is not one is `rejected`.
ALTER TABLE ingest_errors ADD COLUMN kind TEXT NOT NULL DEFAULT 'rejected';
CREATE INDEX ingest_errors_kind ON ingest_errors(kind);

-- The run's new counts (the summary line prints them too).
ALTER TABLE ingest_runs ADD COLUMN duplicate_sources INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ingest_runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
