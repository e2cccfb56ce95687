-- V2: parse fidelity. Why: researchers query by what a cable cites, when it may be
-- declassified, and which id it was published under; the parser now reads REF items,
-- non-date declassification instructions and malformed ids, and describes tags.

ALTER TABLE cables ADD COLUMN published_id TEXT;
ALTER TABLE cables ADD COLUMN declassify_raw TEXT;
-- Which parser produced the rows: a re-ingest re-parses cables stored by another version.
ALTER TABLE cables ADD COLUMN parser_version TEXT;
ALTER TABLE tags ADD COLUMN description TEXT;

CREATE TABLE cable_references (
    id INTEGER PRIMARY KEY,
    cable_id INTEGER NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    bullet TEXT,
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cable', 'email', 'memcon', 'telcon', 'other')),
    target_reference_id TEXT,
    UNIQUE (cable_id, position)
);
CREATE INDEX cable_references_target ON cable_references(target_reference_id);
CREATE INDEX cables_sent_at ON cables(sent_at);
CREATE INDEX cables_published_id ON cables(published_id);
