-- The id a caller gave its create request (derived from the Idempotency-Key):
-- a retry finds the complaint its first attempt created.
ALTER TABLE complaints ADD COLUMN request_id TEXT;
CREATE UNIQUE INDEX complaints_by_request_id ON complaints (request_id);
