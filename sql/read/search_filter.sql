-- search: the cable filters, on the cable of a hit (`hit.cable_id`); true when none is given.
-- Inserted where search.sql and search_newest.sql say /* search_filter.sql */. :from and :to
-- are days (`src/dates.rs` makes `2009` the whole year), :to inclusive.
(:from IS NULL AND :to IS NULL AND :tag IS NULL AND :classification IS NULL AND :origin IS NULL)
OR EXISTS (
    -- The index holds every column tested here (migration V6).
    SELECT 1 FROM cables c INDEXED BY cables_search_filters
    WHERE c.id = hit.cable_id
      AND (:from IS NULL OR c.created_at >= :from)
      AND (:to IS NULL OR c.created_at < date(:to, '+1 day'))
      AND (:tag IS NULL OR EXISTS (
            SELECT 1 FROM cable_tags ct JOIN tags t ON t.id = ct.tag_id
            WHERE ct.cable_id = c.id AND t.code = upper(:tag)))
      AND (:classification IS NULL OR c.classification_level = :classification)
      AND (:origin IS NULL OR c.origin LIKE :origin))
