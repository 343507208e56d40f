-- See 0004_held_registrations.sql: registrations held for the county when
-- their ID number is on the register outside the registering township.
ALTER TABLE people DROP CONSTRAINT people_id_number_key;
ALTER TABLE people ADD COLUMN held_for TEXT REFERENCES people (id);

CREATE UNIQUE INDEX people_on_register ON people (id_number) WHERE held_for IS NULL;
CREATE UNIQUE INDEX people_held_once ON people (id_number, division_code) WHERE held_for IS NOT NULL;
CREATE INDEX people_held_for ON people (held_for) WHERE held_for IS NOT NULL;
