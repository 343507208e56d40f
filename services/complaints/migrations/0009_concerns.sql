-- A report about enforcement conduct names a unit and an officer who must
-- never read it; kept as columns so lists leave it out for them.
ALTER TABLE complaints ADD COLUMN concerns_unit TEXT;
ALTER TABLE complaints ADD COLUMN concerns_officer TEXT;
