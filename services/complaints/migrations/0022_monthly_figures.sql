-- Each running total also summed per month (YYYY-MM), kept in the same
-- transaction as the day's: a period's whole months are read a row each.
CREATE TABLE complaint_figures_monthly (
    division_code TEXT NOT NULL,
    month         TEXT NOT NULL,
    figure        TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (division_code, month, figure)
);

INSERT INTO complaint_figures_monthly (division_code, month, figure, n)
SELECT division_code, substr(day, 1, 7), figure, SUM(n)
FROM complaint_figures
GROUP BY division_code, substr(day, 1, 7), figure;
