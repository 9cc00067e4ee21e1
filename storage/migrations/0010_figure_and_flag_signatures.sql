-- A sync writes only the figures and flags that changed: each row keeps a
-- signature of what it says, compared with the new result's. Figures keep
-- their catalogue order in ord, not in rowid, since an unchanged figure is
-- no longer deleted and inserted again.
ALTER TABLE figures ADD COLUMN ord INTEGER NOT NULL DEFAULT 0;
ALTER TABLE figures ADD COLUMN sig TEXT NOT NULL DEFAULT '';
UPDATE figures SET ord = rowid;
ALTER TABLE flags ADD COLUMN sig TEXT NOT NULL DEFAULT '';
