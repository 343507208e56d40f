-- A ticket pushed by another platform keeps that platform's key: the pair
-- is unique, so a re-push can never record a second complaint.
ALTER TABLE complaints ADD COLUMN source TEXT;
ALTER TABLE complaints ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX complaints_by_external ON complaints (source, external_id);
