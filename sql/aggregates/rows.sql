-- The `agg_cables` rows of the cables in `temp.stale` (see stale.sql), computed from their
-- stored rows: the definition of an `agg_cables` row. The writer stores each cable's row
-- with the cable from the values it has in hand (cable.sql); this recomputes the rows an
-- older version of cable-archive, or a run killed before this change, left out of date, and
-- tests/bi.rs checks that the writer's rows equal what it computes.
--
-- Runs on the bundled SQLite of cable-archive (aggregate ORDER BY needs 3.44); the views that
-- read these tables stay within what older SQLite (Python's, Datasette's) understands.

INSERT OR REPLACE INTO agg_cables (id, ingest_run_id, reference_id, created_at, sent_at,
    released_at, year, month, classification, origin, subject, signer, tags, markings,
    to_count, info_count, paragraph_count, reference_count, source_format)
SELECT c.id, c.ingest_run_id, c.reference_id, c.created_at, c.sent_at, c.released_at,
       CAST(strftime('%Y', c.created_at) AS INTEGER),
       strftime('%Y-%m', c.created_at),
       c.classification, c.origin, c.subject, c.signer,
       (SELECT json_group_array(t.code ORDER BY ct.position)
        FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.cable_id = c.id),
       -- handling markings of the opening, each once, in the order they first appear (the
       -- index on cable_id yields them by rowid; DISTINCT keeps the first: 2.4x cheaper on
       -- the full archive than grouping and sorting them)
       (SELECT json_group_array(DISTINCT m.marking) FROM markings m
        WHERE m.cable_id = c.id AND m.marking NOT IN ('PASS', 'DISTRIBUTION')),
       (SELECT count(*) FROM recipients r WHERE r.cable_id = c.id AND r.kind = 'to'),
       (SELECT count(*) FROM recipients r WHERE r.cable_id = c.id AND r.kind = 'info'),
       (SELECT count(*) FROM paragraphs p WHERE p.cable_id = c.id),
       (SELECT count(*) FROM cable_references r WHERE r.cable_id = c.id),
       c.source_format
FROM temp.stale s JOIN cables c ON c.id = s.id;
