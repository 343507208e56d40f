-- Everything after filing (notice, defence, hearing, review, discussion,
-- decision, service, payment, closing) as the case's recorded steps, and
-- the reviewer named for "first review" checks.
ALTER TABLE cases ADD COLUMN proceedings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE cases ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_by_reviewer ON cases (reviewer);
