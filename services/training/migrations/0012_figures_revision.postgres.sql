-- The revision of the records the figures are counted from: one more in
-- the transaction of every change to them (by trigger, so no write path can
-- forget it). A figure computed at a revision stays true until it moves.
CREATE TABLE figures_revision (
    one BIGINT PRIMARY KEY CHECK (one = 1),
    n   BIGINT NOT NULL
);

INSERT INTO figures_revision (one, n) VALUES (1, 0);

-- Bumped once per transaction, at its commit (a deferred constraint
-- trigger): the row is locked only while a writer commits, after every other
-- lock it takes, so writers queue briefly there and never deadlock on it.
CREATE FUNCTION figures_revision_bump() RETURNS trigger AS $$
BEGIN
    IF current_setting('fazhi.figures_bumped', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('fazhi.figures_bumped', txid_current()::text, true);
    UPDATE figures_revision SET n = n + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER people_revision AFTER INSERT OR UPDATE OR DELETE ON people
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER person_moves_revision AFTER INSERT OR UPDATE OR DELETE ON person_moves
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER certificates_revision AFTER INSERT OR UPDATE OR DELETE ON certificates
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER certificate_history_revision AFTER INSERT OR UPDATE OR DELETE ON certificate_history
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER certificate_reviews_revision AFTER INSERT OR UPDATE OR DELETE ON certificate_reviews
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER exams_revision AFTER INSERT OR UPDATE OR DELETE ON exams
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER exam_results_revision AFTER INSERT OR UPDATE OR DELETE ON exam_results
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER attendance_revision AFTER INSERT OR UPDATE OR DELETE ON attendance
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER training_sessions_revision AFTER INSERT OR UPDATE OR DELETE ON training_sessions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();

CREATE CONSTRAINT TRIGGER outreach_events_revision AFTER INSERT OR UPDATE OR DELETE ON outreach_events
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION figures_revision_bump();
