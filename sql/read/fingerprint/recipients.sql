-- stats --fingerprint: recipients keyed by their cable's reference id, never by row id.
SELECT json_array(c.reference_id, r.position, r.kind, r.route, r.name, r.precedence, r.mcn)
FROM recipients r JOIN cables c ON c.id = r.cable_id
