-- Full-process records (全过程记录): what was recorded for which step, its
-- SHA-256 and size, where it is kept, who recorded it on which device, when.
CREATE TABLE case_records (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    step        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    location    TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    device      TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);

CREATE INDEX case_records_by_case ON case_records (case_id, recorded_at, id);
