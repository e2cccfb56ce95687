-- title: Cables signed by a person
-- description: Cables whose signature matches :signer (e.g. SCHIEFFER; case-insensitive, % wildcards allowed), newest first.
SELECT reference_id,
       created_at,
       origin,
       classification,
       subject
FROM cables
WHERE signer LIKE :signer
ORDER BY created_at DESC, reference_id;
