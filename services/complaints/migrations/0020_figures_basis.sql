-- Which rules the running totals were counted by: a row 'per_complaint'
-- once they are kept by today's (each figure per complaint, never per
-- step). A store with complaints in it from before is recounted from the
-- timelines at the next start; a new one is counted so from its first.
CREATE TABLE complaint_figures_basis (basis TEXT PRIMARY KEY);
INSERT INTO complaint_figures_basis (basis)
SELECT 'per_complaint' WHERE NOT EXISTS (SELECT 1 FROM complaints);
