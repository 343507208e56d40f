-- Access tokens name the account's token version; bumping it (disable,
-- password change, "log out everywhere") ends every token issued before.
ALTER TABLE accounts ADD COLUMN token_version BIGINT NOT NULL DEFAULT 1;
