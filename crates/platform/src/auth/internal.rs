//! The internal identity token: how a service knows who a call is for.
//!
//! The gateway (or the CLI) names the caller with [`InternalKey::request`];
//! the client's [`crate::grpc::CallContext`] signs the token when the call
//! leaves, binding it to the one RPC it is for (`/package.Service/Method`,
//! which names the service too). Services verify it in [`RequireCaller`]: a
//! token captured from one call cannot be replayed against another method
//! or service, and none is accepted that claims to live longer than
//! [`MAX_TOKEN_LIFETIME`], whatever the signer's settings.

use std::{
    fmt,
    path::Path,
    str::FromStr,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tonic::{Request, Status, metadata::MetadataValue};

use super::{Caller, roles_from_codes, roles_to_codes};
use crate::{
    DivisionCode,
    clock::{self, SharedClock},
};

/// Metadata key of the internal identity token on every service call.
pub const IDENTITY_HEADER: &str = "x-fazhi-identity";

/// The longest lifetime a receiving service accepts in a token.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// Clock difference between processes tolerated on `iat`, in seconds.
const SKEW_SECS: i64 = 30;

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    roles: String,
    scope: String,
    /// The one RPC the token is for: `/fazhi.training.v1.TrainingService/ImportPeople`.
    rpc: String,
    /// Issued and expiry, seconds since the Unix epoch.
    iat: i64,
    exp: i64,
    /// The platform a bound system acts for (absent for every other caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    src: Option<String>,
}

/// The HMAC-SHA256 key shared by the gateway (which signs internal tokens)
/// and the services (which verify them).
#[derive(Clone)]
pub struct InternalKey {
    key: Arc<[u8]>,
    ttl: Duration,
    clock: SharedClock,
}

impl fmt::Debug for InternalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InternalKey").finish_non_exhaustive()
    }
}

/// Shortest secret accepted, in bytes.
const MIN_SECRET_LEN: usize = 32;

/// A caller waiting to be signed for the RPC a request goes to (put on a
/// request by [`InternalKey::request`], signed by the client's interceptor).
#[derive(Clone)]
pub(crate) struct Unsigned {
    key: InternalKey,
    caller: Caller,
}

impl Unsigned {
    /// The token for `rpc`.
    pub(crate) fn sign(&self, rpc: &str) -> String {
        self.key.sign(&self.caller, rpc)
    }
}

impl InternalKey {
    pub fn new(secret: &[u8], ttl: Duration) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_LEN,
            "the internal token secret must be at least {MIN_SECRET_LEN} bytes"
        );
        Ok(Self {
            key: secret.into(),
            ttl: ttl.min(MAX_TOKEN_LIFETIME),
            clock: clock::system(),
        })
    }

    /// The same key, reading "now" from `clock` when it signs and verifies.
    pub fn with_clock(self, clock: SharedClock) -> Self {
        Self { clock, ..self }
    }

    /// The configured secret, or the one kept in `{data_dir}/{file}` (created
    /// with 64 random hex digits, readable by the owner only, on first use).
    pub fn load(
        configured: Option<&str>,
        data_dir: &Path,
        file: &str,
        ttl: Duration,
    ) -> anyhow::Result<Self> {
        let secret = secret_from(configured, data_dir, file)?;
        Self::new(secret.as_bytes(), ttl)
    }

    /// A signed token for `caller` calling `rpc`, valid for this key's lifetime.
    pub fn sign(&self, caller: &Caller, rpc: &str) -> String {
        let now = self.clock.now().timestamp();
        let claims = Claims {
            sub: caller.subject.clone(),
            roles: roles_to_codes(&caller.roles),
            scope: caller.scope.to_string(),
            rpc: rpc.to_owned(),
            iat: now,
            exp: now + self.ttl.as_secs().max(1) as i64,
            src: caller.source.clone(),
        };
        self.seal(&claims)
    }

    fn seal(&self, claims: &Claims) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
        let signature =
            URL_SAFE_NO_PAD.encode(self.mac(payload.as_bytes()).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// The caller a token names, if it is genuine, unexpired, of a plausible
    /// lifetime and for the RPC `rpc` being called.
    pub fn verify(&self, token: &str, rpc: &str) -> Result<Caller, Status> {
        let invalid = || Status::unauthenticated("missing or invalid internal identity token");
        let (payload, signature) = token.split_once('.').ok_or_else(invalid)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| invalid())?;
        self.mac(payload.as_bytes())
            .verify_slice(&signature)
            .map_err(|_| invalid())?;
        let claims: Claims = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(invalid)?;
        let now = self.clock.now().timestamp();
        if claims.exp < now {
            return Err(Status::unauthenticated("internal identity token expired"));
        }
        let lifetime = MAX_TOKEN_LIFETIME.as_secs() as i64;
        if claims.iat > now + SKEW_SECS || claims.exp - claims.iat > lifetime {
            return Err(Status::unauthenticated(
                "internal identity token lives longer than accepted",
            ));
        }
        if claims.rpc != rpc {
            return Err(Status::unauthenticated(
                "internal identity token is for another call",
            ));
        }
        let roles = roles_from_codes(&claims.roles);
        let scope = DivisionCode::parse(&claims.scope).map_err(|_| invalid())?;
        if roles.is_empty() {
            return Err(invalid());
        }
        Ok(Caller {
            subject: claims.sub,
            roles,
            scope,
            source: claims.src,
        })
    }

    /// `msg` as a request on behalf of `caller`: the token is signed for the
    /// RPC the request is sent to, by a channel from [`crate::grpc::connect_lazy`].
    pub fn request<T>(&self, caller: &Caller, msg: T) -> Request<T> {
        let mut request = Request::new(msg);
        request.extensions_mut().insert(Unsigned {
            key: self.clone(),
            caller: caller.clone(),
        });
        request
    }

    fn mac(&self, data: &[u8]) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(data);
        mac
    }
}

/// Puts the token for `rpc` on an outgoing call that names its caller.
pub(crate) fn sign_outgoing(request: &mut Request<()>, rpc: &str) {
    let Some(unsigned) = request.extensions_mut().remove::<Unsigned>() else {
        return;
    };
    if let Ok(value) = MetadataValue::from_str(&unsigned.sign(rpc)) {
        request.metadata_mut().insert(IDENTITY_HEADER, value);
    }
}

/// A secret from configuration or from a file under the data directory,
/// created on first use.
pub fn secret_from(
    configured: Option<&str>,
    data_dir: &Path,
    file: &str,
) -> anyhow::Result<String> {
    if let Some(secret) = configured.filter(|s| !s.is_empty()) {
        return Ok(secret.to_owned());
    }
    let path = data_dir.join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => return Ok(text.trim().to_owned()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => anyhow::bail!("cannot read {}: {err}", path.display()),
    }
    crate::owner_only::create_dir(data_dir)?;
    let secret = random_hex(32);
    write_private(&path, &secret)?;
    // Another process may have won the race; everyone uses what is on disk.
    Ok(std::fs::read_to_string(&path)?.trim().to_owned())
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            Ok(())
        }
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(anyhow::anyhow!("cannot create {}: {err}", path.display())),
    }
}

/// `bytes` random bytes as lower-case hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The caller a service request was made by (put there by [`RequireCaller`]).
pub fn caller<T>(request: &Request<T>) -> Result<Caller, Status> {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("missing internal identity token"))
}

/// Server layer: every call to a Fazhi API must carry a valid internal token
/// for that very RPC; health checks and reflection stay open.
#[derive(Clone)]
pub struct RequireCallerLayer {
    key: InternalKey,
}

impl RequireCallerLayer {
    pub fn new(key: InternalKey) -> Self {
        Self { key }
    }
}

impl<S> tower::Layer<S> for RequireCallerLayer {
    type Service = RequireCaller<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireCaller {
            inner,
            key: self.key.clone(),
        }
    }
}

#[derive(Clone)]
pub struct RequireCaller<S> {
    inner: S,
    key: InternalKey,
}

impl<S, B, ResBody> tower::Service<http::Request<B>> for RequireCaller<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        let open = path.starts_with("/grpc.health.") || path.starts_with("/grpc.reflection.");
        if !open {
            let verified = request
                .headers()
                .get(IDENTITY_HEADER)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| Status::unauthenticated("missing internal identity token"))
                .and_then(|token| self.key.verify(token, path));
            match verified {
                Ok(caller) => {
                    request.extensions_mut().insert(caller);
                }
                Err(status) => {
                    let response = status.into_http::<ResBody>();
                    return Box::pin(async move { Ok(response) });
                }
            }
        }
        Box::pin(self.inner.call(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    const RPC: &str = "/fazhi.training.v1.TrainingService/GetPerson";

    fn key() -> InternalKey {
        InternalKey::new(&[7u8; 32], Duration::from_secs(60)).unwrap()
    }

    fn officer() -> Caller {
        Caller {
            subject: "account:li".into(),
            roles: vec![Role::Officer],
            scope: DivisionCode::parse("411624100").unwrap(),
            source: None,
        }
    }

    fn claims(rpc: &str, iat: i64, exp: i64) -> Claims {
        Claims {
            sub: "account:li".into(),
            roles: "officer".into(),
            scope: "411624100".into(),
            rpc: rpc.into(),
            iat,
            exp,
            src: None,
        }
    }

    #[test]
    fn a_signed_token_names_its_caller() {
        let token = key().sign(&officer(), RPC);
        assert_eq!(key().verify(&token, RPC).unwrap(), officer());
    }

    #[test]
    fn tampered_foreign_and_expired_tokens_are_refused() {
        let token = key().sign(&officer(), RPC);
        let (payload, signature) = token.split_once('.').unwrap();
        let forged_claims = URL_SAFE_NO_PAD.encode(
            br#"{"sub":"account:li","roles":"admin","scope":"411624","rpc":"x","iat":0,"exp":9999999999}"#,
        );
        for bad in [
            format!("{forged_claims}.{signature}"),
            format!("{payload}."),
            payload.to_owned(),
            String::new(),
        ] {
            assert_eq!(
                key().verify(&bad, RPC).unwrap_err().code(),
                tonic::Code::Unauthenticated
            );
        }
        let other = InternalKey::new(&[8u8; 32], Duration::from_secs(60)).unwrap();
        assert!(other.verify(&token, RPC).is_err());
        let now = crate::clock::system().now().timestamp();
        let expired = key().seal(&claims(RPC, now - 65, now - 5));
        assert!(key().verify(&expired, RPC).is_err());
    }

    #[test]
    fn a_token_for_one_rpc_is_refused_by_another() {
        let token = key().sign(&officer(), RPC);
        for other in [
            "/fazhi.training.v1.TrainingService/ImportPeople",
            "/fazhi.complaints.v1.ComplaintService/GetPerson",
        ] {
            let err = key().verify(&token, other).unwrap_err();
            assert!(err.message().contains("another call"), "{err:?}");
        }
    }

    #[test]
    fn a_token_claiming_a_long_life_is_refused_whoever_signed_it() {
        let now = crate::clock::system().now().timestamp();
        let long = key().seal(&claims(RPC, now, now + 86_400));
        assert!(key().verify(&long, RPC).is_err());
        let from_the_future = key().seal(&claims(RPC, now + 3_600, now + 3_660));
        assert!(key().verify(&from_the_future, RPC).is_err());
        let configured_long = InternalKey::new(&[7u8; 32], Duration::from_secs(86_400)).unwrap();
        let token = configured_long.sign(&officer(), RPC);
        assert!(key().verify(&token, RPC).is_ok(), "signers are capped too");
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(InternalKey::new(b"short", Duration::from_secs(60)).is_err());
    }
}
