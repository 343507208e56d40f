-- The original a merged duplicate (重复件) was merged into, as a column:
-- the original's reply and follow-up count for its duplicates, found by it.
ALTER TABLE complaints ADD COLUMN duplicate_of TEXT;
CREATE INDEX complaints_duplicate_of ON complaints (duplicate_of) WHERE duplicate_of IS NOT NULL;
