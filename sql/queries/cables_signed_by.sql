-- title: Cables signed by a person
-- description: Cables whose signer key (the signature upper-cased, white space collapsed) matches :signer (e.g. SCHIEFFER; case-insensitive, % wildcards allowed), newest first.
-- signer_key sits after the body in each row (added by V6); reading it from the table walks
-- every body's overflow pages (14 s on the full archive), its index holds it (0.1 s).
SELECT reference_id,
       created_at,
       origin,
       classification,
       subject
FROM cables INDEXED BY cables_signer_key
WHERE signer_key LIKE :signer
ORDER BY created_at DESC, reference_id;
