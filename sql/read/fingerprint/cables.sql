-- stats --fingerprint: every column of a cable except its row id and ingest run, as one JSON
-- array per row (rows are sorted in Rust, so insertion order does not matter).
SELECT json_array(reference_id, published_id, created_at, released_at, classification, origin,
    title, subject, header_kind, transmission_id, precedence, date_time_group, sent_at, sender,
    banner, section_count, declassify_on, declassify_raw, classified_by,
    classification_reasons, signer, summary, header, body, source_path, source_format,
    source_row, content_sha256, classification_level, noforn, signer_key)
FROM cables
