-- title: Cables that cite a cable
-- description: Cables whose REF block cites :reference_id (e.g. 08STATE12345), with the reference as written.
SELECT c.reference_id AS citing_reference_id,
       c.created_at,
       c.origin,
       c.subject,
       r.text AS reference_text
FROM cable_references r
JOIN cables c ON c.id = r.cable_id
WHERE r.target_reference_id = upper(:reference_id)
ORDER BY c.created_at, c.reference_id;
