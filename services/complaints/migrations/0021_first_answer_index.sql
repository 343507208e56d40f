-- The warnings walk complaints not yet dispatched that owe a first answer
-- in the order it is due (store::awaiting): by status, then feedback_due.
CREATE INDEX IF NOT EXISTS complaints_by_status_feedback ON complaints (status, feedback_due);
