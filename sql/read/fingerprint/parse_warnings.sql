-- stats --fingerprint: parse warnings keyed by their cable's reference id.
SELECT json_array(c.reference_id, w.field, w.message)
FROM parse_warnings w JOIN cables c ON c.id = w.cable_id
