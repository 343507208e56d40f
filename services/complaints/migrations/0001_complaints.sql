-- Requests from every intake channel. Times are UTC microseconds; enum
-- values are the lower-case codes of the REST API.
CREATE TABLE complaints (
    id                TEXT PRIMARY KEY,
    tracking_code     TEXT NOT NULL UNIQUE,
    channel           TEXT NOT NULL,
    request_type      TEXT NOT NULL,
    category          TEXT NOT NULL,
    content           TEXT NOT NULL,
    address           TEXT NOT NULL,
    division_code     TEXT NOT NULL,
    complainant_name  TEXT,
    complainant_phone TEXT,
    urgent            BIGINT NOT NULL,
    status            TEXT NOT NULL,
    received_at       BIGINT NOT NULL,
    reply_due         BIGINT NOT NULL,
    feedback_due      BIGINT,
    version           BIGINT NOT NULL
);

CREATE INDEX complaints_by_received ON complaints (received_at, id);
CREATE INDEX complaints_by_division ON complaints (division_code, received_at);
