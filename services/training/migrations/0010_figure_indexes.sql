-- The figures of a past day read each certificate's status on that day,
-- each person's division on it, and a period's attendance: indexes that
-- answer those without a sort.
CREATE INDEX certificate_history_by_day ON certificate_history (certificate_id, since, seq);
CREATE INDEX person_moves_by_day ON person_moves (person_id, moved_on, seq);
CREATE INDEX attendance_by_day ON attendance (held_on, person_id, hours_tenths);
