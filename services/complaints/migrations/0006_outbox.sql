-- Messages to other services written in the transaction of the step that
-- sends them, delivered by a relay with retries (several relays may run:
-- each claims a message for a lease before delivering it).
CREATE TABLE complaint_outbox (
    id              TEXT PRIMARY KEY,
    topic           TEXT NOT NULL,
    complaint_id    TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT NOT NULL DEFAULT 0,
    delivered_at    BIGINT,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_outbox_due ON complaint_outbox (delivered_at, next_attempt_at);

-- The lead an escalation created in the cases service, once delivered.
ALTER TABLE complaints ADD COLUMN lead_id TEXT;
