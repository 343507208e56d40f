-- The workflow after intake: what it has recorded (JSON), the unit a
-- complaint is dispatched to (who may handle and read it), and every step as
-- an event — who, when, from which state, note — in an append-only timeline.
ALTER TABLE complaints ADD COLUMN handling TEXT NOT NULL DEFAULT '{}';
ALTER TABLE complaints ADD COLUMN handling_unit TEXT;
CREATE INDEX complaints_by_unit ON complaints (handling_unit, received_at);
CREATE INDEX complaints_by_status_due ON complaints (status, reply_due);

CREATE TABLE complaint_events (
    complaint_id TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    note         TEXT NOT NULL,
    detail       TEXT NOT NULL,
    PRIMARY KEY (complaint_id, seq)
);
