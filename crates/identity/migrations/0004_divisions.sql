-- The county's divisions by name (行政区划): townships and villages the
-- oversight summary and reports list, kept by the county.
CREATE TABLE divisions (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
