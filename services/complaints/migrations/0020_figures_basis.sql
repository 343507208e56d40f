-- Which rules the running totals were counted by: a row 'per_complaint'
-- once they were rebuilt from the timelines by today's (each figure per
-- complaint, never per step). Without it the service recounts at start.
CREATE TABLE complaint_figures_basis (basis TEXT PRIMARY KEY);
