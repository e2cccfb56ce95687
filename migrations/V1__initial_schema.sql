-- V1: the normalized archive. Why: this schema is the product's public interface for
-- sqlite3, Datasette and BI tools; names here are a contract (add columns, never rename).
-- Dates are ISO text in DATETIME / DATE columns so SQLite's date functions and BI tools read
-- them. Every child row cascades from its cable.

CREATE TABLE ingest_runs (
    id INTEGER PRIMARY KEY,
    started_at DATETIME NOT NULL,
    finished_at DATETIME,
    version TEXT NOT NULL,
    arguments TEXT,
    files_seen INTEGER NOT NULL DEFAULT 0,
    cables_added INTEGER NOT NULL DEFAULT 0,
    cables_updated INTEGER NOT NULL DEFAULT 0,
    cables_unchanged INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'running'  -- running | ok | rejected-some | failed
);

CREATE TABLE cables (
    id INTEGER PRIMARY KEY,
    reference_id TEXT NOT NULL UNIQUE,
    created_at DATETIME,
    released_at DATETIME,
    classification TEXT,
    origin TEXT,
    title TEXT,
    subject TEXT,
    header_kind TEXT,
    transmission_id TEXT,
    precedence TEXT,
    date_time_group TEXT,
    sent_at DATETIME,
    sender TEXT,
    banner TEXT,
    section_count INTEGER NOT NULL DEFAULT 1,
    declassify_on DATE,
    classified_by TEXT,
    classification_reasons TEXT,
    signer TEXT,
    summary TEXT,
    header TEXT NOT NULL,
    body TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_format TEXT NOT NULL CHECK (source_format IN ('html', 'page-text', 'raw', 'csv')),
    source_row INTEGER,
    content_sha256 TEXT NOT NULL,
    ingest_run_id INTEGER REFERENCES ingest_runs(id) ON DELETE SET NULL
);
CREATE INDEX cables_created_at ON cables(created_at);
CREATE INDEX cables_classification ON cables(classification);
CREATE INDEX cables_origin ON cables(origin);
CREATE INDEX cables_ingest_run_id ON cables(ingest_run_id);

CREATE TABLE recipients (
    id INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('to', 'info', 'xmt')),
    route TEXT,
    name TEXT NOT NULL,
    precedence TEXT,
    mcn TEXT,
    UNIQUE (cable_id, position)
);
CREATE INDEX recipients_name ON recipients(name);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
);

CREATE TABLE cable_tags (
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (cable_id, tag_id)
);
CREATE INDEX cable_tags_tag_id ON cable_tags(tag_id);

CREATE TABLE paragraphs (
    id INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number INTEGER,
    marking TEXT,
    heading TEXT,
    text TEXT NOT NULL,
    UNIQUE (cable_id, position)
);

CREATE TABLE markings (
    id INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    marking TEXT NOT NULL,
    detail TEXT,
    place TEXT NOT NULL
);
CREATE INDEX markings_cable_id ON markings(cable_id);
CREATE INDEX markings_marking ON markings(marking);

CREATE TABLE parse_warnings (
    id INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX parse_warnings_field ON parse_warnings(field);
CREATE INDEX parse_warnings_cable_id ON parse_warnings(cable_id);

CREATE TABLE ingest_errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES ingest_runs(id) ON DELETE CASCADE,
    source_path TEXT NOT NULL,
    location TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX ingest_errors_run_id ON ingest_errors(run_id);
