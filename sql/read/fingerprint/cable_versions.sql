-- stats --fingerprint: which versions each cable has had. Their source and first run depend on
-- the order in which the inputs came, so only the cable and the version's identity count.
SELECT json_array(c.reference_id, v.content_sha256)
FROM cable_versions v JOIN cables c ON c.id = v.cable_id
