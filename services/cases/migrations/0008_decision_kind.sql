-- What each decision decided, so a party's prior penalties can be found
-- (首违不罚 needs there to be none).
ALTER TABLE cases ADD COLUMN decision_kind TEXT NOT NULL DEFAULT '';
