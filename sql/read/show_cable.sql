-- show: the cable row (by canonical :reference_id) with what `show` prints.
SELECT id, reference_id, published_id, created_at, sent_at, released_at, classification,
       classification_level, noforn, origin, sender, precedence, date_time_group, subject,
       section_count, declassify_on, declassify_raw, classified_by, classification_reasons,
       signer, signer_key, summary, source_format, source_path, source_row
FROM cables
WHERE reference_id = :reference_id
