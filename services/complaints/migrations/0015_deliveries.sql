-- Answering back (回传): the endpoint each platform registered, and every
-- step of its tickets to deliver there, written with the step, tried until
-- the platform answers 2xx or, after every try, dead-lettered.
CREATE TABLE delivery_endpoints (
    source     TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE complaint_deliveries (
    position        BIGINT PRIMARY KEY,
    source          TEXT NOT NULL,
    complaint_id    TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT NOT NULL DEFAULT 0,
    delivered_at    BIGINT,
    dead_at         BIGINT,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_deliveries_due ON complaint_deliveries (delivered_at, dead_at, next_attempt_at);
CREATE INDEX complaint_deliveries_by_ticket ON complaint_deliveries (complaint_id, position);
CREATE INDEX complaint_deliveries_dead ON complaint_deliveries (source, dead_at);
