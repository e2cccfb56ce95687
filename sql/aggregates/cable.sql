-- One cable's `agg_cables` row, stored by the writer with the cable (`Writer::insert`) from
-- the values it has in hand: ?1 id, ?2 run, ?3 reference_id, ?4 created_at, ?5 sent_at,
-- ?6 released_at, ?7 classification, ?8 origin, ?9 subject, ?10 signer, ?11 tags and ?12
-- markings (JSON arrays, markings each once without PASS and DISTRIBUTION), ?13 TO and ?14
-- INFO recipients, ?15 paragraphs, ?16 references, ?17 source_format. The same row as
-- rows.sql computes from the stored rows, without reading them back (tests/bi.rs compares).
INSERT OR REPLACE INTO agg_cables (id, ingest_run_id, reference_id, created_at, sent_at,
    released_at, year, month, classification, origin, subject, signer, tags, markings,
    to_count, info_count, paragraph_count, reference_count, source_format)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, CAST(strftime('%Y', ?4) AS INTEGER), strftime('%Y-%m', ?4),
    ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17);
