-- Refresh the aggregate tables of V5 after an ingest (`store::aggregates::refresh`), inside
-- its transaction. `temp.stale` holds the cables written since their `agg_cables` row was
-- computed: every cable after a first load, the cables of this run afterwards, and those of a
-- run killed before it got here. Per-cable rows and citation keys are refreshed for those
-- only; the aggregates (a few thousand rows) are recomputed whole, which on the full archive
-- costs less than tracking what changed.
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

-- Citation keys: every reference without one whose cited cable is in the archive. That covers
-- the references of cables written in this run (the writer stores them without a key) and
-- older references to cables that have just arrived; a key once set stays right (a cable keeps
-- its id, and ON DELETE SET NULL clears it). Only the rows that gain a key are written.
UPDATE cable_references
SET target_cable_id = (SELECT t.id FROM cables t WHERE t.reference_id = cable_references.target_reference_id)
WHERE target_cable_id IS NULL
  AND target_reference_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM cables t WHERE t.reference_id = cable_references.target_reference_id);

DELETE FROM agg_tag_counts;
INSERT INTO agg_tag_counts (tag_id, cables, first_created, last_created)
SELECT ct.tag_id, count(*), min(a.created_at), max(a.created_at)
FROM cable_tags ct CROSS JOIN agg_cables a ON a.id = ct.cable_id
GROUP BY ct.tag_id;

DELETE FROM agg_cables_per_month;
INSERT INTO agg_cables_per_month (month, year, origin, classification, cables,
    first_created, last_created)
SELECT month, year, origin, classification, count(*), min(created_at), max(created_at)
FROM agg_cables
GROUP BY month, origin, classification
ORDER BY month, origin, classification;

DELETE FROM agg_recipient_counts;
INSERT INTO agg_recipient_counts (route, name, as_to, as_info, cables)
SELECT route, name, sum(kind = 'to'), sum(kind = 'info'), count(DISTINCT cable_id)
FROM recipients
GROUP BY name, route
ORDER BY count(DISTINCT cable_id) DESC, name;

DELETE FROM agg_most_cited;
INSERT INTO agg_most_cited (cited_reference_id, cited_cable_id, times_cited, in_archive)
SELECT target_reference_id, max(target_cable_id), count(DISTINCT cable_id),
       max(target_cable_id) IS NOT NULL
FROM cable_references
WHERE kind = 'cable' AND target_reference_id IS NOT NULL
GROUP BY target_reference_id;
