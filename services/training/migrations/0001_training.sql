-- People who may enforce the law, and their enforcement certificates (执法证).
-- Dates are ISO 8601 text (YYYY-MM-DD); flags are 0/1.
CREATE TABLE people (
    id               TEXT PRIMARY KEY,
    division_code    TEXT NOT NULL,
    name             TEXT NOT NULL,
    id_number        TEXT NOT NULL UNIQUE,
    unit             TEXT NOT NULL,
    employment       TEXT NOT NULL,
    section_level    BIGINT NOT NULL,
    enforcement_post BIGINT NOT NULL,
    version          BIGINT NOT NULL
);

CREATE INDEX people_by_division ON people (division_code);

CREATE TABLE certificates (
    id          TEXT PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    person_id   TEXT NOT NULL REFERENCES people (id),
    issued_on   TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    status      TEXT NOT NULL,
    version     BIGINT NOT NULL
);

CREATE INDEX certificates_by_person ON certificates (person_id);
