-- stats --fingerprint: REF items keyed by their cable's reference id and position.
SELECT json_array(c.reference_id, r.position, r.bullet, r.text, r.kind, r.target_reference_id)
FROM cable_references r JOIN cables c ON c.id = r.cable_id
