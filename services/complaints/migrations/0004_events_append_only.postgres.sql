CREATE FUNCTION complaint_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a complaint timeline is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER complaint_events_append_only BEFORE UPDATE OR DELETE ON complaint_events
FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();
