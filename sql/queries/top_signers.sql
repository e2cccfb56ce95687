-- title: Top signers
-- description: Who signed the most cables created from :from to :to (YYYY-MM-DD; blank = unbounded), with the posts they signed from and the period, most first.
SELECT signer,
       count(*) AS cables,
       count(DISTINCT origin) AS posts,
       min(created_at) AS first_signed,
       max(created_at) AS last_signed
FROM agg_cables
WHERE signer IS NOT NULL
  AND (:from = '' OR created_at >= :from)
  AND (:to = '' OR created_at < date(:to, '+1 day'))
GROUP BY signer
ORDER BY cables DESC, signer
LIMIT 100;
