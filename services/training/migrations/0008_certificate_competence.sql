-- A certificate's enforcement area (执法区域) and categories (执法类别), each
-- a space-separated list of codes. Certificates issued before they were
-- recorded cover their holder's division, in comprehensive enforcement.
ALTER TABLE certificates ADD COLUMN areas TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN categories TEXT NOT NULL DEFAULT 'comprehensive';
UPDATE certificates SET areas = (SELECT p.division_code FROM people p WHERE p.id = certificates.person_id);
