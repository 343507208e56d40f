-- The first day any deadline of a case is near or passed (its warnings are
-- read from then on, earliest first), kept with each step; NULL when it has
-- none. Computed under the rules and the calendar named by the basis, so a
-- store recomputes it once when either changes.
ALTER TABLE cases ADD COLUMN watch_from TEXT;
CREATE INDEX cases_by_watch ON cases (watch_from, id);
CREATE TABLE case_watch_basis (
    basis TEXT PRIMARY KEY
);
