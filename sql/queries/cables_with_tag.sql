-- title: Cables with a tag in a period
-- description: Cables whose TAGS line carries :tag (e.g. PREL, KN), created from :from to :to inclusive (YYYY-MM-DD), oldest first.
SELECT c.reference_id,
       c.created_at,
       c.classification,
       c.origin,
       c.subject
FROM cables c
JOIN cable_tags ct ON ct.cable_id = c.id
JOIN tags t ON t.id = ct.tag_id
WHERE t.code = upper(:tag)
  AND c.created_at >= :from
  AND c.created_at < date(:to, '+1 day')
ORDER BY c.created_at, c.reference_id;
