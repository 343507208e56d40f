//! Authorization at the edge. Every `/api/` route declares its rule where it
//! is declared itself — method, path, handler, OpenAPI entry and
//! `x-fazhi-access` in one `#[utoipa::path]` — and the rules are read from
//! those declarations; a route without one is refused (fail closed). The
//! roles behind each permission are `fazhi_platform::auth::Permission::roles`,
//! the matrix the services enforce again on their own data.

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use fazhi_platform::Code;
use std::sync::LazyLock;

use fazhi_platform::{Error, ErrorKind};

pub use crate::identity::client::{Cidr, ClientAddr, client_addr};
use crate::{AppState, edge::problem::Problem, identity::client::request_client};

pub use crate::edge::access::{
    ACCESS_EXTENSION, Access, Rule, declared, is_record_content, is_upload,
};

/// Every `/api/` route and who may call it, read once from the routes'
/// own declarations. A route that declares no rule (or one that is not a
/// rule) is left out, so it is refused; a test insists there is none.
pub fn rules() -> &'static [Rule] {
    static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
        let (_, doc) = crate::api_router().split_for_parts();
        declared(&doc)
            .into_iter()
            .filter_map(|(rule, _)| rule)
            .collect()
    });
    &RULES
}

/// The rule of `method` on the route template `path`. HEAD is a GET without
/// the body, so it answers to GET's rule.
pub fn find(method: &str, path: &str) -> Option<Access> {
    let method = if method.eq_ignore_ascii_case("HEAD") {
        "GET"
    } else {
        method
    };
    rules()
        .iter()
        .find(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
        .map(|r| r.access)
}

/// The methods a route answers, for `Allow` on a 405.
fn allowed(path: &str) -> String {
    let mut methods: Vec<&str> = rules()
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
        if rules().iter().any(|r| r.path == path) {
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
        return Problem::from(Error::new(
            ErrorKind::Internal,
            Code::NoAccessRule,
            "this route has no access rule",
        ))
        .into_response();
    };
    let gate = &state.gate;
    let client = request_client(&request, &gate.trusted_proxies);
    // A public route reads no credentials: whatever a caller presents, it is
    // answered as anyone would be (the document lists no 401 for it).
    let presented = if matches!(access, Access::Public | Access::PublicLimited) {
        &http::HeaderMap::new()
    } else {
        request.headers()
    };
    let identity = match gate.authn.authenticate(presented).await {
        Ok(identity) => identity,
        Err(problem) => return problem.into_response(),
    };
    let refused = match access {
        Access::Public => None,
        Access::PublicLimited => {
            gate.public_per_client
                .hit(&client.key())
                .await
                .err()
                .map(|wait| {
                    Problem::rate_limited("too many requests from this address; retry later", wait)
                })
        }
        Access::Authenticated | Access::Permission(_) if !identity.authenticated => Some(
            Problem::unauthenticated(Code::MissingCredentials, "this resource needs credentials"),
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
                return Problem::from(Error::new(
                    ErrorKind::ResourceExhausted,
                    Code::UploadsBusy,
                    "other uploads are being handled; retry in a moment",
                ))
                .retry_after(std::time::Duration::from_secs(1))
                .into_response();
            }
        }
    } else {
        None
    };
    // A record's content streams to the store: bounded per caller and in all.
    let _record_upload = if request.method() == http::Method::PUT && is_record_content(&path) {
        match gate.record_uploads.take(&identity.caller.subject) {
            Some(slot) => Some(slot),
            None => {
                return Problem::from(Error::new(
                    ErrorKind::ResourceExhausted,
                    Code::UploadsBusy,
                    "you or others have as many record uploads open as are taken at once; \
                     retry when one ends",
                ))
                .retry_after(std::time::Duration::from_secs(5))
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

#[cfg(test)]
mod tests {
    use fazhi_platform::auth::{Permission, Role};

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
    fn every_route_declares_its_access_rule() {
        let (_, doc) = crate::api_router().split_for_parts();
        let declared = declared(&doc);
        let without: Vec<&String> = declared
            .iter()
            .filter(|(rule, _)| rule.is_none())
            .map(|(_, route)| route)
            .collect();
        assert!(
            without.is_empty(),
            "routes without x-fazhi-access: {without:?}"
        );
        assert!(declared.len() > 30, "{} routes", declared.len());
    }

    #[test]
    fn the_written_route_table_is_the_one_enforced() {
        let documented: Vec<(String, String)> = rows("`")
            .into_iter()
            .filter(|r| r.len() == 2)
            .map(|r| (r[0].trim_matches('`').to_owned(), r[1].clone()))
            .collect();
        assert_eq!(
            documented.len(),
            rules().len(),
            "one documented row per rule"
        );
        for rule in rules() {
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
