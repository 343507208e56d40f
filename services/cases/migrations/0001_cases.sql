-- Enforcement cases, from lead (线索) to closing (结案). Times are UTC microseconds.
CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    division_code TEXT NOT NULL,
    status        TEXT NOT NULL,
    lead_at       BIGINT NOT NULL,
    filed_at      BIGINT,
    decided_at    BIGINT,
    closed_at     BIGINT,
    version       BIGINT NOT NULL
);

CREATE INDEX cases_by_division ON cases (division_code, lead_at);
