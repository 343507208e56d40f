//! Authorization at the edge: every `/api/` route has exactly one rule here,
//! and a route without one is refused (fail closed). The roles behind each
//! permission are `fazhi_platform::auth::Permission::roles`, the matrix the
//! services enforce again on their own data.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use fazhi_platform::auth::Permission;

use crate::{AppState, authn::Identity, problem::Problem};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; presented credentials must still be valid.
    Public,
    /// Anyone, rate-limited per client address (the citizen endpoints).
    PublicLimited,
    /// Any authenticated caller.
    Authenticated,
    /// Authenticated callers whose roles grant the permission.
    Permission(Permission),
}

/// One route's rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn rule(method: &'static str, path: &'static str, access: Access) -> Rule {
    Rule {
        method,
        path,
        access,
    }
}

use Access::{Authenticated, Public, PublicLimited};
use Permission as P;

/// Every `/api/` route and who may call it.
pub const RULES: &[Rule] = &[
    rule("POST", "/api/v1/auth/login", Public),
    rule("GET", "/api/v1/auth/me", Authenticated),
    rule("POST", "/api/v1/public/complaints", PublicLimited),
    rule(
        "GET",
        "/api/v1/public/complaints/{tracking_code}",
        PublicLimited,
    ),
    rule(
        "POST",
        "/api/v1/complaints",
        Access::Permission(P::ComplaintCreate),
    ),
    rule(
        "GET",
        "/api/v1/complaints",
        Access::Permission(P::ComplaintRead),
    ),
    rule(
        "GET",
        "/api/v1/complaints/{id}",
        Access::Permission(P::ComplaintRead),
    ),
    rule(
        "GET",
        "/api/v1/oversight/summary",
        Access::Permission(P::OversightRead),
    ),
    rule(
        "GET",
        "/api/v1/audit-events",
        Access::Permission(P::AuditRead),
    ),
    rule(
        "GET",
        "/api/v1/accounts",
        Access::Permission(P::AccountManage),
    ),
    rule(
        "POST",
        "/api/v1/accounts",
        Access::Permission(P::AccountManage),
    ),
    rule(
        "POST",
        "/api/v1/accounts/{username}/disable",
        Access::Permission(P::AccountManage),
    ),
    rule(
        "POST",
        "/api/v1/accounts/{username}/enable",
        Access::Permission(P::AccountManage),
    ),
    rule(
        "GET",
        "/api/v1/api-keys",
        Access::Permission(P::ApiKeyManage),
    ),
    rule(
        "POST",
        "/api/v1/api-keys",
        Access::Permission(P::ApiKeyManage),
    ),
    rule(
        "POST",
        "/api/v1/api-keys/{id}/revoke",
        Access::Permission(P::ApiKeyManage),
    ),
];

/// The rule of `method` on the route template `path`.
pub fn find(method: &str, path: &str) -> Option<Access> {
    RULES
        .iter()
        .find(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
        .map(|r| r.access)
}

/// The address a request came from.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    pub fn key(&self) -> String {
        self.0
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

fn client_addr(request: &Request, trust_forwarded_for: bool) -> ClientAddr {
    if trust_forwarded_for
        && let Some(ip) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    {
        return ClientAddr(Some(ip));
    }
    ClientAddr(
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip()),
    )
}

/// Authenticates the caller and applies the route's rule.
pub async fn authorize(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(path) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        return next.run(request).await; // 404 fallback
    };
    if !path.starts_with("/api/") {
        return next.run(request).await; // health, metrics, the API document
    }
    let Some(access) = find(request.method().as_str(), &path) else {
        if RULES.iter().any(|r| r.path == path) {
            return next.run(request).await; // 405 fallback
        }
        tracing::error!(route = %path, "refused a route without an access rule");
        return Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "no_access_rule",
            "this route has no access rule",
        )
        .into_response();
    };
    let gate = &state.gate;
    let client = client_addr(&request, gate.settings.trust_forwarded_for);
    let identity = match gate.authn.authenticate(request.headers()).await {
        Ok(identity) => identity,
        Err(problem) => return problem.into_response(),
    };
    let refused = match access {
        Access::Public => None,
        Access::PublicLimited => gate.public_per_client.hit(&client.key()).err().map(|wait| {
            Problem::rate_limited("too many requests from this address; retry later", wait)
        }),
        Access::Authenticated | Access::Permission(_) if !identity.authenticated => Some(
            Problem::unauthenticated("missing_credentials", "this resource needs credentials"),
        ),
        Access::Authenticated => None,
        Access::Permission(permission) => (!identity.caller.may(permission))
            .then(|| fazhi_platform::auth::forbidden(permission).into()),
    };
    if let Some(problem) = refused {
        return problem.into_response();
    }
    request.extensions_mut().insert(identity);
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// `Method` of a rule, for the API document.
pub fn method_of(rule: &Rule) -> Method {
    Method::from_bytes(rule.method.as_bytes()).unwrap_or(Method::GET)
}

/// The identity `authorize` attached (anonymous if none, which only happens
/// on routes outside `/api/`).
pub fn identity_of(request_extensions: &http::Extensions) -> Option<&Identity> {
    request_extensions.get::<Identity>()
}
