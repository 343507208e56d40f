//! Accounts and API keys: what they are, how their secrets are kept, and the
//! checks on new ones. No I/O except the password hash's CPU work.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use chrono::{DateTime, Utc};
use fazhi_platform::Code;
use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    auth::{Caller, Role, random_hex},
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password accepted (hashing cost must stay bounded).
pub const MAX_PASSWORD_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub roles: Vec<Role>,
    pub division: DivisionCode,
    /// The person record (training service) this account belongs to.
    pub person_id: Option<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Access tokens carry it; bumping it ends every token issued before.
    pub token_version: i64,
}

impl Account {
    pub fn caller(&self) -> Caller {
        Caller {
            subject: format!("account:{}", self.username),
            roles: self.roles.clone(),
            scope: self.division.clone(),
            source: None,
        }
    }
}

/// Checks a username: 3–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn check_username(username: &str) -> Result<(), Error> {
    let ok = (3..=64).contains(&username.len())
        && username.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
        && username
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_field(
            "username",
            Code::InvalidUsername,
            "username must be 3 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit",
        ))
    }
}

/// Checks a new password's length.
pub fn check_password(password: &str) -> Result<(), Error> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN || password.len() > MAX_PASSWORD_LEN {
        return Err(Error::invalid_field(
            "password",
            Code::WeakPassword,
            format!("password must be {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} characters long"),
        ));
    }
    Ok(())
}

/// An argon2id hash (PHC string) of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(Error::internal)
}

/// Whether `password` matches `hash`. Runs the full hash even for an
/// unknown user (pass [`DUMMY_HASH`]) so timing does not tell who exists.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A valid argon2id hash of a random password nobody knows, verified
/// against when the username does not exist.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_hex(16)).unwrap_or_default())
}

/// A generated password for the bootstrap account: 24 characters.
pub fn generate_password() -> String {
    random_hex(12)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub secret_hash: String,
    pub roles: Vec<Role>,
    pub division: DivisionCode,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The platform an `integration` key acts for.
    pub source: Option<String>,
}

/// Prefix of every API key, so a leaked one is recognisable.
pub const API_KEY_PREFIX: &str = "fzk_";

/// A new key: its id, the full key shown once, and the stored hash.
pub fn generate_api_key() -> (String, String, String) {
    let id = random_hex(8);
    let secret = random_hex(32);
    let key = format!("{API_KEY_PREFIX}{id}_{secret}");
    (id, key, hash_secret(&secret))
}

/// The id and secret of a presented key, if it has the shape of one.
pub fn parse_api_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix(API_KEY_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(id, 16) && hex(secret, 64)).then_some((id, secret))
}

/// The secret's SHA-256 (a key has 256 random bits; a slow hash adds nothing).
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ApiKey {
    /// Whether `secret` is this key's and the key is usable at `now`.
    pub fn accepts(&self, secret: &str, now: DateTime<Utc>) -> bool {
        let matches: bool = hash_secret(secret)
            .as_bytes()
            .ct_eq(self.secret_hash.as_bytes())
            .into();
        matches && self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }

    pub fn caller(&self) -> Caller {
        Caller {
            subject: format!("api_key:{}", self.id),
            roles: self.roles.clone(),
            scope: self.division.clone(),
            source: self.source.clone(),
        }
    }
}

/// Keys act for systems, not administrators: they cannot manage identities.
pub fn check_api_key_roles(roles: &[Role]) -> Result<(), Error> {
    if roles.contains(&Role::Admin) {
        return Err(Error::new(
            ErrorKind::RuleViolation,
            Code::AdminApiKey,
            "an API key cannot hold the admin role",
        )
        .with_field("roles"));
    }
    Ok(())
}

/// The platform a key acts for: required of an `integration` key (1 to 64
/// visible ASCII characters, as a pushed ticket's `source`), and given to
/// no other, since it narrows what the key sees to that platform's tickets.
pub fn check_api_key_source(roles: &[Role], source: Option<&str>) -> Result<Option<String>, Error> {
    let integration = roles.contains(&Role::Integration);
    match source.map(str::trim).filter(|s| !s.is_empty()) {
        None if integration => Err(Error::invalid_field(
            "source",
            Code::Required,
            "an integration key names the platform whose tickets it pushes (source)",
        )),
        None => Ok(None),
        Some(_) if !integration => Err(Error::invalid_field(
            "source",
            Code::InvalidArgument,
            "only an integration key is bound to a source",
        )),
        Some(text) if text.len() <= 64 && text.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(text.to_owned()))
        }
        Some(_) => Err(Error::invalid_field(
            "source",
            Code::InvalidArgument,
            "source is 1 to 64 visible ASCII characters",
        )),
    }
}

/// Checks a division an administrator gives a new account or key: valid,
/// and inside the administrator's own scope.
pub fn check_division(admin: &Caller, text: &str) -> Result<DivisionCode, Error> {
    let division = DivisionCode::parse_field("division_code", text)?;
    admin.check_writes("division_code", &division)?;
    Ok(division)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_against_their_argon2id_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", dummy_hash()));
    }

    #[test]
    fn api_keys_round_trip_and_refuse_revoked_expired_and_wrong_secrets() {
        let (id, key, hash) = generate_api_key();
        let (parsed_id, secret) = parse_api_key(&key).unwrap();
        assert_eq!(parsed_id, id);
        let now: DateTime<Utc> = "2026-03-02T08:00:00Z".parse().unwrap();
        let mut api_key = ApiKey {
            id,
            name: "county 12345".into(),
            secret_hash: hash,
            roles: vec![Role::Staff],
            division: DivisionCode::parse("411624").unwrap(),
            created_by: "account:admin".into(),
            created_at: now,
            expires_at: Some(now + chrono::Duration::days(1)),
            revoked_at: None,
            source: None,
        };
        assert!(api_key.accepts(secret, now));
        assert!(!api_key.accepts(&"0".repeat(64), now));
        assert!(!api_key.accepts(secret, now + chrono::Duration::days(2)));
        api_key.revoked_at = Some(now);
        assert!(!api_key.accepts(secret, now));
        assert_eq!(parse_api_key("fzk_xyz_123"), None);
        assert_eq!(parse_api_key("eyJhbGciOiJIUzI1NiJ9.e30.x"), None);
    }

    #[test]
    fn usernames_and_passwords_are_checked() {
        for good in ["admin", "laocheng.staff", "li-2"] {
            assert!(check_username(good).is_ok(), "{good}");
        }
        for bad in ["ab", "Admin", "-x1", "名字", "a b c"] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
        assert!(check_password("short").is_err());
        assert!(check_password("twelve chars").is_ok());
        assert!(check_password(&"x".repeat(300)).is_err());
    }
}
