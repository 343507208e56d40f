-- The party's address or domicile, as a decision states it (行政处罚法 Art. 59).
ALTER TABLE cases ADD COLUMN party_address TEXT NOT NULL DEFAULT '';
