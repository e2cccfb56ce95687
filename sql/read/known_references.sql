-- Which of the candidate reference ids (a JSON array, ?1) the archive holds as a cable or
-- cites in a REF block: `STATE 127892` written without its year is looked up in every year.
SELECT value AS id
FROM json_each(?1)
WHERE EXISTS (SELECT 1 FROM cables WHERE reference_id = value)
   OR EXISTS (SELECT 1 FROM cable_references WHERE target_reference_id = value)
ORDER BY value
