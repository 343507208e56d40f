-- Every timeline event's place in one feed, in commit order. A step takes
-- the next position from the head row, which stays locked until the step
-- commits, so no event ever becomes visible behind one a reader has passed.
CREATE TABLE complaint_feed (
    position     BIGINT PRIMARY KEY,
    complaint_id TEXT NOT NULL,
    seq          BIGINT NOT NULL
);
CREATE TABLE complaint_feed_head (
    id   BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);
-- The events recorded before the feed, in the order they happened.
INSERT INTO complaint_feed (position, complaint_id, seq)
SELECT ROW_NUMBER() OVER (ORDER BY at, complaint_id, seq), complaint_id, seq FROM complaint_events;
INSERT INTO complaint_feed_head (id, last) SELECT 1, COUNT(*) FROM complaint_events;

-- When each complaint last changed (intake, a step, a re-push): its last
-- event's time, or its receipt.
ALTER TABLE complaints ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE complaints SET updated_at = COALESCE(
    (SELECT MAX(e.at) FROM complaint_events e WHERE e.complaint_id = complaints.id),
    received_at
);
