-- Rate-limit windows shared by every gateway on one database: events
-- (failed logins, public requests) counted per limit and key (an address,
-- an account) in a fixed window starting at window_start (microseconds).
CREATE TABLE rate_windows (
    bucket       TEXT NOT NULL,
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    PRIMARY KEY (bucket, key)
);
CREATE INDEX rate_windows_start ON rate_windows (window_start);
