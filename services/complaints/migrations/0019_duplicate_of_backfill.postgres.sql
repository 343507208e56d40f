UPDATE complaints SET duplicate_of = handling::jsonb ->> 'duplicate_of' WHERE status = 'duplicate';
