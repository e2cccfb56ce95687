-- A cable's merged metadata (`Writer::merge_metadata`: each field from the richest source
-- that has it) into its `agg_cables` row; ?1 is the cable's id.
UPDATE agg_cables
SET (created_at, released_at, year, month, classification, origin) =
    (SELECT c.created_at, c.released_at, CAST(strftime('%Y', c.created_at) AS INTEGER),
            strftime('%Y-%m', c.created_at), c.classification, c.origin
     FROM cables c WHERE c.id = ?1)
WHERE id = ?1;
