-- The small registers a township keeps for its annual report: normative
-- documents filed for review (规范性文件), emergency plans (应急预案), legal
-- advisers (法律顾问) and demonstration villages (民主法治示范村). One table,
-- a column per field any of them has; the gateway checks which apply.
CREATE TABLE register_entries (
    id            TEXT PRIMARY KEY,
    register      TEXT NOT NULL,
    division_code TEXT NOT NULL,
    title         TEXT NOT NULL,
    dated         TEXT NOT NULL,
    number        TEXT,
    filed_on      TEXT,
    reviewed_on   TEXT,
    corrected_on  TEXT,
    kind          TEXT,
    organisation  TEXT,
    created_by    TEXT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL
);
CREATE INDEX register_entries_by_division ON register_entries (register, division_code, dated, id);
