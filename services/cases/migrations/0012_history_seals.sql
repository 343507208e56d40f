-- A keyed seal over each case history hashed before the chain was keyed:
-- its last event's number and hash, HMAC'd with the history key kept
-- outside the database. Those events verify only as far as their seal.
CREATE TABLE case_history_seals (
    case_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    seal TEXT NOT NULL
);
