-- show: the cable-level handling markings in the order found.
SELECT marking, detail, place
FROM markings
WHERE cable_id = :cable_id
ORDER BY id
