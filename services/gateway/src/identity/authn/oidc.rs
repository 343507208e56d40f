//! An external OIDC issuer: its tokens verified against the keys it
//! publishes (JWKS, fetched and kept a while), its subject and roles read
//! into a caller of the county.

use super::*;
use chrono::{DateTime, Utc};

/// How often the JWKS is fetched again at most when an unknown key id shows up.
const JWKS_REFETCH_AFTER: Duration = Duration::from_secs(30);
/// How long fetched keys are used before they are fetched again.
const JWKS_MAX_AGE: Duration = Duration::from_secs(600);

pub(super) struct Oidc {
    issuer: String,
    jwks_url: String,
    audience: String,
    algorithms: Vec<Algorithm>,
    roles_claim: String,
    division_claim: String,
    client: reqwest::Client,
    keys: RwLock<Option<(DateTime<Utc>, Arc<JwkSet>)>>,
    fetching: Mutex<()>,
}

impl Oidc {
    pub(super) fn new(settings: &OidcSettings) -> anyhow::Result<Option<Self>> {
        let Some(issuer) = settings.issuer.clone() else {
            return Ok(None);
        };
        let jwks_url = settings.jwks_url.clone().ok_or_else(|| {
            anyhow::anyhow!("gateway.auth.oidc.jwks_url is required with an issuer")
        })?;
        let audience = settings.audience.clone().ok_or_else(|| {
            anyhow::anyhow!("gateway.auth.oidc.audience is required with an issuer")
        })?;
        let mut algorithms = Vec::new();
        for name in &settings.algorithms {
            let alg: Algorithm = name
                .parse()
                .map_err(|_| anyhow::anyhow!("unknown OIDC algorithm {name:?}"))?;
            anyhow::ensure!(
                !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512),
                "OIDC tokens must use an asymmetric algorithm, not {name}"
            );
            algorithms.push(alg);
        }
        anyhow::ensure!(
            !algorithms.is_empty(),
            "gateway.auth.oidc.algorithms is empty"
        );
        crate::install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()?;
        Ok(Some(Self {
            issuer,
            jwks_url,
            audience,
            algorithms,
            roles_claim: settings.roles_claim.clone(),
            division_claim: settings.division_claim.clone(),
            client,
            keys: RwLock::new(None),
            fetching: Mutex::new(()),
        }))
    }

    pub(super) async fn verify(
        &self,
        token: &str,
        header: &Header,
        county: &DivisionCode,
        now: DateTime<Utc>,
    ) -> Result<Caller, Problem> {
        if !self.algorithms.contains(&header.alg) {
            return Err(invalid_token());
        }
        let key = self.key(header.kid.as_deref(), header.alg, now).await?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is read against the gateway's clock, not the library's.
        validation.validate_exp = false;
        let data = decode::<serde_json::Value>(token, &key, &validation).map_err(jwt_problem)?;
        let claims = data.claims;
        expired(claims.get("exp").and_then(serde_json::Value::as_i64), now)?;
        let sub = claims
            .get("sub")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let roles: Vec<Role> = match claims.get(&self.roles_claim) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str())
                .filter_map(Role::from_code)
                .collect(),
            Some(serde_json::Value::String(text)) => {
                text.split([' ', ',']).filter_map(Role::from_code).collect()
            }
            _ => Vec::new(),
        };
        let mut roles: Vec<Role> = roles.into_iter().filter(|r| r.assignable()).collect();
        roles.sort();
        roles.dedup();
        if roles.is_empty() || sub.is_empty() {
            return Err(Problem::unauthenticated(
                Code::NoFazhiRole,
                "the identity provider's token names no Fazhi role",
            ));
        }
        let scope = claims
            .get(&self.division_claim)
            .and_then(|v| v.as_str())
            .and_then(|text| DivisionCode::parse(text).ok())
            .filter(|division| county.contains(division))
            .ok_or_else(|| {
                Problem::unauthenticated(
                    Code::NoFazhiDivision,
                    "the identity provider's token names no division of this county",
                )
            })?;
        Ok(Caller {
            subject: format!("oidc:{sub}"),
            roles,
            scope,
            source: None,
        })
    }

    /// The key for `kid`, fetching the JWKS when it is missing or old.
    async fn key(
        &self,
        kid: Option<&str>,
        alg: Algorithm,
        now: DateTime<Utc>,
    ) -> Result<DecodingKey, Problem> {
        let younger = |fetched: DateTime<Utc>, than: Duration| {
            (now - fetched).to_std().unwrap_or_default() < than
        };
        let find = |set: &JwkSet| {
            set.keys
                .iter()
                .filter(|k| kid.is_none() || k.common.key_id.as_deref() == kid)
                .filter(|k| {
                    k.common
                        .key_algorithm
                        .is_none_or(|ka| ka.to_string() == format!("{alg:?}"))
                })
                .find_map(|k| DecodingKey::from_jwk(k).ok())
        };
        if let Some((fetched, set)) = self.keys.read().await.clone()
            && younger(fetched, JWKS_MAX_AGE)
            && let Some(key) = find(&set)
        {
            return Ok(key);
        }
        // One fetch at a time; an unknown key id refetches at most every
        // JWKS_REFETCH_AFTER, so bogus ids cannot hammer the issuer.
        let _one_fetch = self.fetching.lock().await;
        if let Some((fetched, set)) = self.keys.read().await.clone()
            && younger(fetched, JWKS_REFETCH_AFTER)
        {
            return find(&set).ok_or_else(invalid_token);
        }
        let set = Arc::new(self.fetch().await?);
        *self.keys.write().await = Some((now, set.clone()));
        find(&set).ok_or_else(invalid_token)
    }

    async fn fetch(&self) -> Result<JwkSet, Problem> {
        let unavailable = |err: reqwest::Error| {
            tracing::warn!(error = %err, "fetching the OIDC JWKS failed");
            Problem::from(Error::new(
                ErrorKind::Unavailable,
                Code::IdentityProviderUnavailable,
                "the identity provider's keys could not be fetched",
            ))
        };
        self.client
            .get(&self.jwks_url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(unavailable)?
            .json::<JwkSet>()
            .await
            .map_err(unavailable)
    }
}
