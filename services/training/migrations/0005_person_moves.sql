-- The dated history of where people served: each transfer (调动) with its
-- day, so a period's figures count a person in the division they were in then.
CREATE TABLE person_moves (
    person_id     TEXT NOT NULL REFERENCES people (id),
    moved_on      TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    from_division TEXT NOT NULL,
    to_division   TEXT NOT NULL,
    PRIMARY KEY (person_id, seq)
);
