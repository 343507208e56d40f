UPDATE cases SET simple = 1 WHERE jsonb_typeof(proceedings::jsonb -> 'on_the_spot') = 'object';
UPDATE cases SET needs_recording = 1
WHERE jsonb_typeof(proceedings::jsonb #> '{hearing,held_on}') = 'string'
   OR jsonb_typeof(proceedings::jsonb -> 'seizure') = 'object'
   OR jsonb_typeof(proceedings::jsonb #> '{demolition,done_at}') = 'string'
   OR proceedings::jsonb #>> '{service,method}' = 'left_with_witness';
