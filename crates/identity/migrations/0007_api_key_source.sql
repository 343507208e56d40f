-- The platform an integration key acts for: it pushes and reads that
-- source's tickets only.
ALTER TABLE api_keys ADD COLUMN source TEXT;
