-- Training sessions and attendance, exams and results, the dated history and
-- annual reviews of certificates, and outreach events.
-- Dates are ISO 8601 text (YYYY-MM-DD); hours and scores are tenths.
ALTER TABLE people ADD COLUMN rank TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN status_since TEXT NOT NULL DEFAULT '1970-01-01';
UPDATE certificates SET status_since = issued_on;

CREATE TABLE certificate_history (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    seq            BIGINT NOT NULL,
    since          TEXT NOT NULL,
    status         TEXT NOT NULL,
    PRIMARY KEY (certificate_id, seq)
);
INSERT INTO certificate_history (certificate_id, seq, since, status)
    SELECT id, 1, issued_on, status FROM certificates;

CREATE TABLE certificate_reviews (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    year           BIGINT NOT NULL,
    outcome        TEXT NOT NULL,
    decided_on     TEXT NOT NULL,
    PRIMARY KEY (certificate_id, year)
);

CREATE TABLE training_sessions (
    id            TEXT PRIMARY KEY,
    division_code TEXT NOT NULL,
    topic         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    held_on       TEXT NOT NULL
);
CREATE INDEX training_sessions_by_division ON training_sessions (division_code, held_on);

CREATE TABLE attendance (
    session_id   TEXT NOT NULL REFERENCES training_sessions (id),
    person_id    TEXT NOT NULL REFERENCES people (id),
    held_on      TEXT NOT NULL,
    hours_tenths BIGINT NOT NULL,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX attendance_by_person ON attendance (person_id, held_on);

CREATE TABLE exams (
    id             TEXT PRIMARY KEY,
    division_code  TEXT NOT NULL,
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    held_on        TEXT NOT NULL,
    pass_mark      BIGINT NOT NULL,
    excellent_mark BIGINT NOT NULL
);
CREATE INDEX exams_by_division ON exams (division_code, held_on);

CREATE TABLE exam_results (
    exam_id   TEXT NOT NULL REFERENCES exams (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    score     BIGINT,
    PRIMARY KEY (exam_id, person_id)
);
CREATE INDEX exam_results_by_person ON exam_results (person_id);

CREATE TABLE outreach_events (
    id             TEXT PRIMARY KEY,
    division_code  TEXT NOT NULL,
    held_on        TEXT NOT NULL,
    theme          TEXT NOT NULL,
    audience       TEXT NOT NULL,
    materials      BIGINT NOT NULL,
    people_reached BIGINT NOT NULL
);
CREATE INDEX outreach_by_division ON outreach_events (division_code, held_on);
