-- Published penalty decisions (公示), one per case: what the public reads,
-- until it ends or is withdrawn with its reason.
CREATE TABLE publications (
    case_id          TEXT PRIMARY KEY,
    division_code    TEXT NOT NULL,
    agency           TEXT NOT NULL,
    party            TEXT NOT NULL,
    violation        TEXT NOT NULL,
    basis            TEXT NOT NULL,
    warning          BIGINT NOT NULL,
    fine_fen         BIGINT NOT NULL,
    decided_on       TEXT NOT NULL,
    published_on     TEXT NOT NULL,
    on_time          BIGINT NOT NULL,
    ends_on          TEXT NOT NULL,
    withdrawn_on     TEXT NOT NULL DEFAULT '',
    withdraw_reason  TEXT NOT NULL DEFAULT '',
    withdraw_note    TEXT NOT NULL DEFAULT '',
    withdraw_on_time BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX publications_shown ON publications (division_code, published_on);
