//! Who is calling and what they may do.
//!
//! The gateway authenticates people and systems, then sends every service a
//! short-lived internal token naming the caller, their roles and the division
//! they are scoped to. Services verify it ([`RequireCaller`]) and enforce
//! the same [`allows`] matrix and division scope on their own data, so a
//! mistake in one layer is caught by the other.
//!
//! The matrix here is the one written in `ARCHITECTURE.md`; a test in the
//! gateway compares the two.

use std::{
    fmt,
    path::Path,
    str::FromStr,
    task::{Context, Poll},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tonic::{Request, Status, metadata::MetadataValue};

use crate::{DivisionCode, Error, ErrorKind};

/// Metadata key of the internal identity token on every service call.
pub const IDENTITY_HEADER: &str = "x-fazhi-identity";

/// A role an account, API key or external identity holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Anyone, without an account (public endpoints only).
    Citizen,
    /// Township staff (工作人员): intake and handling of requests.
    Staff,
    /// Enforcement officer (执法人员).
    Officer,
    /// Legal reviewer (法制审核人员).
    LegalReviewer,
    /// Leader (负责人) who signs decisions.
    Leader,
    /// County overseer (县司法局 / 县政府): figures and oversight.
    CountyOverseer,
    /// Administrator of accounts, keys and the audit log.
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Citizen,
        Role::Staff,
        Role::Officer,
        Role::LegalReviewer,
        Role::Leader,
        Role::CountyOverseer,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Staff => "staff",
            Role::Officer => "officer",
            Role::LegalReviewer => "legal_reviewer",
            Role::Leader => "leader",
            Role::CountyOverseer => "county_overseer",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Roles an account or key can be given (`citizen` is what anyone is).
    pub fn assignable(self) -> bool {
        self != Role::Citizen
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Parses a list of role codes, refusing unknown, duplicate and unassignable ones.
pub fn parse_roles(field: &str, codes: &[String]) -> Result<Vec<Role>, Error> {
    if codes.is_empty() {
        return Err(Error::invalid_field(
            field,
            "required",
            format!("{field} must name at least one role"),
        ));
    }
    let mut roles = Vec::with_capacity(codes.len());
    for code in codes {
        let role = Role::from_code(code)
            .filter(|r| r.assignable())
            .ok_or_else(|| {
                Error::invalid_field(
                    field,
                    "unknown_role",
                    format!("{code:?} is not a role (staff, officer, legal_reviewer, leader, county_overseer, admin)"),
                )
            })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles.sort();
    Ok(roles)
}

/// What a caller may do, resource by resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Submit a complaint through the public endpoint.
    ComplaintSubmit,
    /// Follow one complaint by tracking code and phone digits.
    ComplaintTrack,
    /// Record a complaint from any channel.
    ComplaintCreate,
    /// Read and list complaints (personal data masked).
    ComplaintRead,
    /// Read complainants' names and phone numbers unmasked (audited).
    ComplaintReadPersonal,
    /// County oversight figures.
    OversightRead,
    /// The audit log of unmasked reads and identity changes.
    AuditRead,
    /// Accounts: create, list, disable.
    AccountManage,
    /// API keys: create, list, revoke.
    ApiKeyManage,
    /// People, training, exams, certificates and outreach: read, and ask
    /// whether someone is certified.
    TrainingRead,
    /// Record people, training sessions, exams and outreach.
    TrainingManage,
    /// Issue, suspend, reinstate, revoke and review certificates.
    CertificateManage,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::ComplaintSubmit,
        Permission::ComplaintTrack,
        Permission::ComplaintCreate,
        Permission::ComplaintRead,
        Permission::ComplaintReadPersonal,
        Permission::OversightRead,
        Permission::AuditRead,
        Permission::AccountManage,
        Permission::ApiKeyManage,
        Permission::TrainingRead,
        Permission::TrainingManage,
        Permission::CertificateManage,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::ComplaintSubmit => "complaint.submit",
            Permission::ComplaintTrack => "complaint.track",
            Permission::ComplaintCreate => "complaint.create",
            Permission::ComplaintRead => "complaint.read",
            Permission::ComplaintReadPersonal => "complaint.read_personal",
            Permission::OversightRead => "oversight.read",
            Permission::AuditRead => "audit.read",
            Permission::AccountManage => "account.manage",
            Permission::ApiKeyManage => "api_key.manage",
            Permission::TrainingRead => "training.read",
            Permission::TrainingManage => "training.manage",
            Permission::CertificateManage => "certificate.manage",
        }
    }

    /// Roles granted this permission (within their division scope).
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ComplaintSubmit | Permission::ComplaintTrack => &Role::ALL,
            Permission::ComplaintCreate => &[Staff, Officer, Leader, Admin],
            Permission::ComplaintRead => {
                &[Staff, Officer, LegalReviewer, Leader, CountyOverseer, Admin]
            }
            Permission::ComplaintReadPersonal => &[Staff, Officer, Leader],
            Permission::OversightRead => &[Leader, CountyOverseer, Admin],
            Permission::AuditRead | Permission::AccountManage | Permission::ApiKeyManage => {
                &[Admin]
            }
            Permission::TrainingRead => {
                &[Staff, Officer, LegalReviewer, Leader, CountyOverseer, Admin]
            }
            Permission::TrainingManage => &[Staff, Leader, CountyOverseer, Admin],
            Permission::CertificateManage => &[CountyOverseer, Admin],
        }
    }
}

/// Whether any of `roles` grants `permission`.
pub fn allows(roles: &[Role], permission: Permission) -> bool {
    roles.iter().any(|r| permission.roles().contains(r))
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// `account:<username>`, `api_key:<id>`, `oidc:<sub>` or `citizen`.
    pub subject: String,
    pub roles: Vec<Role>,
    /// The division the caller acts for; they see it and every division under it.
    pub scope: DivisionCode,
}

impl Caller {
    /// An anonymous member of the public, able to reach records of `county`
    /// through the public endpoints only.
    pub fn citizen(county: DivisionCode) -> Self {
        Self {
            subject: "citizen".into(),
            roles: vec![Role::Citizen],
            scope: county,
        }
    }

    pub fn may(&self, permission: Permission) -> bool {
        allows(&self.roles, permission)
    }

    /// PERMISSION_DENIED unless the caller holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), Error> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(forbidden(permission))
        }
    }

    /// Whether `division` is the caller's own or lies under it.
    pub fn sees(&self, division: &DivisionCode) -> bool {
        self.scope.contains(division)
    }

    /// The division a list or count covers: the caller's whole scope when
    /// none is asked for, the asked one when it lies inside the scope.
    pub fn narrow(&self, field: &str, asked: Option<DivisionCode>) -> Result<DivisionCode, Error> {
        match asked {
            None => Ok(self.scope.clone()),
            Some(division) if self.sees(&division) => Ok(division),
            Some(division) => Err(out_of_scope(field, &division)),
        }
    }

    /// Refuses a record of `division` (written, or asked for by a filter)
    /// outside the caller's scope.
    pub fn check_writes(&self, field: &str, division: &DivisionCode) -> Result<(), Error> {
        if self.sees(division) {
            Ok(())
        } else {
            Err(out_of_scope(field, division))
        }
    }
}

pub fn forbidden(permission: Permission) -> Error {
    Error::new(
        ErrorKind::PermissionDenied,
        "forbidden",
        format!("your role does not allow {}", permission.code()),
    )
}

fn out_of_scope(field: &str, division: &DivisionCode) -> Error {
    Error::new(
        ErrorKind::PermissionDenied,
        "division_out_of_scope",
        format!("division {division} is outside the divisions you act for"),
    )
    .with_field(field)
}

/// Reads a role list from its comma-separated codes (as stored).
pub fn roles_from_codes(codes: &str) -> Vec<Role> {
    codes.split(',').filter_map(Role::from_code).collect()
}

/// Comma-separated role codes (as stored).
pub fn roles_to_codes(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    roles: String,
    scope: String,
    /// Expiry, seconds since the Unix epoch.
    exp: i64,
}

/// The HMAC-SHA256 key shared by the gateway (which signs internal tokens)
/// and the services (which verify them).
#[derive(Clone)]
pub struct InternalKey {
    key: Vec<u8>,
    ttl: Duration,
}

impl fmt::Debug for InternalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InternalKey").finish_non_exhaustive()
    }
}

/// Shortest secret accepted, in bytes.
const MIN_SECRET_LEN: usize = 32;

impl InternalKey {
    pub fn new(secret: &[u8], ttl: Duration) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_LEN,
            "the internal token secret must be at least {MIN_SECRET_LEN} bytes"
        );
        Ok(Self {
            key: secret.to_vec(),
            ttl,
        })
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

    /// A signed token for `caller`, valid for this key's lifetime.
    pub fn sign(&self, caller: &Caller) -> String {
        let claims = Claims {
            sub: caller.subject.clone(),
            roles: roles_to_codes(&caller.roles),
            scope: caller.scope.to_string(),
            exp: chrono::Utc::now().timestamp() + self.ttl.as_secs().max(1) as i64,
        };
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
        let signature =
            URL_SAFE_NO_PAD.encode(self.mac(payload.as_bytes()).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// The caller a token names, if it is genuine and unexpired.
    pub fn verify(&self, token: &str) -> Result<Caller, Status> {
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
        if claims.exp < chrono::Utc::now().timestamp() {
            return Err(Status::unauthenticated("internal identity token expired"));
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
        })
    }

    /// `msg` as a request carrying `caller`'s token.
    pub fn request<T>(&self, caller: &Caller, msg: T) -> Request<T> {
        let mut request = Request::new(msg);
        if let Ok(value) = MetadataValue::from_str(&self.sign(caller)) {
            request.metadata_mut().insert(IDENTITY_HEADER, value);
        }
        request
    }

    fn mac(&self, data: &[u8]) -> Hmac<Sha256> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(data);
        mac
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
    std::fs::create_dir_all(data_dir)?;
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

/// Server layer: every call to a Fazhi API must carry a valid internal token;
/// health checks and reflection stay open.
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
                .and_then(|token| self.key.verify(token));
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

    fn key() -> InternalKey {
        InternalKey::new(&[7u8; 32], Duration::from_secs(60)).unwrap()
    }

    fn officer() -> Caller {
        Caller {
            subject: "account:li".into(),
            roles: vec![Role::Officer],
            scope: DivisionCode::parse("411624100").unwrap(),
        }
    }

    #[test]
    fn a_signed_token_names_its_caller() {
        let token = key().sign(&officer());
        assert_eq!(key().verify(&token).unwrap(), officer());
    }

    #[test]
    fn tampered_foreign_and_expired_tokens_are_refused() {
        let token = key().sign(&officer());
        let (payload, signature) = token.split_once('.').unwrap();
        let forged_claims = URL_SAFE_NO_PAD
            .encode(br#"{"sub":"account:li","roles":"admin","scope":"411624","exp":9999999999}"#);
        for bad in [
            format!("{forged_claims}.{signature}"),
            format!("{payload}."),
            payload.to_owned(),
            String::new(),
        ] {
            assert_eq!(
                key().verify(&bad).unwrap_err().code(),
                tonic::Code::Unauthenticated
            );
        }
        let other = InternalKey::new(&[8u8; 32], Duration::from_secs(60)).unwrap();
        assert!(other.verify(&token).is_err());
        let expired = InternalKey::new(&[7u8; 32], Duration::ZERO).unwrap();
        let claims = Claims {
            sub: "x".into(),
            roles: "staff".into(),
            scope: "411624".into(),
            exp: chrono::Utc::now().timestamp() - 5,
        };
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        let sig = URL_SAFE_NO_PAD.encode(expired.mac(payload.as_bytes()).finalize().into_bytes());
        assert!(key().verify(&format!("{payload}.{sig}")).is_err());
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(InternalKey::new(b"short", Duration::from_secs(60)).is_err());
    }

    #[test]
    fn scope_covers_the_division_and_what_lies_under_it() {
        let caller = officer();
        let own = DivisionCode::parse("411624100").unwrap();
        let village = DivisionCode::parse("411624100201").unwrap();
        let other = DivisionCode::parse("411624101").unwrap();
        let county = DivisionCode::parse("411624").unwrap();
        assert!(caller.sees(&own) && caller.sees(&village));
        assert!(!caller.sees(&other) && !caller.sees(&county));
        assert_eq!(caller.narrow("d", None).unwrap(), own);
        assert_eq!(caller.narrow("d", Some(village.clone())).unwrap(), village);
        assert_eq!(
            caller.narrow("d", Some(county)).unwrap_err().code,
            "division_out_of_scope"
        );
    }

    #[test]
    fn role_lists_refuse_unknown_and_citizen() {
        assert_eq!(
            parse_roles("roles", &["staff".into(), "officer".into(), "staff".into()]).unwrap(),
            vec![Role::Staff, Role::Officer]
        );
        for bad in [vec![], vec!["citizen".to_owned()], vec!["root".to_owned()]] {
            assert!(parse_roles("roles", &bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn personal_data_is_for_the_roles_that_handle_requests() {
        assert!(allows(&[Role::Staff], Permission::ComplaintReadPersonal));
        assert!(!allows(&[Role::Admin], Permission::ComplaintReadPersonal));
        assert!(!allows(
            &[Role::CountyOverseer],
            Permission::ComplaintReadPersonal
        ));
        assert!(allows(&[Role::Citizen], Permission::ComplaintSubmit));
        assert!(!allows(&[Role::Citizen], Permission::ComplaintRead));
    }
}
