-- Which procedure decided a case (1: the simple procedure on the spot),
-- and whether any of its steps needs an audio or video record (a hearing
-- held, a seizure, a forced demolition, service by leaving it): the
-- figures count general-procedure cases apart and recording coverage over
-- the cases that need a record.
ALTER TABLE cases ADD COLUMN simple INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN needs_recording INTEGER NOT NULL DEFAULT 0;
