-- The last 案号 and decision number given per agency (division), year and
-- kind: numbers are taken in the step's own transaction, so none is skipped
-- or given twice.
CREATE TABLE case_numbers (
    division_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (division_code, year, kind)
);
