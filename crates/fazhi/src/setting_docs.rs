//! What each setting does, for `fazhi --help` and the settings test.

/// Every setting: its key and what it does.
pub const DOCS: &[(&str, &str)] = &[
    (
        "data_dir",
        "Directory for SQLite databases (one file per service)",
    ),
    ("log.format", "Log lines: plain or json"),
    (
        "log.filter",
        "Log filter, e.g. info or info,fazhi_complaints=debug (RUST_LOG wins)",
    ),
    ("gateway.listen", "REST listen address"),
    (
        "gateway.body_limit_bytes",
        "Largest JSON request body; larger ones get 413",
    ),
    (
        "gateway.upload_limit_bytes",
        "Largest uploaded list (CSV or .xlsx) for imports",
    ),
    (
        "gateway.header_read_timeout_secs",
        "Seconds a connection may take to send request headers (also the keep-alive idle limit)",
    ),
    (
        "gateway.request_timeout_secs",
        "Seconds a request, body included, may take before it gets 408",
    ),
    (
        "gateway.max_connections",
        "REST connections open at once; more wait to be accepted",
    ),
    (
        "gateway.oversight_metrics_secs",
        "Seconds between refreshes of the per-township oversight gauges on /metrics (0: off)",
    ),
    (
        "gateway.metrics_on_rest",
        "Serve /metrics on the REST listener (off in the deploy files: metrics.listen only)",
    ),
    (
        "gateway.concurrent_uploads",
        "Uploads handled at once; more get 429 with Retry-After",
    ),
    (
        "gateway.record_uploads",
        "Records' content uploads open at once; more get 429 with Retry-After",
    ),
    (
        "gateway.record_uploads_per_caller",
        "Records' content uploads one caller may have open at once; more get 429 with Retry-After",
    ),
    (
        "gateway.database_url",
        "postgres://… for accounts, API keys, audit log, idempotency; unset means {data_dir}/gateway.db",
    ),
    (
        "gateway.database_pool",
        "Connections the gateway database's pool opens at most; add up every process's against PostgreSQL's max_connections (fazhi config shows the sums)",
    ),
    (
        "gateway.county",
        "Division code of the county served: the bootstrap admin's scope and the public endpoints' reach",
    ),
    (
        "gateway.trusted_proxies",
        "Proxies (addresses or CIDRs, e.g. [\"10.0.0.0/8\"]) whose X-Forwarded-For is believed; the client is the right-most entry not among them",
    ),
    (
        "gateway.idempotency_hours",
        "Hours an Idempotency-Key's answer is kept for replay",
    ),
    (
        "gateway.idempotency_stale_secs",
        "Seconds before a retry may run a request whose gateway died unfinished (409 until then); at least 1",
    ),
    (
        "gateway.auth.token_ttl_secs",
        "Lifetime of a login access token, in seconds",
    ),
    (
        "gateway.auth.token_secret",
        "Secret (32+ bytes) signing access tokens; unset means {data_dir}/token.key",
    ),
    (
        "gateway.auth.max_failures_per_account_and_client",
        "Failed logins for one account from one address before that address is refused for it (429)",
    ),
    (
        "gateway.auth.slow_down_after_failures",
        "Failed logins for one account from anywhere after which each attempt waits (never locks the account)",
    ),
    (
        "gateway.auth.max_login_delay_ms",
        "Longest wait of a slowed-down login, in milliseconds",
    ),
    (
        "gateway.auth.max_failures_per_client",
        "Failed logins per client address in the window before login is refused (429)",
    ),
    (
        "gateway.auth.failure_window_secs",
        "Window of the failed-login limits, in seconds",
    ),
    (
        "gateway.auth.api_key_cache_secs",
        "Seconds an API key's record is reused before it is read again (0: never)",
    ),
    (
        "gateway.auth.oidc.issuer",
        "External OIDC issuer whose tokens are accepted; unset turns it off",
    ),
    ("gateway.auth.oidc.jwks_url", "The issuer's JWKS URL"),
    (
        "gateway.auth.oidc.audience",
        "Audience external tokens must name",
    ),
    (
        "gateway.auth.oidc.algorithms",
        "Signature algorithms accepted from the issuer (asymmetric only)",
    ),
    (
        "gateway.auth.oidc.roles_claim",
        "Claim holding Fazhi roles (array or space-separated)",
    ),
    (
        "gateway.auth.oidc.division_claim",
        "Claim holding the division code the user acts for",
    ),
    (
        "gateway.record_transfer_secs",
        "Seconds a record's content may take to upload or download",
    ),
    (
        "gateway.public.requests_per_minute",
        "Requests per minute one address may make to the public endpoints",
    ),
    (
        "gateway.public.tracking_guesses_per_hour",
        "Wrong phone digits per tracking code in an hour, from anywhere, before that code answers 429",
    ),
    ("cases.listen", "Cases service gRPC listen address"),
    (
        "cases.endpoint",
        "Where other processes reach the cases service: a URL, or replicas' URLs comma-separated (default http://{listen})",
    ),
    (
        "cases.database_url",
        "postgres://… for PostgreSQL; unset means {data_dir}/cases.db",
    ),
    (
        "cases.database_pool",
        "Connections the cases database's pool opens at most; add up every process's against PostgreSQL's max_connections (fazhi config shows the sums)",
    ),
    (
        "complaints.listen",
        "Complaints service gRPC listen address",
    ),
    (
        "complaints.endpoint",
        "Where other processes reach the complaints service: a URL, or replicas' URLs comma-separated",
    ),
    (
        "complaints.database_url",
        "postgres://… for PostgreSQL; unset means {data_dir}/complaints.db",
    ),
    (
        "complaints.database_pool",
        "Connections the complaints database's pool opens at most; add up every process's against PostgreSQL's max_connections (fazhi config shows the sums)",
    ),
    ("training.listen", "Training service gRPC listen address"),
    (
        "training.endpoint",
        "Where other processes reach the training service: a URL, or replicas' URLs comma-separated",
    ),
    (
        "training.database_url",
        "postgres://… for PostgreSQL; unset means {data_dir}/training.db",
    ),
    (
        "training.database_pool",
        "Connections the training database's pool opens at most; add up every process's against PostgreSQL's max_connections (fazhi config shows the sums)",
    ),
    (
        "grpc.deadline_ms",
        "Deadline of every call between services, in ms",
    ),
    (
        "grpc.connect_timeout_ms",
        "Connection timeout between services, in ms",
    ),
    (
        "grpc.in_process",
        "Services in one process call each other in process, no socket (false: over loopback gRPC)",
    ),
    (
        "grpc_server.reflection",
        "Serve gRPC reflection (on for development; off in the deploy files)",
    ),
    (
        "grpc_server.keepalive_interval_secs",
        "Ping idle gRPC connections this often, in seconds",
    ),
    (
        "grpc_server.keepalive_timeout_secs",
        "Close a gRPC connection whose ping is unanswered this long, in seconds",
    ),
    (
        "grpc_server.request_timeout_secs",
        "Longest a single gRPC call may run on the server, in seconds",
    ),
    (
        "grpc_server.max_concurrent_streams",
        "Concurrent gRPC calls on one connection",
    ),
    (
        "shutdown.drain_ms",
        "After SIGTERM, ms to keep answering while health says NOT_SERVING and readiness 503, so balancers move away first (0 embedded; 3000 in the deploy files)",
    ),
    (
        "shutdown.deadline_secs",
        "Seconds after SIGTERM by which the process exits, in-flight work finished or not",
    ),
    (
        "metrics.listen",
        "Prometheus /metrics address of a process without the gateway",
    ),
    (
        "database.wal_limit_mib",
        "The bound, in MiB, each SQLite write-ahead log is kept under: checkpointed past a quarter of it, and when writes stop (min 1)",
    ),
    (
        "records.store",
        "Where record content goes: a directory, file:///… or s3://bucket/prefix; unset means {data_dir}/records",
    ),
    (
        "records.s3_endpoint",
        "URL of the S3-compatible store (unset: AWS, or AWS_ENDPOINT)",
    ),
    ("records.s3_region", "S3 region (unset: AWS_REGION)"),
    (
        "records.s3_access_key_id",
        "S3 access key id (unset: AWS_ACCESS_KEY_ID)",
    ),
    (
        "records.s3_secret_access_key",
        "S3 secret key (unset: AWS_SECRET_ACCESS_KEY); never on the command line",
    ),
    (
        "records.s3_allow_http",
        "Allow a plain-HTTP S3 endpoint (inside the data centre only)",
    ),
    (
        "calendar.file",
        "TOML file of holiday years replacing or adding to the shipped calendar",
    ),
    (
        "rules.complaints.reply_days.inquiry",
        "Working days to reply to an inquiry (咨询)",
    ),
    (
        "rules.complaints.reply_days.help",
        "Working days to reply to a request for help (求助)",
    ),
    (
        "rules.complaints.reply_days.suggestion",
        "Working days to reply to a suggestion (建议)",
    ),
    (
        "rules.complaints.reply_days.complaint",
        "Working days to reply to a complaint (投诉)",
    ),
    (
        "rules.complaints.reply_days.report",
        "Working days to reply to a report (举报)",
    ),
    (
        "rules.complaints.urgent_feedback_hours",
        "Hours to first feedback on an urgent request",
    ),
    (
        "rules.complaints.urgent_reply_hours",
        "Hours within which an urgent request is handled (its reply due, in hours)",
    ),
    (
        "rules.complaints.accept_working_days",
        "Working days a handling unit has to sign for a dispatch (签收)",
    ),
    (
        "rules.complaints.urgent_accept_hours",
        "Hours to sign for an urgent dispatch",
    ),
    (
        "rules.complaints.follow_up_working_days",
        "Working days after the reply to visit the requester (回访)",
    ),
    (
        "rules.complaints.duplicate_window_days",
        "Days back in which an earlier request by the same caller is suggested as repeated",
    ),
    (
        "rules.complaints.overdue_sweep_secs",
        "Seconds between looks for overdue complaints to remind of (each at most once a day)",
    ),
    (
        "rules.complaints.delivery_allowed_hosts",
        "Hosts a platform's delivery endpoint may name over plain HTTP or at a private address (others: HTTPS, public)",
    ),
    (
        "rules.complaints.feed_retention_days",
        "Days the feed of complaint steps keeps; an older cursor answers 410 (timelines keep every step)",
    ),
    (
        "rules.complaints.record_past_years",
        "Years back a complaint or step may be entered after the fact (from 1 January of that year)",
    ),
    (
        "rules.complaints.go_live",
        "Per division code, the day Fazhi went live there (e.g. 411624100 = 2026-06-01): the past stays open from that year back",
    ),
    (
        "rules.complaints.petition_accept_days",
        "Days to tell a petitioner (信访大厅) whether the matter is accepted (信访工作条例: 15)",
    ),
    (
        "rules.complaints.petition_finish_days",
        "Days to finish an accepted petition-hall item (信访工作条例: 60)",
    ),
    (
        "rules.complaints.petition_max_extension_days",
        "The longest extension of a petition-hall item, once and approved, in days (30)",
    ),
    (
        "rules.complaints.max_extension_working_days",
        "The longest extension of a reply, in working days (asked once)",
    ),
    (
        "rules.training.hours_per_year",
        "Training hours (学时) each enforcement officer needs per year",
    ),
    (
        "rules.training.pass_mark",
        "Default exam pass mark, out of 100",
    ),
    (
        "rules.training.excellent_mark",
        "Default exam excellent mark, out of 100",
    ),
    (
        "rules.training.certificate_validity_years",
        "Years an enforcement certificate is valid from issue",
    ),
    (
        "rules.training.qualification_valid_months",
        "Months a passed qualification exam counts towards issuing a certificate",
    ),
    (
        "rules.training.reissue_bar_years",
        "Years after a revocation by annual review before a new certificate",
    ),
    (
        "rules.training.review_requires_exam",
        "Whether the annual review needs that year's annual-review exam passed",
    ),
    (
        "rules.training.review_requires_hours",
        "Whether the annual review needs that year's training hours met",
    ),
    (
        "rules.training.issue_requires_training",
        "Whether issuing a certificate needs training on record in the qualification window (持证必培训)",
    ),
    (
        "rules.training.issue_training_hours",
        "学时 that training must come to (0: any training at all)",
    ),
    (
        "rules.training.retake_cutoff_month",
        "Month of the next year until which a suspended certificate's retake may be held (3)",
    ),
    (
        "rules.training.retake_cutoff_day",
        "Day of that month (31; the month's last day when past it)",
    ),
    (
        "rules.cases.statement_working_days",
        "Working days after the notice of a proposed penalty to state a defence (陈述申辩)",
    ),
    (
        "rules.cases.hearing_request_working_days",
        "Working days after the notice to ask for a hearing (行政处罚法 Art. 64: 5)",
    ),
    (
        "rules.cases.hearing_notice_working_days",
        "Working days' notice of a hearing to the party (Art. 64: 7)",
    ),
    (
        "rules.cases.hearing_fine_person_yuan",
        "A fine or confiscation on a natural person from which a hearing is offered (Art. 63), in yuan; default Henan's 5,000 (省政府令第204号 Art. 4)",
    ),
    (
        "rules.cases.hearing_fine_organisation_yuan",
        "A fine or confiscation on an organisation from which a hearing is offered, in yuan; default Henan's 50,000",
    ),
    (
        "rules.cases.review_fine_person_yuan",
        "A fine on a natural person from which legal review is required (Art. 58), in yuan",
    ),
    (
        "rules.cases.review_fine_organisation_yuan",
        "A fine on an organisation from which legal review is required, in yuan",
    ),
    (
        "rules.cases.decision_days",
        "Calendar days from filing to the decision (Art. 60: 90)",
    ),
    (
        "rules.cases.service_working_days",
        "Working days from the decision to its service when the party was absent (Art. 61: 7)",
    ),
    (
        "rules.cases.payment_days",
        "Calendar days from service to a fine's due day (Art. 67: 15)",
    ),
    (
        "rules.cases.case_number_format",
        "The 案号 given at filing, in sequence per agency and year: {agency}, {year}, {seq} (three digits at least)",
    ),
    (
        "rules.cases.decision_number_format",
        "The number a general-procedure decision is given, in sequence per agency and year: {agency}, {year}, {seq}",
    ),
    (
        "rules.cases.agencies",
        "Per division code, the agency's short name in its numbers (e.g. 411624100 = 老城镇); unset, the code",
    ),
    (
        "case_history.key",
        "Secret (32+ bytes) keying each case history's chain (HMAC-SHA256); unset means one generated into {data_dir}/history.key. Replicas of the cases service share one",
    ),
    (
        "internal_token.secret",
        "Secret (32+ bytes) shared by gateway and services for internal identity tokens; unset means {data_dir}/internal.key",
    ),
    (
        "internal_token.ttl_secs",
        "Lifetime of one internal identity token, in seconds",
    ),
];
