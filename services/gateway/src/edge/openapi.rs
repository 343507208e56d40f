//! The OpenAPI 3.1 document, generated from the handlers' annotations and the
//! access rules: served at `/openapi.json`, browsable at `/docs`.
//!
//! Each route is declared once, by its handler's `#[utoipa::path]`: method,
//! path, OpenAPI entry and its access rule (`x-fazhi-access`, which
//! `identity::authz::rules` reads back). Each operation gets its security
//! requirement from that rule and the problem responses every route can
//! give, so the document cannot drift from what the gateway enforces.

use axum::Router;
use utoipa::openapi::{
    self, ContentBuilder, HeaderBuilder, HttpMethod, ObjectBuilder, Ref, RefOr, ResponseBuilder,
    Type,
    header::Header,
    path::{Operation, ParameterBuilder, ParameterIn},
    security::{
        ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
    },
};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    AppState,
    edge::access::{self, Access},
    edge::problem::CONTENT_TYPE as PROBLEM_JSON,
};

/// A file's bytes: an uploaded list, a downloaded export.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(
    dead_code,
    reason = "a schema only: bodies are read and written as bytes"
)]
pub struct File(Vec<u8>);

/// The problem statuses an operation can answer with, and what each means.
const PROBLEM_STATUSES: &[(&str, &str)] = &[
    (
        "400",
        "Malformed request: the problem's `field` names what is wrong",
    ),
    ("401", "Missing or invalid credentials"),
    ("403", "The caller's role or division does not allow this"),
    ("404", "Not found, or outside the caller's divisions"),
    ("408", "The request was not complete within the time limit"),
    (
        "410",
        "The feed cursor is older than the feed keeps; `oldest_after` is the oldest one kept",
    ),
    (
        "409",
        "Conflict: exists already, stale version, or the same Idempotency-Key still running",
    ),
    ("413", "Body larger than the limit"),
    ("415", "Body of a type this operation does not read"),
    (
        "422",
        "A rule forbids this, or an Idempotency-Key reused with another body",
    ),
    ("429", "Rate limited or busy; see Retry-After"),
    (
        "500",
        "Stored evidence no longer matches its registered SHA-256 (`record_content_corrupt`)",
    ),
    (
        "503",
        "A service or the database this request needs is unavailable",
    ),
    ("504", "A service this request needs did not answer in time"),
];

/// Which of [`PROBLEM_STATUSES`] `operation` (`method` on `path`, under
/// `access`) can answer with.
fn problem_statuses(
    operation: &Operation,
    method: &str,
    path: &str,
    access: Option<Access>,
) -> Vec<&'static str> {
    let public = matches!(access, Some(Access::Public | Access::PublicLimited));
    let has_body = operation.request_body.is_some();
    let has_params = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let identity_only = [
        "/api/v1/auth/",
        "/api/v1/accounts",
        "/api/v1/api-keys",
        "/api/v1/audit-events",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix));
    let mut statuses = Vec::new();
    let mut add = |status: &'static str, when: bool| {
        if when {
            statuses.push(status);
        }
    };
    add("400", has_body || has_params || path.contains('{'));
    // Logging in answers 401 for wrong credentials; other public routes never do.
    add("401", !public || path == "/api/v1/auth/login");
    add("403", !public);
    // A path id, or an id named in a body, may be missing or out of scope.
    add(
        "404",
        path.contains('{') || (method == "POST" && !identity_only && !public),
    );
    add("408", has_body);
    add("410", path == "/api/v1/complaint-events");
    let content = access::is_record_content(path);
    add(
        "409",
        matches!(method, "POST" | "PUT" | "DELETE") || content,
    );
    add("413", has_body);
    add("415", has_body);
    add("422", method == "POST" || (content && method == "PUT"));
    add(
        "429",
        matches!(access, Some(Access::PublicLimited))
            || path == "/api/v1/auth/login"
            || path == "/api/v1/auth/password"
            || access::is_upload(path),
    );
    add("500", content && method == "GET");
    add("503", true);
    add("504", !identity_only);
    statuses
}

fn header(description: &str, schema_type: Type) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(schema_type))
        .description(Some(description))
        .build()
}

/// Adds security schemes, per-operation security, problem responses and the
/// Idempotency-Key header to the generated document.
pub fn finish(mut doc: openapi::OpenApi) -> openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT or API key")
                .description(Some(
                    "An access token from POST /api/v1/auth/login, a token from the configured OIDC issuer, or an API key (fzk_…)",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "api_key",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Api-Key",
            "An API key (fzk_…) created by an administrator",
        ))),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, operation) in [
            (HttpMethod::Get, item.get.as_mut()),
            (HttpMethod::Post, item.post.as_mut()),
            (HttpMethod::Put, item.put.as_mut()),
            (HttpMethod::Delete, item.delete.as_mut()),
        ] {
            let Some(operation) = operation else { continue };
            let name = match method {
                HttpMethod::Get => "GET",
                HttpMethod::Put => "PUT",
                HttpMethod::Delete => "DELETE",
                _ => "POST",
            };
            decorate(operation, name, path);
        }
    }
    doc
}

fn decorate(operation: &mut Operation, method: &str, path: &str) {
    let access = access::declared_on(operation);
    operation.security = Some(match access {
        // No credentials needed: generated clients must not ask for any.
        Some(Access::Public | Access::PublicLimited) => Vec::new(),
        _ => vec![
            SecurityRequirement::new("bearer", Vec::<String>::new()),
            SecurityRequirement::new("api_key", Vec::<String>::new()),
        ],
    });
    // The headers the gateway sends on its own answers.
    for (status, response) in operation.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if status == "201" {
            response.headers.insert(
                "Location".into(),
                header("Where the new resource is", Type::String),
            );
        }
        if method == "POST" && status.starts_with('2') && path != "/api/v1/auth/login" {
            response.headers.insert(
                "Idempotent-Replayed".into(),
                header(
                    "`true` when this is the first answer to the same Idempotency-Key, replayed",
                    Type::String,
                ),
            );
        }
    }
    let statuses = problem_statuses(operation, method, path, access);
    for (status, description) in PROBLEM_STATUSES
        .iter()
        .filter(|(status, _)| statuses.contains(status))
    {
        let mut response = ResponseBuilder::new().description(*description).content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        );
        if matches!(*status, "409" | "429") {
            response = response.header(
                "Retry-After",
                header("Seconds to wait before retrying", Type::Integer),
            );
        }
        if *status == "401" {
            response = response.header(
                "WWW-Authenticate",
                header("`Bearer realm=\"fazhi\"`", Type::String),
            );
        }
        operation
            .responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| RefOr::T(response.build()));
    }
    if method == "POST" && path != "/api/v1/auth/login" {
        let parameters = operation.parameters.get_or_insert_with(Vec::new);
        parameters.push(
            ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(ParameterIn::Header)
                .required(openapi::Required::False)
                .description(Some(
                    "Makes retries safe: the same key and body replay the first answer for 24 h",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(255))
                        .pattern(Some("^[\\x21-\\x7e]+$")),
                ))
                .build(),
        );
    }
}

/// `/openapi.json` and the interactive page at `/docs`.
pub fn docs_router(doc: openapi::OpenApi) -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/docs").url("/openapi.json", doc))
}
