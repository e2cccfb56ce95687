-- V5: Datasette and BI on the full archive (issue 12). Why: at 251,287 cables every
-- Datasette page that counted, grouped or sorted the whole archive took 1.3-3.4 s (tag_counts
-- hit Datasette's 1 s limit), BI tools could not tell a view's computed columns' types, and
-- the citation graph had no key to join on. The views keep their names and columns; the
-- counts behind them are now tables refreshed at the end of every ingest
-- (`sql/aggregates/refresh.sql`), and the columns Datasette filters and facets are indexed.

-- The cited cable's row when it is in the archive; filled at the end of each ingest, also
-- for references stored before the cable they cite arrived.
ALTER TABLE cable_references ADD COLUMN target_cable_id INTEGER REFERENCES cables(id) ON DELETE SET NULL;
CREATE INDEX cable_references_target_cable_id ON cable_references(target_cable_id);

-- One row per cable: what Datasette filters and facets on in `cable_overview` and
-- `cable_paragraphs` (year, month, tags and markings as JSON arrays, counts; Datasette's
-- array facet evaluates every column of the rows it facets) and the canned queries select on, narrow enough to scan in
-- milliseconds where `cables` rows carry whole bodies. `ingest_run_id` is the cable's at the
-- time the row was computed: a cable written since (by a later or a killed run) is stale.
CREATE TABLE agg_cables (
    id INTEGER PRIMARY KEY REFERENCES cables(id) ON DELETE CASCADE,
    ingest_run_id INTEGER,
    reference_id TEXT NOT NULL,
    created_at DATETIME,
    sent_at DATETIME,
    released_at DATETIME,
    year INTEGER,
    month TEXT,
    classification TEXT,
    origin TEXT,
    subject TEXT,
    signer TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    markings TEXT NOT NULL DEFAULT '[]',
    to_count INTEGER NOT NULL DEFAULT 0,
    info_count INTEGER NOT NULL DEFAULT 0,
    paragraph_count INTEGER NOT NULL DEFAULT 0,
    reference_count INTEGER NOT NULL DEFAULT 0,
    source_format TEXT
);
CREATE INDEX agg_cables_created_at ON agg_cables(created_at, reference_id);
CREATE INDEX agg_cables_year ON agg_cables(year);
CREATE INDEX agg_cables_classification ON agg_cables(classification);
CREATE INDEX agg_cables_origin ON agg_cables(origin);

-- The aggregate views' rows (`tag_counts`; `cables_per_month`, which `origin_counts` and
-- `classification_by_year` sum up; `recipient_counts`; `most_cited`), recomputed whole when an
-- ingest stored anything: a few thousand rows each.
CREATE TABLE agg_tag_counts (
    tag_id INTEGER PRIMARY KEY REFERENCES tags(id) ON DELETE CASCADE,
    cables INTEGER NOT NULL,
    first_created DATETIME,
    last_created DATETIME
);
CREATE TABLE agg_cables_per_month (
    month TEXT,
    year INTEGER,
    origin TEXT,
    classification TEXT,
    cables INTEGER NOT NULL,
    first_created DATETIME,
    last_created DATETIME
);
CREATE INDEX agg_cables_per_month_month ON agg_cables_per_month(month, origin, classification);
CREATE TABLE agg_recipient_counts (
    route TEXT,
    name TEXT NOT NULL,
    as_to INTEGER NOT NULL,
    as_info INTEGER NOT NULL,
    cables INTEGER NOT NULL
);
CREATE TABLE agg_most_cited (
    cited_reference_id TEXT PRIMARY KEY,
    cited_cable_id INTEGER REFERENCES cables(id) ON DELETE SET NULL,
    times_cited INTEGER NOT NULL,
    in_archive INTEGER NOT NULL
);
CREATE INDEX agg_most_cited_times_cited ON agg_most_cited(times_cited DESC, cited_reference_id);

-- Columns Datasette facets and filters by default (`datasette-metadata` configures facets
-- only on indexed columns) and the canned queries select on.
CREATE INDEX cables_source_format ON cables(source_format);
CREATE INDEX paragraphs_marking ON paragraphs(marking);
-- Covering indexes in place of V1's single-column ones (same names, same uses, wider): the
-- refresh groups recipients by addressee and cable tags by tag without sorting 1.4-1.7
-- million rows, and `cables_by_tag?tag=…` counts without reading cable_tags.
DROP INDEX recipients_name;
CREATE INDEX recipients_name ON recipients(name, route, kind, cable_id);
DROP INDEX cable_tags_tag_id;
CREATE INDEX cable_tags_tag_id ON cable_tags(tag_id, cable_id);
CREATE INDEX cable_references_kind ON cable_references(kind);
