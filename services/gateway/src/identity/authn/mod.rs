//! Authentication: who sent a request.
//!
//! - `Authorization: Bearer <JWT>` from `POST /api/v1/auth/login` (HS256 with
//!   the gateway's secret, algorithm pinned, issuer, audience and expiry
//!   checked; the account is looked up on every request so disabling it takes
//!   effect at once);
//! - `Authorization: Bearer fzk_…` or `X-Api-Key: fzk_…` (an API key);
//! - `Authorization: Bearer <JWT>` from the configured OIDC issuer, checked
//!   against its JWKS (issuer, audience, expiry, an asymmetric algorithm from
//!   the configured list), with roles and division read from claims;
//! - nothing: an anonymous citizen, who may use the public endpoints only.
//!
//! Presented credentials that do not check out are refused (401), even on
//! public routes.

use fazhi_platform::Code;
use std::{sync::Arc, time::Duration};

use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    auth::{Caller, Role},
};
use http::HeaderMap;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
    jwk::JwkSet,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};

use crate::edge::problem::Problem;
use fazhi_identity::accounts::{self, Account, ApiKey};
use fazhi_identity::store::Store;

/// Issuer and audience of the gateway's own tokens.
mod oidc;

use oidc::Oidc;

pub const LOCAL_ISSUER: &str = "fazhi";
pub const LOCAL_AUDIENCE: &str = "fazhi-api";
/// Clock skew tolerated on expiry, in seconds.
pub(super) const LEEWAY_SECS: u64 = 30;

/// The authenticated (or anonymous) caller of a REST request.
#[derive(Debug, Clone)]
pub struct Identity {
    pub caller: Caller,
    /// False for an anonymous citizen.
    pub authenticated: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct LocalClaims {
    iss: String,
    aud: String,
    /// Account id.
    sub: String,
    iat: i64,
    exp: i64,
    /// The account's token version when issued (0 in a token from before
    /// versions, which therefore no longer works).
    #[serde(default)]
    ver: i64,
}

/// Settings of an external OpenID Connect issuer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct OidcSettings {
    /// The issuer (`iss`) accepted; unset turns external tokens off.
    pub issuer: Option<String>,
    /// Where the issuer publishes its signing keys.
    pub jwks_url: Option<String>,
    /// The audience (`aud`) tokens must name.
    pub audience: Option<String>,
    /// Signature algorithms accepted (asymmetric only).
    pub algorithms: Vec<String>,
    /// Claim holding the Fazhi roles (an array, or a space-separated string).
    pub roles_claim: String,
    /// Claim holding the division code the user acts for.
    pub division_claim: String,
}

impl Default for OidcSettings {
    fn default() -> Self {
        Self {
            issuer: None,
            jwks_url: None,
            audience: None,
            algorithms: vec!["RS256".into()],
            roles_claim: "roles".into(),
            division_claim: "division".into(),
        }
    }
}

/// Checks credentials against local accounts, API keys and the OIDC issuer.
pub struct Authenticator {
    store: Store,
    county: DivisionCode,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    token_ttl: Duration,
    oidc: Option<Oidc>,
    api_keys: KeyCache,
    clock: fazhi_platform::clock::SharedClock,
}

/// API key records read recently, reused for a few seconds so a busy
/// integration does not read its key from the database on every call. The
/// secret is still checked on every call against the record's hash.
struct KeyCache {
    ttl: Duration,
    entries: std::sync::Mutex<
        std::collections::HashMap<String, (ApiKey, chrono::DateTime<chrono::Utc>)>,
    >,
}

/// Keys remembered at most; past it the cache starts afresh.
const MAX_CACHED_KEYS: usize = 10_000;

impl KeyCache {
    fn get(&self, id: &str, now: chrono::DateTime<chrono::Utc>) -> Option<ApiKey> {
        let entries = self.entries.lock().ok()?;
        let (key, read_at) = entries.get(id)?;
        let age = (now - *read_at).to_std().unwrap_or_default();
        (age < self.ttl).then(|| key.clone())
    }

    fn put(&self, key: ApiKey, now: chrono::DateTime<chrono::Utc>) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_CACHED_KEYS {
                entries.clear();
            }
            entries.insert(key.id.clone(), (key, now));
        }
    }

    fn forget(&self, id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(id);
        }
    }
}

impl Authenticator {
    pub fn new(
        store: Store,
        county: DivisionCode,
        secret: &[u8],
        token_ttl: Duration,
        oidc: &OidcSettings,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= 32,
            "the token secret must be at least 32 bytes"
        );
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[LOCAL_ISSUER]);
        validation.set_audience(&[LOCAL_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is read against the gateway's clock ([`expired`]).
        validation.validate_exp = false;
        Ok(Self {
            store,
            county,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            token_ttl,
            oidc: Oidc::new(oidc)?,
            api_keys: KeyCache {
                ttl: Duration::ZERO,
                entries: std::sync::Mutex::new(std::collections::HashMap::new()),
            },
            clock: fazhi_platform::clock::system(),
        })
    }

    /// The authenticator reading `clock` for tokens' times and keys' expiry.
    pub fn with_clock(mut self, clock: fazhi_platform::clock::SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Reuses API key records for `ttl` (zero: never).
    pub fn with_api_key_cache(mut self, ttl: Duration) -> Self {
        self.api_keys.ttl = ttl;
        self
    }

    /// Drops a key's remembered record (it was revoked here).
    pub fn forget_api_key(&self, id: &str) {
        self.api_keys.forget(id);
    }

    pub fn county(&self) -> &DivisionCode {
        &self.county
    }

    /// A signed access token for `account`, and its lifetime in seconds.
    pub fn issue(&self, account: &Account) -> Result<(String, u64), Problem> {
        let now = self.clock.now().timestamp();
        let ttl = self.token_ttl.as_secs().max(1);
        let claims = LocalClaims {
            iss: LOCAL_ISSUER.into(),
            aud: LOCAL_AUDIENCE.into(),
            sub: account.id.clone(),
            iat: now,
            exp: now + ttl as i64,
            ver: account.token_version,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(fazhi_platform::Error::internal)?;
        Ok((token, ttl))
    }

    /// The caller behind a request's credentials; anonymous when there are none.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Identity, Problem> {
        let bearer = headers
            .get(http::header::AUTHORIZATION)
            .map(|v| {
                v.to_str()
                    .ok()
                    .and_then(|v| {
                        let (scheme, rest) = v.split_once(' ')?;
                        scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
                    })
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        Problem::unauthenticated(
                            Code::InvalidCredentials,
                            "Authorization must be 'Bearer <token or API key>'",
                        )
                    })
            })
            .transpose()?;
        let api_key = headers
            .get("x-api-key")
            .map(|v| v.to_str().unwrap_or_default().trim());
        let caller = match (bearer, api_key) {
            (None, None) => {
                return Ok(Identity {
                    caller: Caller::citizen(self.county.clone()),
                    authenticated: false,
                });
            }
            (Some(_), Some(_)) => {
                return Err(Problem::unauthenticated(
                    Code::InvalidCredentials,
                    "send either Authorization or X-Api-Key, not both",
                ));
            }
            (None, Some(key)) => self.api_key(key).await?,
            (Some(token), None) if token.starts_with(accounts::API_KEY_PREFIX) => {
                self.api_key(token).await?
            }
            (Some(token), None) => self.jwt(token).await?,
        };
        Ok(Identity {
            caller,
            authenticated: true,
        })
    }

    async fn api_key(&self, presented: &str) -> Result<Caller, Problem> {
        let invalid = || Problem::unauthenticated(Code::InvalidCredentials, "invalid API key");
        let (id, secret) = accounts::parse_api_key(presented).ok_or_else(invalid)?;
        let key = match self.api_keys.get(id, self.clock.now()) {
            Some(key) => key,
            None => {
                let key = self.store.api_key(id).await?.ok_or_else(invalid)?;
                self.api_keys.put(key.clone(), self.clock.now());
                key
            }
        };
        if !key.accepts(secret, self.clock.now()) {
            return Err(invalid());
        }
        Ok(key.caller())
    }

    async fn jwt(&self, token: &str) -> Result<Caller, Problem> {
        let header = decode_header(token).map_err(|_| invalid_token())?;
        if header.alg == Algorithm::HS256 {
            return self.local(token).await;
        }
        match &self.oidc {
            Some(oidc) => {
                oidc.verify(token, &header, &self.county, self.clock.now())
                    .await
            }
            None => Err(invalid_token()),
        }
    }

    async fn local(&self, token: &str) -> Result<Caller, Problem> {
        let data =
            decode::<LocalClaims>(token, &self.decoding, &self.validation).map_err(jwt_problem)?;
        expired(Some(data.claims.exp), self.clock.now())?;
        let account = self
            .store
            .account_by_id(&data.claims.sub)
            .await?
            .ok_or_else(invalid_token)?;
        if account.disabled {
            return Err(Problem::unauthenticated(
                Code::AccountDisabled,
                "this account is disabled",
            ));
        }
        if data.claims.ver != account.token_version {
            return Err(Problem::unauthenticated(
                Code::TokenRevoked,
                "this access token was ended (password changed, account disabled, or logged out everywhere)",
            ));
        }
        Ok(account.caller())
    }
}

pub(super) fn invalid_token() -> Problem {
    Problem::unauthenticated(Code::InvalidToken, "the access token is not valid")
}

/// Refuses a token whose expiry (`exp`, seconds) passed more than
/// [`LEEWAY_SECS`] before `now`, or that has none.
pub(super) fn expired(exp: Option<i64>, now: chrono::DateTime<chrono::Utc>) -> Result<(), Problem> {
    match exp {
        Some(exp) if exp.saturating_add(LEEWAY_SECS as i64) >= now.timestamp() => Ok(()),
        _ => Err(jwt_problem(
            jsonwebtoken::errors::ErrorKind::ExpiredSignature.into(),
        )),
    }
}

pub(super) fn jwt_problem(err: jsonwebtoken::errors::Error) -> Problem {
    use jsonwebtoken::errors::ErrorKind as K;
    match err.kind() {
        K::ExpiredSignature => {
            Problem::unauthenticated(Code::TokenExpired, "the access token has expired")
        }
        _ => invalid_token(),
    }
}
