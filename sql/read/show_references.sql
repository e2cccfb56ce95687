-- show: the REF items, and whether each cited cable is in this archive.
SELECT r.bullet, r.text, r.kind, r.target_reference_id,
       t.reference_id IS NOT NULL AS in_archive
FROM cable_references r LEFT JOIN cables t ON t.reference_id = r.target_reference_id
WHERE r.cable_id = :cable_id
ORDER BY r.position
