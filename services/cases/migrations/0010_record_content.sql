-- When a record's content was uploaded to the record store and checked
-- against its registered size and SHA-256 (unset: metadata only).
ALTER TABLE case_records ADD COLUMN content_stored_at BIGINT;
