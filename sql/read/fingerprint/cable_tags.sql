-- stats --fingerprint: each cable's tags with the tag's code, kind and description.
SELECT json_array(c.reference_id, ct.position, t.code, t.kind, t.description)
FROM cable_tags ct JOIN cables c ON c.id = ct.cable_id JOIN tags t ON t.id = ct.tag_id
