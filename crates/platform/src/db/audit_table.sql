-- A service's own audit log: unmasked reads of personal data answered by
-- this service, whoever called it. Append-only: the database refuses changes.
CREATE TABLE audit_events (
    id            TEXT PRIMARY KEY,
    at            BIGINT NOT NULL,
    actor         TEXT NOT NULL,
    actor_roles   TEXT NOT NULL,
    action        TEXT NOT NULL,
    resource      TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    division_code TEXT NOT NULL
);
CREATE INDEX audit_events_by_time ON audit_events (at, id);
