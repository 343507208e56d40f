-- A period's closings and payments are counted by their own days.
CREATE INDEX cases_by_closing ON cases (division_code, closed_at);
CREATE INDEX cases_by_payment ON cases (division_code, paid_on);
