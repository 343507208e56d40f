-- The W3C trace context (traceparent) of the step that wrote a message, so
-- its delivery continues that trace.
ALTER TABLE complaint_outbox ADD COLUMN trace_context TEXT NOT NULL DEFAULT '';
