-- title: Paragraphs by marking, date and tag
-- description: Paragraphs whose portion marking is :marking (e.g. S/NF, C, SBU), in cables created from :from to :to (YYYY-MM-DD; blank = unbounded) carrying :tag (blank = any tag), oldest first; at most 1,000.
-- The cables are walked in date order and their paragraphs probed (CROSS JOIN keeps that
-- order): the first thousand come early for the common markings, without sorting them all.
SELECT a.reference_id,
       a.created_at,
       a.classification,
       p.number AS paragraph,
       p.marking,
       p.heading,
       p.text
FROM agg_cables a
CROSS JOIN paragraphs p ON p.cable_id = a.id
WHERE p.marking = upper(:marking)
  AND (:from = '' OR a.created_at >= :from)
  AND (:to = '' OR a.created_at < date(:to, '+1 day'))
  AND (:tag = '' OR EXISTS (SELECT 1 FROM cable_tags ct
                            WHERE ct.cable_id = a.id
                              AND ct.tag_id = (SELECT id FROM tags WHERE code = upper(:tag))))
ORDER BY a.created_at, a.reference_id, p.position
LIMIT 1000;
