-- Where a person's rank stands in the ordered list (正科级及以上, 副科级, 科级以下);
-- empty when not given.
ALTER TABLE people ADD COLUMN rank_level TEXT NOT NULL DEFAULT '';
