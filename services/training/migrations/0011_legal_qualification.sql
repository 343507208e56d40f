-- The number of a person's legal professional qualification certificate
-- (法律职业资格证书); empty for none. A legal reviewer's first review needs
-- one (行政处罚法 Art. 58), read from here rather than from the request.
ALTER TABLE people ADD COLUMN legal_qualification TEXT NOT NULL DEFAULT '';
