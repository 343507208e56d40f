-- A registration whose ID number is already on the county's register outside
-- the registering township is held (`held_for` names the record on the
-- register) for the county to resolve, so that the township's answer does not
-- reveal who is on record elsewhere. The register holds each ID number once;
-- a township holds one registration of a number at most.
--
-- SQLite cannot drop a column's inline UNIQUE, so the table is rebuilt. With
-- foreign keys deferred, the rows dropped and put back into `people` balance
-- out before commit, and the children's references stay checked.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE people_before AS SELECT * FROM people;

CREATE TABLE people_next (
    id               TEXT PRIMARY KEY,
    division_code    TEXT NOT NULL,
    name             TEXT NOT NULL,
    id_number        TEXT NOT NULL,
    unit             TEXT NOT NULL,
    employment       TEXT NOT NULL,
    section_level    BIGINT NOT NULL,
    enforcement_post BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    rank             TEXT NOT NULL DEFAULT '',
    held_for         TEXT REFERENCES people_next (id)
);

DROP TABLE people;
ALTER TABLE people_next RENAME TO people;

INSERT INTO people (id, division_code, name, id_number, unit, employment, section_level, enforcement_post, version, rank)
SELECT id, division_code, name, id_number, unit, employment, section_level, enforcement_post, version, rank
FROM people_before;

DROP TABLE people_before;

CREATE INDEX people_by_division ON people (division_code);
CREATE UNIQUE INDEX people_on_register ON people (id_number) WHERE held_for IS NULL;
CREATE UNIQUE INDEX people_held_once ON people (id_number, division_code) WHERE held_for IS NOT NULL;
CREATE INDEX people_held_for ON people (held_for) WHERE held_for IS NOT NULL;
