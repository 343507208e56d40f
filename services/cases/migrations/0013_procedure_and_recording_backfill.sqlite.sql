UPDATE cases SET simple = 1 WHERE json_extract(proceedings, '$.on_the_spot') IS NOT NULL;
UPDATE cases SET needs_recording = 1
WHERE json_extract(proceedings, '$.hearing.held_on') IS NOT NULL
   OR json_extract(proceedings, '$.seizure') IS NOT NULL
   OR json_extract(proceedings, '$.demolition.done_at') IS NOT NULL
   OR json_extract(proceedings, '$.service.method') = 'left_with_witness';
