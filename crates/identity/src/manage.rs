//! Changes to accounts and API keys, each written together with its audit
//! entry. The REST handlers and the `fazhi user` / `fazhi apikey` commands
//! both go through here.

use chrono::{DateTime, Utc};
use fazhi_platform::Code;
use fazhi_platform::{
    Error,
    auth::{Caller, parse_roles, roles_to_codes},
};

use crate::{
    accounts::{self, Account, ApiKey},
    store::{AuditEvent, Store},
};

/// What an administrator gives for a new account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub roles: Vec<String>,
    pub division_code: String,
    pub person_id: Option<String>,
}

/// What an administrator gives for a new API key.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    pub roles: Vec<String>,
    pub division_code: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// The platform an `integration` key acts for.
    pub source: Option<String>,
    /// Id to use instead of a random one (derived from an Idempotency-Key,
    /// so a retried request cannot mint a second key).
    pub id: Option<String>,
}

/// An audit entry for `actor` doing `action` to a record, stamped by the
/// store's clock.
pub fn audit_event(
    store: &Store,
    actor: &Caller,
    action: &str,
    resource: &str,
    id: &str,
    division: &str,
) -> AuditEvent {
    AuditEvent {
        id: uuid::Uuid::now_v7().to_string(),
        at: store.now(),
        actor: actor.subject.clone(),
        actor_roles: roles_to_codes(&actor.roles),
        action: action.to_owned(),
        resource: resource.to_owned(),
        resource_id: id.to_owned(),
        division: division.to_owned(),
    }
}

pub async fn create_account(
    store: &Store,
    actor: &Caller,
    new: NewAccount,
) -> Result<Account, Error> {
    accounts::check_username(&new.username)?;
    accounts::check_password(&new.password)?;
    let roles = parse_roles("roles", &new.roles)?;
    let division = accounts::check_division(actor, &new.division_code)?;
    if let Some(person) = &new.person_id
        && (person.is_empty() || person.len() > 64)
    {
        return Err(Error::invalid_field(
            "person_id",
            Code::InvalidPersonId,
            "person_id must be 1 to 64 characters",
        ));
    }
    let password = new.password;
    let password_hash = tokio::task::spawn_blocking(move || accounts::hash_password(&password))
        .await
        .map_err(Error::internal)??;
    let now = store.now();
    let account = Account {
        id: uuid::Uuid::now_v7().to_string(),
        username: new.username,
        password_hash,
        roles,
        division,
        person_id: new.person_id,
        disabled: false,
        created_at: now,
        updated_at: now,
        version: 1,
        token_version: 1,
    };
    let audit = audit_event(
        store,
        actor,
        "account.create",
        "account",
        &account.username,
        account.division.as_str(),
    );
    store.insert_account(&account, Some(&audit)).await?;
    Ok(account)
}

/// Disables or enables an account of the actor's divisions; NOT_FOUND when
/// there is none (or it lies outside them).
pub async fn set_disabled(
    store: &Store,
    actor: &Caller,
    username: &str,
    disabled: bool,
) -> Result<Account, Error> {
    let account = store
        .account_by_username(username)
        .await?
        .filter(|a| actor.sees(&a.division))
        .ok_or_else(|| Error::not_found("account"))?;
    if account.disabled == disabled {
        return Ok(account);
    }
    let action = if disabled {
        "account.disable"
    } else {
        "account.enable"
    };
    let audit = audit_event(
        store,
        actor,
        action,
        "account",
        username,
        account.division.as_str(),
    );
    store
        .set_disabled(username, disabled, store.now(), &audit)
        .await?
        .ok_or_else(|| Error::not_found("account"))
}

/// Gives `account` a new password (checked, then hashed off the async
/// workers) and ends its sessions, audited as `action`.
pub async fn set_password(
    store: &Store,
    actor: &Caller,
    account: &Account,
    password: String,
    action: &str,
) -> Result<Account, Error> {
    accounts::check_password(&password)?;
    let password_hash = tokio::task::spawn_blocking(move || accounts::hash_password(&password))
        .await
        .map_err(Error::internal)??;
    let audit = audit_event(
        store,
        actor,
        action,
        "account",
        &account.username,
        account.division.as_str(),
    );
    store
        .set_password(&account.id, &password_hash, store.now(), &audit)
        .await?
        .ok_or_else(|| Error::not_found("account"))
}

/// An administrator sets a new password for an account of their divisions
/// (a generated one when none is given, returned once); its sessions end.
pub async fn reset_password(
    store: &Store,
    actor: &Caller,
    username: &str,
    password: Option<String>,
) -> Result<(Account, Option<String>), Error> {
    let account = store
        .account_by_username(username)
        .await?
        .filter(|a| actor.sees(&a.division))
        .ok_or_else(|| Error::not_found("account"))?;
    let (password, generated) = match password {
        Some(p) => (p, false),
        None => (accounts::generate_password(), true),
    };
    let account = set_password(
        store,
        actor,
        &account,
        password.clone(),
        "account.password_reset",
    )
    .await?;
    Ok((account, generated.then_some(password)))
}

/// Creates a key; returns it with the full key string, shown once.
pub async fn create_api_key(
    store: &Store,
    actor: &Caller,
    new: NewApiKey,
) -> Result<(ApiKey, String), Error> {
    let name =
        fazhi_platform::text::required("name", &new.name, 100, fazhi_platform::text::Lines::One)?;
    let roles = parse_roles("roles", &new.roles)?;
    accounts::check_api_key_roles(&roles)?;
    let source = accounts::check_api_key_source(&roles, new.source.as_deref())?;
    let division = accounts::check_division(actor, &new.division_code)?;
    let now = store.now();
    if new.expires_at.is_some_and(|at| at <= now) {
        return Err(Error::invalid_field(
            "expires_at",
            Code::InThePast,
            "expires_at must be in the future",
        ));
    }
    let (mut id, mut key, secret_hash) = accounts::generate_api_key();
    if let Some(fixed) = new.id {
        key = key.replacen(&id, &fixed, 1);
        id = fixed;
    }
    let api_key = ApiKey {
        id,
        name,
        secret_hash,
        roles,
        division,
        created_by: actor.subject.clone(),
        created_at: now,
        expires_at: new.expires_at,
        revoked_at: None,
        source,
    };
    let audit = audit_event(
        store,
        actor,
        "api_key.create",
        "api_key",
        &api_key.id,
        api_key.division.as_str(),
    );
    store.insert_api_key(&api_key, &audit).await?;
    Ok((api_key, key))
}

/// Revokes a key of the actor's divisions (revoking twice changes nothing).
pub async fn revoke_api_key(store: &Store, actor: &Caller, id: &str) -> Result<ApiKey, Error> {
    let key = store
        .api_key(id)
        .await?
        .filter(|k| actor.sees(&k.division))
        .ok_or_else(|| Error::not_found("API key"))?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    let audit = audit_event(
        store,
        actor,
        "api_key.revoke",
        "api_key",
        id,
        key.division.as_str(),
    );
    store
        .revoke_api_key(id, store.now(), &audit)
        .await?
        .ok_or_else(|| Error::not_found("API key"))
}
