-- Reports naming an officer are few: found by index when their names are
-- brought to the one form names are compared in.
CREATE INDEX complaints_concerns_officer ON complaints (concerns_officer);
