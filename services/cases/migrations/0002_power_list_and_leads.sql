-- The power list (权限清单): items and the divisions that hold them.
CREATE TABLE power_items (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    source         TEXT NOT NULL,
    category       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    -- Empty: in force until withdrawn.
    effective_to   TEXT NOT NULL DEFAULT '',
    version        BIGINT NOT NULL
);

CREATE TABLE power_item_holders (
    item_id       TEXT NOT NULL REFERENCES power_items (id),
    division_code TEXT NOT NULL,
    PRIMARY KEY (item_id, division_code)
);

CREATE INDEX power_item_holders_by_division ON power_item_holders (division_code);

-- A case's lead and filing. Days are ISO text; a list of officers is
-- space-separated person ids.
ALTER TABLE cases ADD COLUMN source TEXT NOT NULL DEFAULT 'inspection';
ALTER TABLE cases ADD COLUMN complaint_id TEXT;
ALTER TABLE cases ADD COLUMN party_kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE cases ADD COLUMN party_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN party_id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN facts TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN act_on TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN continuing BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN act_ended_on TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN serious_harm BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN discovered_on TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN power_item_code TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN officers TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN filed_on TEXT NOT NULL DEFAULT '';

-- One lead per complaint: a repeated escalation finds the first.
CREATE UNIQUE INDEX cases_by_complaint ON cases (complaint_id);
CREATE INDEX cases_by_party ON cases (party_id_number);

-- A case's history: append-only, each event chained to the hash of the one before.
CREATE TABLE case_events (
    case_id     TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);
