-- Running totals per division, China calendar day (YYYY-MM-DD) and figure
-- ("received", "channel:hotline_12345", "accepted_on_time", "due", …), kept
-- in the transaction of the intake or step they count.
CREATE TABLE complaint_figures (
    division_code TEXT NOT NULL,
    day           TEXT NOT NULL,
    figure        TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (division_code, day, figure)
);
