-- The indexes a first load sets aside (`store::indexes::defer`): every index of the tables it
-- fills (?1, a JSON array of names) that was made by CREATE INDEX (UNIQUE constraints and
-- primary keys have no `sql` and stay: they are what the writer looks up and upserts by),
-- except those whose first column is the row's `id` or its cable's `cable_id`. Those grow at
-- their end as cables are appended, so they cost little per row, and the writer reads by them
-- while it loads: a cable's sources when another rendering of it arrives
-- (`cable_sources_cable`), its markings and warnings when a richer source replaces them.
SELECT m.name, m.sql
FROM sqlite_master m
WHERE m.type = 'index'
  AND m.sql IS NOT NULL
  AND m.tbl_name IN (SELECT value FROM json_each(?1))
  AND (SELECT i.name FROM pragma_index_info(m.name) i WHERE i.seqno = 0) NOT IN ('id', 'cable_id')
ORDER BY m.tbl_name, m.name;
