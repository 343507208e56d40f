-- The revision of the records the figures are counted from: one more in
-- the transaction of every change to them (by trigger, so no write path can
-- forget it). A figure computed at a revision stays true until it moves.
CREATE TABLE figures_revision (
    one BIGINT PRIMARY KEY CHECK (one = 1),
    n   BIGINT NOT NULL
);

INSERT INTO figures_revision (one, n) VALUES (1, 0);

CREATE TRIGGER people_revision_insert AFTER INSERT ON people
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER people_revision_update AFTER UPDATE ON people
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER people_revision_delete AFTER DELETE ON people
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER person_moves_revision_insert AFTER INSERT ON person_moves
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER person_moves_revision_update AFTER UPDATE ON person_moves
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER person_moves_revision_delete AFTER DELETE ON person_moves
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificates_revision_insert AFTER INSERT ON certificates
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificates_revision_update AFTER UPDATE ON certificates
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificates_revision_delete AFTER DELETE ON certificates
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificate_history_revision_insert AFTER INSERT ON certificate_history
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificate_history_revision_update AFTER UPDATE ON certificate_history
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificate_history_revision_delete AFTER DELETE ON certificate_history
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificate_reviews_revision_insert AFTER INSERT ON certificate_reviews
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificate_reviews_revision_update AFTER UPDATE ON certificate_reviews
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER certificate_reviews_revision_delete AFTER DELETE ON certificate_reviews
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER exams_revision_insert AFTER INSERT ON exams
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER exams_revision_update AFTER UPDATE ON exams
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER exams_revision_delete AFTER DELETE ON exams
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER exam_results_revision_insert AFTER INSERT ON exam_results
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER exam_results_revision_update AFTER UPDATE ON exam_results
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER exam_results_revision_delete AFTER DELETE ON exam_results
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER attendance_revision_insert AFTER INSERT ON attendance
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER attendance_revision_update AFTER UPDATE ON attendance
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER attendance_revision_delete AFTER DELETE ON attendance
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER training_sessions_revision_insert AFTER INSERT ON training_sessions
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER training_sessions_revision_update AFTER UPDATE ON training_sessions
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER training_sessions_revision_delete AFTER DELETE ON training_sessions
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER outreach_events_revision_insert AFTER INSERT ON outreach_events
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER outreach_events_revision_update AFTER UPDATE ON outreach_events
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;

CREATE TRIGGER outreach_events_revision_delete AFTER DELETE ON outreach_events
BEGIN
    UPDATE figures_revision SET n = n + 1;
END;
