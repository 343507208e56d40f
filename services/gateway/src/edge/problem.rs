//! RFC 9457 problem documents: every error the REST edge returns, with a
//! stable `code` and, for bad input, the `field` at fault.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use fazhi_platform::{Error, ErrorKind};
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:fazhi:problem:{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds to wait before retrying, sent as `Retry-After`.
    #[serde(skip)]
    pub retry_after: Option<u64>,
    /// For a refused import: every rejected row, with its field and reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<fazhi_proto::training::v1::RowProblem>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:fazhi:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_owned(),
            field: None,
            retry_after: None,
            rejected: Vec::new(),
        }
    }

    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        self
    }

    /// 401: no usable credentials.
    pub fn unauthenticated(code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    /// 429 with `Retry-After`.
    pub fn rate_limited(detail: impl Into<String>, wait: std::time::Duration) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", detail).retry_after(wait)
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_field(field: &str, code: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail).with_field(field)
    }
}

impl From<Error> for Problem {
    fn from(err: Error) -> Self {
        let status = StatusCode::from_u16(err.kind.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut problem = Problem::new(status, &err.code, err.message);
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
            tracing::error!(grpc_code = ?status.code(), message = status.message(), "upstream internal error");
        } else if matches!(
            err.kind,
            ErrorKind::Unavailable | ErrorKind::DeadlineExceeded
        ) {
            tracing::warn!(grpc_code = ?status.code(), message = status.message(), "upstream unavailable");
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
        Err(_) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "the request was not complete within {} seconds",
                limit.as_secs()
            ),
        )
        .into_response(),
    }
}

pub async fn not_found(uri: Uri) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        format!("no resource at {}", uri.path()),
    )
}

pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this resource does not support that method",
    )
}

impl From<axum::extract::rejection::QueryRejection> for Problem {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            rejection.body_text(),
        )
    }
}
