-- show --format json: what the parser could not read in the cable.
SELECT field, message
FROM parse_warnings
WHERE cable_id = :cable_id
ORDER BY id
