-- The day a lead was declined (不予立案) or a case terminated (终止), so a
-- period counts them by it.
ALTER TABLE cases ADD COLUMN ended_on TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_by_ending ON cases (division_code, ended_on);
