//! Who may call a route, as the route itself declares it: the
//! `x-fazhi-access` extension on its `#[utoipa::path]`, read back from the
//! document by the access check (`identity::authz`) and by the document's
//! own security requirements.

use fazhi_platform::auth::Permission;
use utoipa::openapi::OpenApi;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone; credentials are not read.
    Public,
    /// Anyone, rate-limited per client address (the citizen endpoints).
    PublicLimited,
    /// Any authenticated caller.
    Authenticated,
    /// Authenticated callers whose roles grant the permission.
    Permission(Permission),
}

impl Access {
    /// How a route declares it: `x-fazhi-access` on its `#[utoipa::path]`.
    pub fn code(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::PublicLimited => "public_limited",
            Access::Authenticated => "authenticated",
            Access::Permission(p) => p.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<Access> {
        match code {
            "public" => Some(Access::Public),
            "public_limited" => Some(Access::PublicLimited),
            "authenticated" => Some(Access::Authenticated),
            _ => Permission::ALL
                .into_iter()
                .find(|p| p.code() == code)
                .map(Access::Permission),
        }
    }
}

/// The OpenAPI extension by which a route declares its access rule, beside
/// its method, path and handler in one `#[utoipa::path]`.
pub const ACCESS_EXTENSION: &str = "x-fazhi-access";

/// One route's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub method: &'static str,
    pub path: String,
    pub access: Access,
}

/// The rule an operation declares on itself, if it declares one.
pub fn declared_on(operation: &utoipa::openapi::path::Operation) -> Option<Access> {
    operation
        .extensions
        .as_ref()
        .and_then(|e| e.get(ACCESS_EXTENSION))
        .and_then(|v| v.as_str())
        .and_then(Access::from_code)
}

/// Each operation of `doc` under `/api/` with its rule, or `None` and the
/// route when it declares none.
pub fn declared(doc: &OpenApi) -> Vec<(Option<Rule>, String)> {
    let mut found = Vec::new();
    for (path, item) in doc
        .paths
        .paths
        .iter()
        .filter(|(p, _)| p.starts_with("/api/"))
    {
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
            ("OPTIONS", &item.options),
            ("HEAD", &item.head),
            ("TRACE", &item.trace),
        ] {
            let Some(operation) = operation else { continue };
            let rule = declared_on(operation).map(|access| Rule {
                method,
                path: path.clone(),
                access,
            });
            found.push((rule, format!("{method} {path}")));
        }
    }
    found
}

/// Routes streaming a record's content (never held in memory; bounded by
/// the record's registered size and `record_transfer_secs`).
pub fn is_record_content(path: &str) -> bool {
    path.starts_with("/api/v1/cases/") && path.ends_with("/content")
}

/// Routes whose body is a file or a batch (up to `upload_limit_bytes`).
pub fn is_upload(path: &str) -> bool {
    path.starts_with("/api/v1/imports/") || path == "/api/v1/complaints:batch"
}
