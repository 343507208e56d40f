//! Logging in, who the caller is (`me`), changing one's own password, and
//! ending one's sessions.
//!
//! Failed logins are counted three ways. Per client address and per
//! (account, address) they refuse further attempts with 429 for the window.
//! Per account, from anywhere, they only slow attempts down (a growing
//! delay, capped): an attacker elsewhere can make a user wait a few seconds,
//! never lock them out. Crossing the account threshold is written to the
//! audit log and counted in `fazhi_login_throttled_total`.

use fazhi_platform::Code;
use std::time::Duration;

use axum::{Extension, Json, extract::State, http::StatusCode};
use fazhi_platform::{
    Error, ErrorKind,
    auth::{Caller, Role},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    AppState, AuthSettings, Gate, edge::json::JsonBody, edge::limits::Limit,
    edge::problem::Problem, identity::authn::Identity, identity::authz::ClientAddr,
};
use fazhi_identity::accounts::{self, Account};
use fazhi_identity::manage;
use fazhi_identity::store::Store;

/// The three failure counters and the delay they set.
pub struct LoginThrottle {
    per_client: Limit,
    per_account_and_client: Limit,
    per_account: Limit,
    slow_down_after: u32,
    max_delay: Duration,
}

impl LoginThrottle {
    /// Counted in `shared` (the gateway database, when gateways share it),
    /// else in this process.
    pub fn new(settings: &AuthSettings, shared: Option<Store>) -> Self {
        let window = Duration::from_secs(settings.failure_window_secs.max(1));
        Self {
            per_client: Limit::new(
                "login.client",
                settings.max_failures_per_client,
                window,
                shared.clone(),
            ),
            per_account_and_client: Limit::new(
                "login.account_client",
                settings.max_failures_per_account_and_client,
                window,
                shared.clone(),
            ),
            // Never refuses: only its count is read.
            per_account: Limit::new("login.account", u32::MAX, window, shared),
            slow_down_after: settings.slow_down_after_failures.max(1),
            max_delay: Duration::from_millis(settings.max_login_delay_ms),
        }
    }

    /// The throttle reading `clock` for the windows it counts in this process.
    pub fn set_clock(&mut self, clock: fazhi_platform::clock::SharedClock) {
        self.per_client.set_clock(clock.clone());
        self.per_account_and_client.set_clock(clock.clone());
        self.per_account.set_clock(clock);
    }

    /// `Err(wait)` when this address, or this address for this account, has
    /// used up its failures.
    async fn check(&self, account: &str, client: &str) -> Result<(), Duration> {
        self.per_client.check(client).await?;
        self.per_account_and_client
            .check(&pair(account, client))
            .await
    }

    /// How long an attempt on `account` waits before it is checked.
    async fn delay(&self, account: &str) -> Duration {
        delay_after(
            self.per_account.count(account).await,
            self.slow_down_after,
            self.max_delay,
        )
    }

    /// Counts a failure; true when the account has just crossed its threshold.
    async fn failed(&self, account: &str, client: &str) -> bool {
        self.per_client.record(client).await;
        self.per_account_and_client
            .record(&pair(account, client))
            .await;
        self.per_account.record(account).await == self.slow_down_after
    }

    async fn succeeded(&self, account: &str, client: &str) {
        self.per_account_and_client
            .clear(&pair(account, client))
            .await;
        self.per_account.clear(account).await;
    }
}

fn pair(account: &str, client: &str) -> String {
    format!("{account}\n{client}")
}

/// The wait after `failures` failed logins of one account: none up to
/// `after`, then 250 ms doubling with each further failure, at most `max`.
pub fn delay_after(failures: u32, after: u32, max: Duration) -> Duration {
    if failures < after {
        return Duration::ZERO;
    }
    let doublings = (failures - after).min(16);
    (Duration::from_millis(250) * 2u32.pow(doublings)).min(max)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LoginResponse)]
pub struct TokenResponse {
    access_token: String,
    /// Always `Bearer`.
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: u64,
}

impl TokenResponse {
    fn issue(gate: &Gate, account: &Account) -> Result<Self, Problem> {
        let (access_token, expires_in) = gate.authn.issue(account)?;
        Ok(Self {
            access_token,
            token_type: "Bearer",
            expires_in,
        })
    }
}

/// Exchange a username and password for an access token.
///
/// Failed attempts are limited per client address and per account and
/// address (429 with `Retry-After` past the limit, whether or not the
/// password is right); failures of one account from anywhere slow its
/// logins down but never lock it.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    operation_id = "log_in",
    extensions(("x-fazhi-access" = json!("public"))),
    tag = "auth",
    request_body = LoginRequest,
    responses((status = 200, description = "Logged in", body = TokenResponse))
)]
pub async fn login(
    State(state): State<AppState>,
    Extension(client): Extension<ClientAddr>,
    JsonBody(body): JsonBody<LoginRequest>,
) -> Result<Json<TokenResponse>, Problem> {
    let gate = &state.gate;
    let account_key = body.username.to_lowercase();
    let client_key = client.key();
    let throttle = &gate.login;
    if let Err(wait) = throttle.check(&account_key, &client_key).await {
        return Err(Problem::rate_limited(
            "too many failed logins from this address; retry later",
            wait,
        ));
    }
    let delay = throttle.delay(&account_key).await;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let account = if body.username.len() <= 64 {
        gate.store.account_by_username(&body.username).await?
    } else {
        None
    };
    let matches = verify(account.as_ref(), body.password).await?;
    match account {
        Some(account) if matches && !account.disabled => {
            throttle.succeeded(&account_key, &client_key).await;
            tracing::info!(account = %account.username, "login");
            Ok(Json(TokenResponse::issue(gate, &account)?))
        }
        account => {
            metrics::counter!("fazhi_login_failures_total").increment(1);
            if throttle.failed(&account_key, &client_key).await
                && let Some(account) = account
            {
                report_throttled(gate, &account).await;
            }
            Err(Problem::unauthenticated(
                Code::InvalidLogin,
                "unknown username, wrong password or disabled account",
            ))
        }
    }
}

/// Whether `password` is the account's; an unknown account is checked
/// against a dummy hash so both take the same time.
async fn verify(account: Option<&Account>, password: String) -> Result<bool, Error> {
    let hash = account.map_or_else(
        || accounts::dummy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    tokio::task::spawn_blocking(move || {
        password.len() <= accounts::MAX_PASSWORD_LEN && accounts::verify_password(&password, &hash)
    })
    .await
    .map_err(Error::internal)
}

/// Tells administrators that an account's logins are being slowed down.
async fn report_throttled(gate: &Gate, account: &Account) {
    metrics::counter!("fazhi_login_throttled_total").increment(1);
    tracing::warn!(account = %account.username, "failed logins for this account: slowing its logins down");
    let system = Caller {
        subject: "system".into(),
        roles: vec![Role::Admin],
        scope: account.division.clone(),
        source: None,
    };
    let event = manage::audit_event(
        &gate.store,
        &system,
        "account.login_throttled",
        "account",
        &account.username,
        account.division.as_str(),
    );
    if let Err(err) = gate.store.append_audit(&[event]).await {
        tracing::warn!(error = %err, "recording a login throttle failed");
    }
}

/// The local account behind the caller (not an API key or an external token).
async fn own_account(gate: &Gate, identity: &Identity) -> Result<Account, Problem> {
    let username = identity
        .caller
        .subject
        .strip_prefix("account:")
        .ok_or_else(|| {
            Error::new(
                ErrorKind::RuleViolation,
                Code::NotALocalAccount,
                "only local accounts have a password and sessions here",
            )
        })?;
    Ok(gate
        .store
        .account_by_username(username)
        .await?
        .ok_or_else(|| Error::not_found("account"))?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChangePasswordRequest)]
pub struct ChangePassword {
    old_password: String,
    new_password: String,
}

/// Change one's own password. Every access token issued before stops
/// working; the answer carries a new one.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    extensions(("x-fazhi-access" = json!("authenticated"))),
    tag = "auth",
    request_body = ChangePassword,
    responses((status = 200, description = "Changed; a new token", body = TokenResponse))
)]
pub async fn change_password(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Extension(client): Extension<ClientAddr>,
    JsonBody(body): JsonBody<ChangePassword>,
) -> Result<Json<TokenResponse>, Problem> {
    let gate = &state.gate;
    let account = own_account(gate, &identity).await?;
    let (account_key, client_key) = (account.username.clone(), client.key());
    if let Err(wait) = gate.login.check(&account_key, &client_key).await {
        return Err(Problem::rate_limited(
            "too many wrong passwords from this address; retry later",
            wait,
        ));
    }
    accounts::check_password(&body.new_password).map_err(|e| e.with_field("new_password"))?;
    if !verify(Some(&account), body.old_password).await? {
        gate.login.failed(&account_key, &client_key).await;
        return Err(Error::new(
            ErrorKind::RuleViolation,
            Code::WrongPassword,
            "old_password is not this account's password",
        )
        .with_field("old_password")
        .into());
    }
    let account = manage::set_password(
        &gate.store,
        &identity.caller,
        &account,
        body.new_password,
        "account.password_change",
    )
    .await?;
    Ok(Json(TokenResponse::issue(gate, &account)?))
}

/// End every session of one's own account: every access token issued so
/// far, this one included, stops working.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout-everywhere",
    operation_id = "log_out_everywhere",
    extensions(("x-fazhi-access" = json!("authenticated"))),
    tag = "auth",
    responses((status = 204, description = "Every token of the account ended"))
)]
pub async fn logout_everywhere(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> Result<StatusCode, Problem> {
    let gate = &state.gate;
    let account = own_account(gate, &identity).await?;
    let event = manage::audit_event(
        &gate.store,
        &identity.caller,
        "account.logout_everywhere",
        "account",
        &account.username,
        account.division.as_str(),
    );
    gate.store
        .end_sessions(&account.id, gate.clock.now(), &event)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_logins_down_by_a_growing_capped_delay() {
        let max = Duration::from_secs(5);
        assert_eq!(delay_after(4, 5, max), Duration::ZERO);
        assert_eq!(delay_after(5, 5, max), Duration::from_millis(250));
        assert_eq!(delay_after(6, 5, max), Duration::from_millis(500));
        assert_eq!(delay_after(9, 5, max), Duration::from_secs(4));
        assert_eq!(delay_after(10, 5, max), max);
        assert_eq!(delay_after(u32::MAX, 5, max), max);
    }

    /// The limits counted here, and counted in a gateway database (SQLite
    /// here; PostgreSQL in the two-gateway test).
    async fn throttles(
        settings: &AuthSettings,
    ) -> (Vec<LoginThrottle>, fazhi_testkit::TestDatabase) {
        let database = fazhi_testkit::sqlite();
        let store = Store::open(None, database.data_dir()).await.unwrap();
        let throttles = vec![
            LoginThrottle::new(settings, None),
            LoginThrottle::new(settings, Some(store)),
        ];
        (throttles, database)
    }

    #[tokio::test]
    async fn an_address_is_refused_for_one_account_while_others_may_still_try() {
        let settings = AuthSettings {
            max_failures_per_account_and_client: 2,
            ..AuthSettings::default()
        };
        let (throttles, _database) = throttles(&settings).await;
        for throttle in throttles {
            throttle.failed("admin", "203.0.113.9").await;
            throttle.failed("admin", "203.0.113.9").await;
            let wait = throttle.check("admin", "203.0.113.9").await.unwrap_err();
            assert!(
                wait > Duration::ZERO && wait <= Duration::from_secs(settings.failure_window_secs)
            );
            assert!(throttle.check("admin", "198.51.100.7").await.is_ok());
            assert!(throttle.check("li", "203.0.113.9").await.is_ok());
        }
    }

    #[tokio::test]
    async fn crossing_the_account_threshold_is_reported_once_and_success_clears_it() {
        let settings = AuthSettings {
            slow_down_after_failures: 3,
            ..AuthSettings::default()
        };
        let (throttles, _database) = throttles(&settings).await;
        for throttle in throttles {
            let mut crossed = Vec::new();
            for i in 0..5 {
                crossed.push(throttle.failed("admin", &format!("10.0.0.{i}")).await);
            }
            assert_eq!(crossed, [false, false, true, false, false]);
            assert!(throttle.delay("admin").await > Duration::ZERO);
            throttle.succeeded("admin", "10.0.0.1").await;
            assert_eq!(throttle.delay("admin").await, Duration::ZERO);
        }
    }
}

/// Who the caller is, as the services see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    subject: String,
    #[schema(value_type = Vec<crate::rest::codes::Role>)]
    roles: Vec<String>,
    division_code: String,
}

/// The caller's identity: subject, roles and division.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    operation_id = "get_me",
    extensions(("x-fazhi-access" = json!("authenticated"))),
    tag = "auth",
    responses((status = 200, description = "The caller", body = Me))
)]
pub async fn me(Extension(identity): Extension<Identity>) -> Json<Me> {
    let caller = identity.caller;
    Json(Me {
        subject: caller.subject,
        roles: caller.roles.iter().map(|r| r.code().to_owned()).collect(),
        division_code: caller.scope.to_string(),
    })
}
