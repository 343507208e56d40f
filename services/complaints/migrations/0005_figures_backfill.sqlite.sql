-- Complaints received before the totals existed.
INSERT INTO complaint_figures (division_code, day, figure, n)
SELECT division_code, day, figure, SUM(n) FROM (
    SELECT division_code, date(received_at / 1000000 + 28800, 'unixepoch') AS day, 'received' AS figure, 1 AS n FROM complaints
    UNION ALL SELECT division_code, date(received_at / 1000000 + 28800, 'unixepoch'), 'channel:' || channel, 1 FROM complaints
    UNION ALL SELECT division_code, date(received_at / 1000000 + 28800, 'unixepoch'), 'type:' || request_type, 1 FROM complaints
    UNION ALL SELECT division_code, date(received_at / 1000000 + 28800, 'unixepoch'), 'category:' || category, 1 FROM complaints
    UNION ALL SELECT division_code, date(received_at / 1000000 + 28800, 'unixepoch'), 'urgent', 1 FROM complaints WHERE urgent = 1
    UNION ALL SELECT division_code, date(reply_due / 1000000 + 28800, 'unixepoch'), 'due', 1 FROM complaints
) GROUP BY division_code, day, figure;
