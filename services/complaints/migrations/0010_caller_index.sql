-- Earlier requests of the same caller, for suggesting repeats.
CREATE INDEX complaints_by_caller ON complaints (complainant_phone, received_at);
