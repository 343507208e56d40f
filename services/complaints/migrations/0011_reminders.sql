-- When an overdue complaint was last reminded of (督办 reminders), so it is
-- reminded once a day at most; kept apart from the versioned record so a
-- reminder never makes a handler's next step stale.
ALTER TABLE complaints ADD COLUMN reminded_at BIGINT;
CREATE INDEX complaints_open_by_due ON complaints (reply_due) WHERE status IN ('received', 'dispatched', 'accepted', 'returned');
