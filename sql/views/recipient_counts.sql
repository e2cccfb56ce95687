-- recipient_counts: each addressee (routing indicator and name) and how often it was
-- addressed for action (TO) and for information (INFO).
-- Columns: route, name, as_to, as_info, cables.
--
-- From `agg_recipient_counts`, refreshed by each ingest.
CREATE VIEW recipient_counts AS
SELECT route,
       name,
       as_to,
       as_info,
       cables
FROM agg_recipient_counts
ORDER BY cables DESC, name;
