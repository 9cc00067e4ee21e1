-- Explanations and acceptance: a flag accepted with a note stays accepted
-- while the values it was about (its digest) stay the same.
ALTER TABLE flags ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE flags ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE flags ADD COLUMN accepted_by TEXT NOT NULL DEFAULT '';
ALTER TABLE flags ADD COLUMN accepted_at TEXT;
ALTER TABLE flags ADD COLUMN accepted_digest TEXT NOT NULL DEFAULT '';

-- Why a figure has its value ("责任单位未报送，取自市统计局").
ALTER TABLE figures ADD COLUMN reason TEXT NOT NULL DEFAULT '';

-- The outcome of every rule at the latest sync.
CREATE TABLE rule_results (
    rule         TEXT PRIMARY KEY,
    class        TEXT NOT NULL,
    state        TEXT NOT NULL, -- pass | fail | incomplete | error
    inputs       TEXT NOT NULL DEFAULT '[]', -- JSON [{indicator, period, value, has_value}]
    waiting      TEXT NOT NULL DEFAULT '[]', -- JSON [{indicator, period}]
    detail       TEXT NOT NULL DEFAULT '',
    evaluated_at TEXT NOT NULL
);
