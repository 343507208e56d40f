-- The case figures' running totals per division, day and total (the
-- domain's tallies), moved in each step's own transaction; the basis they
-- were kept by, so a store rebuilds them from the cases once.
CREATE TABLE case_totals (
    division_code TEXT NOT NULL,
    day TEXT NOT NULL,
    total TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (division_code, day, total)
);
CREATE TABLE case_totals_basis (
    basis TEXT PRIMARY KEY
);
