//! What administrators manage over REST: accounts here, API keys in
//! [`api_keys`] (the audit log is `audit_log`).

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

mod api_keys;
pub use api_keys::*;

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
