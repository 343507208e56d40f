-- The routing list (派单目录) of a division, every edit a new version of the
-- whole list (JSON lines: category, village, unit).
CREATE TABLE routing_lists (
    division_code TEXT NOT NULL,
    version       BIGINT NOT NULL,
    routes        TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (division_code, version)
);
