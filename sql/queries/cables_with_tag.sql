-- title: Cables with a tag in a period
-- description: Cables whose TAGS line carries :tag (e.g. PREL, KN), created from :from to :to inclusive (YYYY-MM-DD; blank = unbounded), oldest first.
SELECT a.reference_id,
       a.created_at,
       a.classification,
       a.origin,
       c.subject
FROM agg_cables a
JOIN cables c ON c.id = a.id
WHERE EXISTS (SELECT 1 FROM cable_tags ct
              WHERE ct.cable_id = a.id
                AND ct.tag_id = (SELECT id FROM tags WHERE code = upper(:tag)))
  AND (:from = '' OR a.created_at >= :from)
  AND (:to = '' OR a.created_at < date(:to, '+1 day'))
ORDER BY a.created_at, a.reference_id;
