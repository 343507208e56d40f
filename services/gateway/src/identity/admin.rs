//! What administrators manage over REST: accounts and API keys (the audit
//! log is `audit_log`).

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::IntoResponse,
};
use chrono::{DateTime, Utc};
use fazhi_platform::Code;
use fazhi_platform::{Error, ErrorKind, paging, time};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    AppState,
    edge::idempotency::{ReplayBody, RequestKey},
    edge::json::JsonBody,
    edge::problem::Problem,
    edge::query,
    identity::authn::Identity,
};
use fazhi_identity::accounts::{Account, ApiKey};
use fazhi_identity::manage;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateAccountRequest)]
pub struct CreateAccount {
    #[schema(example = "laocheng.staff")]
    username: String,
    /// 12 to 256 characters.
    password: String,
    /// Any of `staff`, `officer`, `legal_reviewer`, `leader`, `county_overseer`, `admin`.
    #[schema(example = json!(["staff"]))]
    #[schema(value_type = Vec<crate::rest::codes::Role>)]
    roles: Vec<String>,
    /// The division the account acts for (and sees, with everything under it).
    #[schema(example = "411624100", pattern = r"^[1-8][0-9]{5}([0-9]{3}){0,2}$")]
    division_code: String,
    /// The person record this account belongs to, if any.
    #[serde(default)]
    person_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Account)]
pub struct AccountView {
    id: String,
    username: String,
    #[schema(value_type = Vec<crate::rest::codes::Role>)]
    roles: Vec<String>,
    division_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    person_id: Option<String>,
    disabled: bool,
    created_at: String,
    updated_at: String,
    version: i64,
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id.clone(),
            username: a.username.clone(),
            roles: a.roles.iter().map(|r| r.code().to_owned()).collect(),
            division_code: a.division.to_string(),
            person_id: a.person_id.clone(),
            disabled: a.disabled,
            created_at: time::to_rfc3339(a.created_at),
            updated_at: time::to_rfc3339(a.updated_at),
            version: a.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ListAccountsResponse)]
pub struct AccountPage {
    accounts: Vec<AccountView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// Opaque token from the previous page.
    page_token: Option<String>,
}

impl PageParams {
    /// The page size and the position after which the page starts.
    pub(crate) fn read(&self, parts: usize) -> Result<(i64, Option<Vec<String>>), Problem> {
        let size = paging::page_size(query::page_size(self.page_size.as_deref())?)?;
        let after = paging::decode_token(self.page_token.as_deref().unwrap_or_default(), parts)?;
        Ok((size, after))
    }
}

/// Create an account in the administrator's county.
#[utoipa::path(
    post,
    path = "/api/v1/accounts",
    extensions(("x-fazhi-access" = json!("account.manage"))),
    tag = "accounts",
    request_body = CreateAccount,
    responses((status = 201, description = "Created", body = AccountView))
)]
pub async fn create_account(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<CreateAccount>,
) -> Result<impl IntoResponse, Problem> {
    // An account is linked only to a person the administrator's divisions
    // hold: asked of the training service as the administrator.
    if let Some(person_id) = body
        .person_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let found = state
            .training
            .clone()
            .get_person(state.signed(
                &identity,
                fazhi_proto::training::v1::GetPersonRequest {
                    id: person_id.to_owned(),
                },
            ))
            .await;
        match found {
            Ok(_) => {}
            Err(status) if status.code() == tonic::Code::NotFound => {
                return Err(Problem::bad_field(
                    "person_id",
                    fazhi_platform::Code::NotFound,
                    "person_id names no person in the divisions you act for",
                ));
            }
            Err(status) => return Err(status.into()),
        }
    }
    let account = manage::create_account(
        &state.gate.store,
        &identity.caller,
        manage::NewAccount {
            username: body.username,
            password: body.password,
            roles: body.roles,
            division_code: body.division_code,
            person_id: body.person_id,
        },
    )
    .await?;
    let location = format!("/api/v1/accounts/{}", account.username);
    Ok((
        StatusCode::CREATED,
        [(http::header::LOCATION, location)],
        Json(AccountView::from(&account)),
    ))
}

/// Accounts of the administrator's divisions, by username.
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    extensions(("x-fazhi-access" = json!("account.manage"))),
    tag = "accounts",
    params(PageParams),
    responses((status = 200, description = "One page", body = AccountPage))
)]
pub async fn list_accounts(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<AccountPage>, Problem> {
    let Query(params) = params?;
    let (size, after) = params.read(1)?;
    let after = after.map(|p| p[0].clone()).unwrap_or_default();
    let mut found = state
        .gate
        .store
        .list_accounts(&identity.caller.scope, &after, size + 1)
        .await?;
    let next_page_token = paging::cut(&mut found, size, |a| vec![a.username.clone()]);
    let next_page_token = Some(next_page_token).filter(|t| !t.is_empty());
    Ok(Json(AccountPage {
        accounts: found.iter().map(AccountView::from).collect(),
        next_page_token,
    }))
}

/// Disable an account: its tokens stop working at once.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{username}/disable",
    extensions(("x-fazhi-access" = json!("account.manage"))),
    tag = "accounts",
    params(("username" = String, Path, description = "Username")),
    responses((status = 200, description = "Disabled", body = AccountView))
)]
pub async fn disable_account(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(username): Path<String>,
) -> Result<Json<AccountView>, Problem> {
    if identity.caller.subject == format!("account:{username}") {
        return Err(Error::new(
            ErrorKind::RuleViolation,
            Code::CannotDisableSelf,
            "administrators cannot disable their own account",
        )
        .into());
    }
    set_disabled(&state, &identity, &username, true).await
}

/// Enable a disabled account again.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{username}/enable",
    extensions(("x-fazhi-access" = json!("account.manage"))),
    tag = "accounts",
    params(("username" = String, Path, description = "Username")),
    responses((status = 200, description = "Enabled", body = AccountView))
)]
pub async fn enable_account(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(username): Path<String>,
) -> Result<Json<AccountView>, Problem> {
    set_disabled(&state, &identity, &username, false).await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ResetPasswordRequest)]
pub struct ResetPassword {
    /// The new password; none means a generated one, returned once.
    #[serde(default)]
    password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordReset {
    account: AccountView,
    /// The generated password, shown once; absent when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

/// Set a new password for an account (forgotten, or suspected known to
/// others): every session of the account ends.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{username}/reset-password",
    extensions(("x-fazhi-access" = json!("account.manage"))),
    tag = "accounts",
    params(("username" = String, Path, description = "Username")),
    request_body = ResetPassword,
    responses((status = 200, description = "Reset", body = PasswordReset))
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(username): Path<String>,
    JsonBody(body): JsonBody<ResetPassword>,
) -> Result<axum::response::Response, Problem> {
    if identity.caller.subject == format!("account:{username}") {
        // One's own password is changed with the old one (POST /auth/password).
        return Err(Error::new(
            ErrorKind::RuleViolation,
            Code::CannotResetSelf,
            "administrators change their own password with POST /api/v1/auth/password",
        )
        .into());
    }
    let (account, generated) = manage::reset_password(
        &state.gate.store,
        &identity.caller,
        &username,
        body.password,
    )
    .await?;
    // A generated password is shown once and never kept for a replay.
    let replay = serde_json::to_string(&PasswordReset {
        account: AccountView::from(&account),
        password: None,
    })
    .unwrap_or_default();
    let mut response = Json(PasswordReset {
        account: AccountView::from(&account),
        password: generated,
    })
    .into_response();
    response.extensions_mut().insert(ReplayBody(replay));
    Ok(response)
}

async fn set_disabled(
    state: &AppState,
    identity: &Identity,
    username: &str,
    disabled: bool,
) -> Result<Json<AccountView>, Problem> {
    let account =
        manage::set_disabled(&state.gate.store, &identity.caller, username, disabled).await?;
    Ok(Json(AccountView::from(&account)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateApiKeyRequest)]
pub struct CreateApiKey {
    /// What the key is for, e.g. the county 12345 platform.
    #[schema(example = "county 12345 platform")]
    name: String,
    /// Any role but `admin`.
    #[schema(example = json!(["staff"]))]
    #[schema(value_type = Vec<crate::rest::codes::Role>)]
    roles: Vec<String>,
    #[schema(example = "411624", pattern = r"^[1-8][0-9]{5}([0-9]{3}){0,2}$")]
    division_code: String,
    /// When the key stops working (RFC 3339); none means until revoked.
    #[serde(default)]
    expires_at: Option<String>,
    /// Required of an `integration` key: the platform (a pushed ticket's
    /// `source`) whose tickets alone it pushes and reads.
    #[serde(default)]
    #[schema(example = "county-12345")]
    source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ApiKey)]
pub struct ApiKeyView {
    id: String,
    name: String,
    #[schema(value_type = Vec<crate::rest::codes::Role>)]
    roles: Vec<String>,
    division_code: String,
    created_by: String,
    created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_at: Option<String>,
    /// The platform an integration key acts for.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

impl From<&ApiKey> for ApiKeyView {
    fn from(k: &ApiKey) -> Self {
        Self {
            id: k.id.clone(),
            name: k.name.clone(),
            roles: k.roles.iter().map(|r| r.code().to_owned()).collect(),
            division_code: k.division.to_string(),
            created_by: k.created_by.clone(),
            created_at: time::to_rfc3339(k.created_at),
            expires_at: k.expires_at.map(time::to_rfc3339),
            revoked_at: k.revoked_at.map(time::to_rfc3339),
            source: k.source.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    api_key: ApiKeyView,
    /// The key itself, shown this once (null on an idempotent replay).
    key: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ListApiKeysResponse)]
pub struct ApiKeyPage {
    api_keys: Vec<ApiKeyView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

/// Create an API key for a county system. The key is in this answer only.
#[utoipa::path(
    post,
    path = "/api/v1/api-keys",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "api keys",
    request_body = CreateApiKey,
    responses((status = 201, description = "Created", body = CreatedApiKey))
)]
pub async fn create_api_key(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    request_key: Option<Extension<RequestKey>>,
    JsonBody(body): JsonBody<CreateApiKey>,
) -> Result<impl IntoResponse, Problem> {
    let expires_at = match body.expires_at.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            DateTime::parse_from_rfc3339(text)
                .map_err(|_| {
                    Error::invalid_field(
                        "expires_at",
                        Code::InvalidTime,
                        "expires_at must be an RFC 3339 time",
                    )
                })?
                .with_timezone(&Utc),
        ),
    };
    let (api_key, key) = manage::create_api_key(
        &state.gate.store,
        &identity.caller,
        manage::NewApiKey {
            name: body.name,
            roles: body.roles,
            division_code: body.division_code,
            expires_at,
            source: body.source,
            id: request_key.map(|Extension(RequestKey(request))| request[..16].to_owned()),
        },
    )
    .await?;
    let view = ApiKeyView::from(&api_key);
    let replay = serde_json::to_string(&CreatedApiKey {
        api_key: ApiKeyView::from(&api_key),
        key: None,
    })
    .unwrap_or_default();
    let location = format!("/api/v1/api-keys/{}", api_key.id);
    let mut response = (
        StatusCode::CREATED,
        [(http::header::LOCATION, location)],
        Json(CreatedApiKey {
            api_key: view,
            key: Some(key),
        }),
    )
        .into_response();
    response.extensions_mut().insert(ReplayBody(replay));
    Ok(response)
}

/// API keys of the administrator's divisions.
#[utoipa::path(
    get,
    path = "/api/v1/api-keys",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "api keys",
    params(PageParams),
    responses((status = 200, description = "One page", body = ApiKeyPage))
)]
pub async fn list_api_keys(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<ApiKeyPage>, Problem> {
    let Query(params) = params?;
    let (size, after) = params.read(1)?;
    let after = after.map(|p| p[0].clone()).unwrap_or_default();
    let mut found = state
        .gate
        .store
        .list_api_keys(&identity.caller.scope, &after, size + 1)
        .await?;
    let next_page_token = paging::cut(&mut found, size, |k| vec![k.id.clone()]);
    let next_page_token = Some(next_page_token).filter(|t| !t.is_empty());
    Ok(Json(ApiKeyPage {
        api_keys: found.iter().map(ApiKeyView::from).collect(),
        next_page_token,
    }))
}

/// Revoke an API key; it stops working at once.
#[utoipa::path(
    post,
    path = "/api/v1/api-keys/{id}/revoke",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "api keys",
    params(("id" = String, Path, description = "API key id")),
    responses((status = 200, description = "Revoked", body = ApiKeyView))
)]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<ApiKeyView>, Problem> {
    let key = manage::revoke_api_key(&state.gate.store, &identity.caller, &id).await?;
    state.gate.authn.forget_api_key(&key.id);
    Ok(Json(ApiKeyView::from(&key)))
}
