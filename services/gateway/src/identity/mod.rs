//! Who is calling and what they may do: tokens, API keys and OIDC
//! (`authn`), the authorization rules (`authz`), client addresses behind
//! proxies (`client`), logins and sessions (`login`), and the REST routes of
//! accounts, keys and the audit log (`admin`, `audit_log`). Accounts and keys
//! themselves live in `fazhi-identity`, which the CLI uses too.

pub(crate) mod admin;
pub(crate) mod audit_log;
pub mod authn;
pub mod authz;
pub(crate) mod client;
pub(crate) mod login;

use utoipa_axum::{router::OpenApiRouter, routes};

/// The identity room's routes: login, the caller, accounts, API keys and
/// the audit log.
pub fn routes() -> OpenApiRouter<crate::AppState> {
    OpenApiRouter::new()
        .routes(routes!(login::login))
        .routes(routes!(login::me))
        .routes(routes!(login::change_password))
        .routes(routes!(login::logout_everywhere))
        .routes(routes!(admin::list_accounts, admin::create_account))
        .routes(routes!(admin::disable_account))
        .routes(routes!(admin::enable_account))
        .routes(routes!(admin::reset_password))
        .routes(routes!(admin::list_api_keys, admin::create_api_key))
        .routes(routes!(admin::revoke_api_key))
        .routes(routes!(audit_log::list_audit))
}
