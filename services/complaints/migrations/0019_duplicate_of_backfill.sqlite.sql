UPDATE complaints SET duplicate_of = json_extract(handling, '$.duplicate_of') WHERE status = 'duplicate';
