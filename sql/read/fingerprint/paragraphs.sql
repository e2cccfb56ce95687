-- stats --fingerprint: paragraphs keyed by their cable's reference id and position.
SELECT json_array(c.reference_id, p.position, p.number, p.marking, p.heading, p.text, p.level,
    p.caveats)
FROM paragraphs p JOIN cables c ON c.id = p.cable_id
