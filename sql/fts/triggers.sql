-- Complete a built search index: merging back on for the updates that follow, and the
-- triggers that keep it in step with paragraphs and cables from now on. Their presence marks
-- the index complete (`store::fts_state`).
INSERT INTO paragraphs_fts(paragraphs_fts, rank) VALUES ('automerge', 4);
INSERT INTO cables_fts(cables_fts, rank) VALUES ('automerge', 4);

CREATE TRIGGER IF NOT EXISTS [paragraphs_ai] AFTER INSERT ON [paragraphs] BEGIN
  INSERT INTO [paragraphs_fts] (rowid, [text], [heading]) VALUES (new.[id], new.[text], new.[heading]);
END;
CREATE TRIGGER IF NOT EXISTS [paragraphs_ad] AFTER DELETE ON [paragraphs] BEGIN
  INSERT INTO [paragraphs_fts] ([paragraphs_fts], rowid, [text], [heading]) VALUES('delete', old.[id], old.[text], old.[heading]);
END;
CREATE TRIGGER IF NOT EXISTS [paragraphs_au] AFTER UPDATE ON [paragraphs] BEGIN
  INSERT INTO [paragraphs_fts] ([paragraphs_fts], rowid, [text], [heading]) VALUES('delete', old.[id], old.[text], old.[heading]);
  INSERT INTO [paragraphs_fts] (rowid, [text], [heading]) VALUES (new.[id], new.[text], new.[heading]);
END;
CREATE TRIGGER IF NOT EXISTS [cables_ai] AFTER INSERT ON [cables] BEGIN
  INSERT INTO [cables_fts] (rowid, [subject], [summary]) VALUES (new.[id], new.[subject], new.[summary]);
END;
CREATE TRIGGER IF NOT EXISTS [cables_ad] AFTER DELETE ON [cables] BEGIN
  INSERT INTO [cables_fts] ([cables_fts], rowid, [subject], [summary]) VALUES('delete', old.[id], old.[subject], old.[summary]);
END;
CREATE TRIGGER IF NOT EXISTS [cables_au] AFTER UPDATE ON [cables] BEGIN
  INSERT INTO [cables_fts] ([cables_fts], rowid, [subject], [summary]) VALUES('delete', old.[id], old.[subject], old.[summary]);
  INSERT INTO [cables_fts] (rowid, [subject], [summary]) VALUES (new.[id], new.[subject], new.[summary]);
END;
