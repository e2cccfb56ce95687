-- stats --fingerprint: cable-level markings keyed by their cable's reference id.
SELECT json_array(c.reference_id, m.marking, m.detail, m.place)
FROM markings m JOIN cables c ON c.id = m.cable_id
