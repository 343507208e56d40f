-- Where a record's content is kept in the record store: each upload writes
-- an object of its own, and only the one that completes, checks out and is
-- marked first becomes the record's. Unset with content stored: the object
-- at cases/<case>/<record>, as content was kept before.
ALTER TABLE case_records ADD COLUMN content_key TEXT;
