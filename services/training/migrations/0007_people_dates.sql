-- The day a person's enforcement post ended, so a period's head count of
-- enforcement staff is as of the period (empty: still in post, or never).
ALTER TABLE people ADD COLUMN left_post_on TEXT NOT NULL DEFAULT '';
