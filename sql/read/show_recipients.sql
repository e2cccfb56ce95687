-- show: the cable's TO / INFO / XMT addressees in header order.
SELECT kind, route, name, precedence, mcn
FROM recipients
WHERE cable_id = :cable_id
ORDER BY position
