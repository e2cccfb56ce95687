-- stats --fingerprint: every source of every cable (issue 10), without the run that recorded
-- it, so the same inputs give the same rows in one run or in several, in any order.
SELECT json_array(c.reference_id, s.content_sha256, s.source_path, s.source_format,
    s.source_row, s.published_id, s.created_at, s.released_at, s.classification, s.origin,
    s.title)
FROM cable_sources s JOIN cables c ON c.id = s.cable_id
