-- recipient_counts: each addressee (routing indicator and name) and how often it was
-- addressed for action (TO) and for information (INFO).
-- Columns: route, name, as_to, as_info, cables.
CREATE VIEW recipient_counts AS
SELECT route,
       name,
       sum(kind = 'to') AS as_to,
       sum(kind = 'info') AS as_info,
       count(DISTINCT cable_id) AS cables
FROM recipients
GROUP BY route, name
ORDER BY cables DESC, name;
