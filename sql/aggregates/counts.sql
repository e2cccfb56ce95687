-- The counts behind the views (`store::aggregates::refresh`), in its transaction, after a
-- run that wrote cables or merged their metadata, or found agg_cables rows out of date, or
-- found a run killed before it got here: citation keys, then `agg_tag_counts`,
-- `agg_cables_per_month`, `agg_recipient_counts` and `agg_most_cited` recomputed whole (a few
-- thousand rows each, grouped from covering indexes), which on the full archive costs less
-- than tracking what changed.

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
