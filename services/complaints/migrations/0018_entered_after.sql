-- A step entered after the fact keeps both times: `at` when it happened,
-- `recorded_at` when it was entered (NULL: entered as it happened).
ALTER TABLE complaint_events ADD COLUMN recorded_at BIGINT;
