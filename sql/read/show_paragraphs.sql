-- show: the paragraphs in order, with number, marking as written, level, caveats, heading.
SELECT position, number, marking, level, caveats, heading, text
FROM paragraphs
WHERE cable_id = :cable_id
ORDER BY position
