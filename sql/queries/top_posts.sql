-- title: Top posts by classification per year
-- description: The ten posts that sent the most cables in each year and classification, for :classification (e.g. SECRET//NOFORN; blank = every classification) and months from :from to :to (YYYY-MM-DD; blank = unbounded).
SELECT year,
       classification,
       origin,
       cables
FROM (SELECT year,
             classification,
             origin,
             CAST(sum(cables) AS INTEGER) AS cables,
             row_number() OVER (PARTITION BY year, classification
                                ORDER BY sum(cables) DESC, origin) AS place
      FROM agg_cables_per_month
      WHERE (:classification = '' OR classification = upper(:classification))
        AND (:from = '' OR month >= substr(:from, 1, 7))
        AND (:to = '' OR month <= substr(:to, 1, 7))
      GROUP BY year, classification, origin)
WHERE place <= 10
ORDER BY year, classification, cables DESC, origin;
