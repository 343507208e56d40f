-- The feed keeps a setting's days of steps (90 by default): each position
-- knows when it was committed, and the head row knows through which
-- position the feed was pruned, so an older cursor is answered as expired.
ALTER TABLE complaint_feed ADD COLUMN committed_at BIGINT NOT NULL DEFAULT 0;
UPDATE complaint_feed SET committed_at = COALESCE(
    (SELECT e.at FROM complaint_events e
      WHERE e.complaint_id = complaint_feed.complaint_id AND e.seq = complaint_feed.seq),
    0
);
ALTER TABLE complaint_feed_head ADD COLUMN pruned_through BIGINT NOT NULL DEFAULT 0;
