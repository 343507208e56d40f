-- The whole penalty a publication shows (行政处罚法 Art. 9, every kind), as
-- JSON; rows published before keep their warning and fine columns.
ALTER TABLE publications ADD COLUMN penalty TEXT NOT NULL DEFAULT '';
