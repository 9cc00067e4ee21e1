-- Issue 12: what a value's row was like, and what became of each sheet.
-- hidden_row: the value's row is hidden in the sheet (its value counts, and
-- explain says so). fraction: a % indicator's value between 0 and 1 written
-- without a % sign, maybe a fraction typed for a percentage.
ALTER TABLE observations ADD COLUMN hidden_row INTEGER NOT NULL DEFAULT 0;
ALTER TABLE observations ADD COLUMN fraction INTEGER NOT NULL DEFAULT 0;

-- Every sheet of a read file: read, or skipped and why (JSON list of
-- sheets.SheetOutcome).
ALTER TABLE reads ADD COLUMN sheets TEXT NOT NULL DEFAULT '[]';

-- Findings are dated by when the department's files first held them.
CREATE INDEX findings_indicator ON findings (indicator, period);

-- Flags are identified without file paths or cells from now on; the
-- existing flags are re-keyed by rekeyFlags (storage/rekey.go), which runs
-- in this migration's transaction.
