-- The case an escalated complaint became, followed: the last milestone the
-- complaint recorded of it, and when the case was last looked at.
ALTER TABLE complaints ADD COLUMN case_milestone TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN case_checked_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX complaints_cases_to_follow ON complaints (case_checked_at) WHERE lead_id IS NOT NULL;
