
CREATE FUNCTION case_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a case history is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
FOR EACH ROW EXECUTE FUNCTION case_events_append_only();

CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events
FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();
