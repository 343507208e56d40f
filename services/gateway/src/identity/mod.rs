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
