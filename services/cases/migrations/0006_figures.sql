-- The columns a period's figures are counted from, written at each step
-- from the case's proceedings, and the officer actions refused because an
-- officer was not certified.
ALTER TABLE cases ADD COLUMN decided_on TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN decided_on_time BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN review_required BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN review_approved BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN discussion_required BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN discussed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN fine_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN paid_on TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN paid_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN late_charge_fen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN days_to_filing BIGINT;
ALTER TABLE cases ADD COLUMN days_to_decision BIGINT;
CREATE INDEX cases_by_filing ON cases (division_code, filed_on);
CREATE INDEX cases_by_decision ON cases (division_code, decided_on);

CREATE TABLE certification_refusals (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL,
    division_code TEXT NOT NULL,
    officer       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    refused_on    TEXT NOT NULL,
    at            BIGINT NOT NULL
);

CREATE INDEX certification_refusals_by_division ON certification_refusals (division_code, refused_on);
