//! Authorization at the edge: every `/api/` route has exactly one rule here,
//! and a route without one is refused (fail closed). The roles behind each
//! permission are `fazhi_platform::auth::Permission::roles`, the matrix the
//! services enforce again on their own data.

use axum::{
    extract::{MatchedPath, Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use fazhi_platform::auth::Permission;

pub use crate::identity::client::{Cidr, ClientAddr, client_addr};
use crate::{AppState, edge::problem::Problem, identity::client::request_client};

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
    rule("POST", "/api/v1/auth/password", Authenticated),
    rule("POST", "/api/v1/auth/logout-everywhere", Authenticated),
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
        "POST",
        "/api/v1/accounts/{username}/reset-password",
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
    rule("GET", "/api/v1/people", Access::Permission(P::TrainingRead)),
    rule(
        "POST",
        "/api/v1/people",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "GET",
        "/api/v1/people/{id}",
        Access::Permission(P::TrainingRead),
    ),
    rule(
        "POST",
        "/api/v1/people/{id}/leave-post",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "GET",
        "/api/v1/people/{id}/certified",
        Access::Permission(P::TrainingRead),
    ),
    rule(
        "POST",
        "/api/v1/training-sessions",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "POST",
        "/api/v1/exams",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "POST",
        "/api/v1/outreach-events",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "POST",
        "/api/v1/certificates",
        Access::Permission(P::CertificateManage),
    ),
    rule(
        "GET",
        "/api/v1/certificates/{id}",
        Access::Permission(P::TrainingRead),
    ),
    rule(
        "POST",
        "/api/v1/certificates/{id}/suspend",
        Access::Permission(P::CertificateManage),
    ),
    rule(
        "POST",
        "/api/v1/certificates/{id}/reinstate",
        Access::Permission(P::CertificateManage),
    ),
    rule(
        "POST",
        "/api/v1/certificates/{id}/revoke",
        Access::Permission(P::CertificateManage),
    ),
    rule(
        "POST",
        "/api/v1/certificates/{id}/expire",
        Access::Permission(P::CertificateManage),
    ),
    rule(
        "POST",
        "/api/v1/annual-reviews",
        Access::Permission(P::CertificateManage),
    ),
    rule(
        "GET",
        "/api/v1/training/stats",
        Access::Permission(P::TrainingRead),
    ),
    rule(
        "POST",
        "/api/v1/imports/people",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "POST",
        "/api/v1/imports/attendance",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "POST",
        "/api/v1/imports/exam-results",
        Access::Permission(P::TrainingManage),
    ),
    rule(
        "GET",
        "/api/v1/exports/{list}",
        Access::Permission(P::TrainingRead),
    ),
];

/// The rule of `method` on the route template `path`. HEAD is a GET without
/// the body, so it answers to GET's rule.
pub fn find(method: &str, path: &str) -> Option<Access> {
    let method = if method.eq_ignore_ascii_case("HEAD") {
        "GET"
    } else {
        method
    };
    RULES
        .iter()
        .find(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
        .map(|r| r.access)
}

/// The methods a route answers, for `Allow` on a 405.
fn allowed(path: &str) -> String {
    let mut methods: Vec<&str> = RULES
        .iter()
        .filter(|r| r.path == path)
        .map(|r| r.method)
        .collect();
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    methods.join(", ")
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
            // No handler runs for a method without a rule, whatever the router holds.
            let mut response = crate::edge::problem::method_not_allowed()
                .await
                .into_response();
            if let Ok(allow) = http::HeaderValue::from_str(&allowed(&path)) {
                response.headers_mut().insert(http::header::ALLOW, allow);
            }
            return response;
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
    let client = request_client(&request, &gate.trusted_proxies);
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
    // An upload holds its file in memory until answered: only a few at once.
    let _upload = if is_upload(&path) {
        match gate.uploads.clone().try_acquire_owned() {
            Ok(permit) => Some(permit),
            Err(_) => {
                return Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "uploads_busy",
                    "other uploads are being handled; retry in a moment",
                )
                .retry_after(std::time::Duration::from_secs(1))
                .into_response();
            }
        }
    } else {
        None
    };
    request.extensions_mut().insert(identity);
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// Routes whose body is a file (up to `upload_limit_bytes`), not JSON.
pub fn is_upload(path: &str) -> bool {
    path.starts_with("/api/v1/imports/")
}

#[cfg(test)]
mod tests {
    use fazhi_platform::auth::Role;

    use super::*;

    const DOC: &str = include_str!("../../../../ARCHITECTURE.md");

    /// The rows of the markdown table whose first cell starts with `first`.
    fn rows(first: &str) -> Vec<Vec<String>> {
        DOC.lines()
            .filter(|l| l.starts_with(&format!("| {first}")))
            .map(|l| {
                l.trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_written_permission_matrix_is_the_one_enforced() {
        let header = &rows("Permission")[0];
        let roles: Vec<Role> = header[1..]
            .iter()
            .map(|c| Role::from_code(c).expect("a role column"))
            .collect();
        let table = rows("`");
        let mut seen = Vec::new();
        for row in table.iter().filter(|r| r.len() == roles.len() + 1) {
            let code = row[0].trim_matches('`');
            let permission = Permission::ALL
                .into_iter()
                .find(|p| p.code() == code)
                .unwrap_or_else(|| panic!("{code} is documented but not a permission"));
            for (role, cell) in roles.iter().zip(&row[1..]) {
                let documented = cell == "✓";
                assert_eq!(
                    permission.roles().contains(role),
                    documented,
                    "{code} for {role}: the document says {cell}"
                );
            }
            seen.push(permission);
        }
        for permission in Permission::ALL {
            assert!(
                seen.contains(&permission),
                "{} is not documented",
                permission.code()
            );
        }
    }

    #[test]
    fn the_written_route_table_is_the_one_enforced() {
        let documented: Vec<(String, String)> = rows("`")
            .into_iter()
            .filter(|r| r.len() == 2)
            .map(|r| (r[0].trim_matches('`').to_owned(), r[1].clone()))
            .collect();
        assert_eq!(documented.len(), RULES.len(), "one documented row per rule");
        for rule in RULES {
            let route = format!("{} {}", rule.method, rule.path);
            let (_, needs) = documented
                .iter()
                .find(|(r, _)| *r == route)
                .unwrap_or_else(|| panic!("{route} is not documented"));
            let expected = match rule.access {
                Access::Public => "public".to_owned(),
                Access::PublicLimited => "public, rate-limited".to_owned(),
                Access::Authenticated => "authenticated".to_owned(),
                Access::Permission(p) => format!("`{}`", p.code()),
            };
            assert!(
                needs.starts_with(&expected),
                "{route}: documented {needs:?}, enforced {expected:?}"
            );
        }
    }
}
