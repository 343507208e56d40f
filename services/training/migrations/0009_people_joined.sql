-- The day a person joined the division's staff, so a head count of an
-- earlier day leaves them out (empty: on record before any day asked about).
ALTER TABLE people ADD COLUMN joined_on TEXT NOT NULL DEFAULT '';
