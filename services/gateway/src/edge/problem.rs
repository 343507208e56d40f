//! RFC 9457 problem documents: every error the REST edge returns, with a
//! stable `code` from the catalogue (`fazhi_platform::Code`) and, for bad
//! input, the `field` at fault. A problem is only ever made from an
//! [`Error`], so its status follows from the error's kind.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use fazhi_platform::{Code, Error, ErrorKind};
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A refused row of an imported list: a problem names them all, and an
/// import report lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// 1-based row in the file; the header is row 1.
    pub row: i64,
    pub field: String,
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:fazhi:problem:{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code, one of the catalogue.
    #[schema(schema_with = code_schema)]
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before retrying, sent as `Retry-After`.
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// For a refused import: every rejected row, with its field and reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<RowProblem>,
    /// For an expired feed cursor (410): the oldest cursor still kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oldest_after: Option<String>,
}

/// The catalogue as the schema of `code`: every value, each with its meaning.
fn code_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    let meanings: Vec<String> = Code::ALL
        .iter()
        .map(|c| format!("- `{}`: {}", c.as_str(), c.description()))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Code::ALL.iter().map(|c| c.as_str())))
        .description(Some(format!(
            "Stable machine-readable code, one of:\n{}",
            meanings.join("\n")
        )))
        .build()
}

impl Problem {
    fn from_parts(status: StatusCode, code: Code, detail: String) -> Self {
        Self {
            kind: format!("urn:fazhi:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: code.as_str().to_owned(),
            field: None,
            retry_after: None,
            rejected: Vec::new(),
            oldest_after: None,
        }
    }

    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        self
    }

    /// 401: no usable credentials.
    pub fn unauthenticated(code: Code, detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unauthenticated, code, detail).into()
    }

    /// 429 with `Retry-After`.
    pub fn rate_limited(detail: impl Into<String>, wait: std::time::Duration) -> Self {
        Problem::from(Error::new(
            ErrorKind::ResourceExhausted,
            Code::RateLimited,
            detail,
        ))
        .retry_after(wait)
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_field(field: &str, code: Code, detail: impl Into<String>) -> Self {
        Error::invalid_field(field, code, detail).into()
    }
}

impl From<Error> for Problem {
    fn from(err: Error) -> Self {
        let status = StatusCode::from_u16(err.kind.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut problem = Problem::from_parts(status, err.code, err.message);
        if err.kind == ErrorKind::ResourceExhausted {
            problem = problem.retry_after(std::time::Duration::from_secs(1));
        }
        match err.field {
            Some(field) => problem.with_field(field),
            None => problem,
        }
    }
}

impl From<tonic::Status> for Problem {
    fn from(status: tonic::Status) -> Self {
        let err = Error::from_status(&status);
        if err.kind == ErrorKind::Internal {
            tracing::error!(grpc_code = ?status.code(), detail = status.message(), "upstream internal error");
        } else if matches!(
            err.kind,
            ErrorKind::Unavailable | ErrorKind::DeadlineExceeded
        ) {
            tracing::warn!(grpc_code = ?status.code(), detail = status.message(), "upstream unavailable");
        }
        err.into()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"fazhi\""),
            );
        }
        response
    }
}

/// The answer of `handling`, or 408 when it takes longer than `limit`
/// (a body trickled in slowly, a stuck upstream).
pub async fn within(
    limit: std::time::Duration,
    handling: impl std::future::Future<Output = Response>,
) -> Response {
    match tokio::time::timeout(limit, handling).await {
        Ok(response) => response,
        Err(_) => Problem::from(Error::new(
            ErrorKind::RequestTimeout,
            Code::RequestTimeout,
            format!(
                "the request was not complete within {} seconds",
                limit.as_secs()
            ),
        ))
        .into_response(),
    }
}

/// Every answer leaves the gateway hardened: an error is always a problem
/// document (an extractor's plain-text rejection, such as a path that is not
/// UTF-8, becomes one with the same status), no answer may be sniffed as
/// another type, and an HTML answer carries a strict Content-Security-Policy.
pub async fn every_answer(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut response = next.run(request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // A JSON answer is this gateway's own (a problem, or readiness's
    // report of each service); anything else is a framework's text.
    if (status.is_client_error() || status.is_server_error()) && !content_type.contains("json") {
        let headers = response.headers().clone();
        let said = axum::body::to_bytes(std::mem::take(response.body_mut()), 1024)
            .await
            .map(|b| {
                String::from_utf8_lossy(&b)
                    .chars()
                    .take(300)
                    .collect::<String>()
            })
            .unwrap_or_default();
        let (code, kind) = match status {
            StatusCode::NOT_FOUND => (Code::RouteNotFound, ErrorKind::NotFound),
            StatusCode::METHOD_NOT_ALLOWED => (Code::MethodNotAllowed, ErrorKind::MethodNotAllowed),
            StatusCode::PAYLOAD_TOO_LARGE => (Code::BodyTooLarge, ErrorKind::PayloadTooLarge),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                (Code::UnsupportedMediaType, ErrorKind::InvalidArgument)
            }
            StatusCode::REQUEST_TIMEOUT => (Code::RequestTimeout, ErrorKind::RequestTimeout),
            s if s.is_client_error() => (Code::InvalidArgument, ErrorKind::InvalidArgument),
            _ => (Code::Internal, ErrorKind::Internal),
        };
        let detail = if said.trim().is_empty() || status.is_server_error() {
            status.canonical_reason().unwrap_or("error").to_owned()
        } else {
            said.trim().to_owned()
        };
        let mut problem = Problem::from(Error::new(kind, code, detail));
        problem.status = status.as_u16();
        problem.title = status.canonical_reason().unwrap_or("Error").to_owned();
        let mut replaced = problem.into_response();
        for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
            if let Some(value) = headers.get(&name) {
                replaced.headers_mut().insert(name, value.clone());
            }
        }
        response = replaced;
    }
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if content_type.starts_with("text/html")
        && !headers.contains_key(header::CONTENT_SECURITY_POLICY)
    {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        );
    }
    response
}

pub async fn not_found(uri: Uri) -> Problem {
    Problem::from(Error::new(
        ErrorKind::NotFound,
        Code::RouteNotFound,
        format!("no resource at {}", uri.path()),
    ))
}

pub async fn method_not_allowed() -> Problem {
    Problem::from(Error::new(
        ErrorKind::MethodNotAllowed,
        Code::MethodNotAllowed,
        "this resource does not support that method",
    ))
}

impl From<axum::extract::rejection::QueryRejection> for Problem {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        Problem::from(Error::new(
            ErrorKind::InvalidArgument,
            Code::InvalidQuery,
            rejection.body_text(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_schema_publishes_the_whole_catalogue() {
        let schema = code_schema();
        let values = schema.enum_values.expect("an enum");
        assert_eq!(values.len(), Code::ALL.len());
        let description = schema.description.expect("a description");
        for code in Code::ALL {
            assert!(values.contains(&code.as_str().into()), "{code}");
            assert!(description.contains(code.description()), "{code}");
        }
    }

    #[test]
    fn a_problem_takes_its_status_from_the_errors_kind() {
        let problem = Problem::from(Error::new(
            ErrorKind::PayloadTooLarge,
            Code::BodyTooLarge,
            "too large",
        ));
        assert_eq!(
            (problem.status, problem.code.as_str()),
            (413, "body_too_large")
        );
        assert_eq!(problem.kind, "urn:fazhi:problem:body_too_large");
    }
}
