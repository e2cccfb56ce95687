-- show: the cable's TAGS in the order written, with their kind and description.
SELECT t.code, t.kind, t.description
FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id
WHERE ct.cable_id = :cable_id
ORDER BY ct.position
