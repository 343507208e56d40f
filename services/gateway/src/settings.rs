//! The gateway's settings: its listener and limits, identity and the
//! public endpoints' bounds, with the defaults that work out of the box.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use crate::OidcSettings;

/// Largest request body accepted, in bytes.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// The county of the report this system serves (沈丘县); deployments set theirs.
pub const DEFAULT_COUNTY: &str = "411624";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// REST listen address.
    pub listen: SocketAddr,
    /// Largest JSON request body accepted, in bytes; larger ones get 413.
    pub body_limit_bytes: usize,
    /// Largest uploaded list (CSV or .xlsx) accepted, in bytes.
    pub upload_limit_bytes: usize,
    /// Uploads handled at once; more get 429 with `Retry-After`.
    pub concurrent_uploads: usize,
    /// Records' content uploads open at once in this gateway; more get 429
    /// with `Retry-After`.
    pub record_uploads: usize,
    /// Records' content uploads one caller may have open at once.
    pub record_uploads_per_caller: usize,
    /// Seconds a connection may take to send a request's headers (also how
    /// long an idle keep-alive connection stays open).
    pub header_read_timeout_secs: u64,
    /// Seconds a request may take, its body included, before it gets 408.
    pub request_timeout_secs: u64,
    /// Seconds a record's content may take to upload or download (it is
    /// streamed, never held in memory; the cases service's gRPC
    /// `grpc_server.request_timeout_secs` bounds an upload too).
    pub record_transfer_secs: u64,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Seconds between refreshes of the oversight gauges (each registered
    /// township's figures for this year, and its warnings) on `/metrics`;
    /// 0 turns them off.
    pub oversight_metrics_secs: u64,
    /// Serve Prometheus metrics at `/metrics` on the REST listener. Off in
    /// the deploy files: metrics are then on `metrics.listen` only.
    pub metrics_on_rest: bool,
    /// `postgres://…` for the gateway's accounts, keys, audit log and
    /// idempotency record; unset means `{data_dir}/gateway.db`.
    pub database_url: Option<String>,
    /// Connections the gateway's database pool opens at most.
    pub database_pool: u32,
    /// Division code of the county this deployment serves: the bootstrap
    /// administrator's scope and the reach of the public endpoints.
    pub county: String,
    /// Proxies (addresses or CIDR networks) whose `X-Forwarded-For` is
    /// believed: the client is the right-most address in it that is not one
    /// of them. Empty: the connection's own address is the client.
    pub trusted_proxies: Vec<String>,
    /// Hours an Idempotency-Key's answer is kept for replay.
    pub idempotency_hours: u64,
    /// Seconds after which a request under an Idempotency-Key that never
    /// finished (its gateway died) lets a retry run; until then a retry is
    /// told 409 `idempotency_key_in_use`. Writes that take a request id land
    /// once whatever this is; at least 1.
    pub idempotency_stale_secs: u64,
    pub auth: AuthSettings,
    pub public: PublicSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: DEFAULT_BODY_LIMIT,
            upload_limit_bytes: 64 * 1024 * 1024,
            concurrent_uploads: 2,
            record_uploads: 8,
            record_uploads_per_caller: 2,
            header_read_timeout_secs: 10,
            request_timeout_secs: 120,
            record_transfer_secs: 300,
            max_connections: 4096,
            oversight_metrics_secs: 300,
            metrics_on_rest: true,
            database_url: None,
            database_pool: fazhi_platform::db::DEFAULT_POOL_SIZE,
            county: DEFAULT_COUNTY.into(),
            trusted_proxies: Vec::new(),
            idempotency_hours: 24,
            idempotency_stale_secs: 60,
            auth: AuthSettings::default(),
            public: PublicSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// Lifetime of an access token from login, in seconds.
    pub token_ttl_secs: u64,
    /// Secret signing access tokens (32+ bytes); unset means one generated
    /// into `{data_dir}/token.key`. Set it when several gateways share accounts.
    pub token_secret: Option<String>,
    /// Failed logins for one account from one client address in a window
    /// before that address is refused for that account.
    pub max_failures_per_account_and_client: u32,
    /// Failed logins per client address in a window before login is refused.
    pub max_failures_per_client: u32,
    /// Failed logins for one account (from anywhere) in a window after which
    /// each attempt waits (250 ms, doubling); the account is never locked.
    pub slow_down_after_failures: u32,
    /// The longest such wait, in milliseconds.
    pub max_login_delay_ms: u64,
    /// The failed-login window, in seconds.
    pub failure_window_secs: u64,
    /// Seconds an API key's record is reused before it is read again (0:
    /// every request reads it). A key revoked through another gateway stops
    /// working here within this time; through this one, at once.
    pub api_key_cache_secs: u64,
    pub oidc: OidcSettings,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            token_ttl_secs: 3600,
            token_secret: None,
            max_failures_per_account_and_client: 5,
            max_failures_per_client: 20,
            slow_down_after_failures: 5,
            max_login_delay_ms: 5_000,
            failure_window_secs: 900,
            api_key_cache_secs: 5,
            oidc: OidcSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct PublicSettings {
    /// Requests per minute one client address (an IPv6 client's /64) may
    /// make to the public endpoints.
    pub requests_per_minute: u32,
    /// Wrong phone digits per tracking code in an hour, from anywhere,
    /// after which that code answers 429 until the hour is out.
    pub tracking_guesses_per_hour: u32,
}

impl Default for PublicSettings {
    fn default() -> Self {
        Self {
            requests_per_minute: 30,
            tracking_guesses_per_hour: 10,
        }
    }
}
