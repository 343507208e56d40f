-- Complaints received before the totals existed.
INSERT INTO complaint_figures (division_code, day, figure, n)
SELECT division_code, day, figure, SUM(n) FROM (
    SELECT division_code, to_char(to_timestamp(received_at / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, 'received' AS figure, 1 AS n FROM complaints
    UNION ALL SELECT division_code, to_char(to_timestamp(received_at / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'channel:' || channel, 1 FROM complaints
    UNION ALL SELECT division_code, to_char(to_timestamp(received_at / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'type:' || request_type, 1 FROM complaints
    UNION ALL SELECT division_code, to_char(to_timestamp(received_at / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'category:' || category, 1 FROM complaints
    UNION ALL SELECT division_code, to_char(to_timestamp(received_at / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'urgent', 1 FROM complaints WHERE urgent = 1
    UNION ALL SELECT division_code, to_char(to_timestamp(reply_due / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'due', 1 FROM complaints
) AS figures GROUP BY division_code, day, figure;
