//! `Idempotency-Key` on POST: the same key with the same request (path with
//! its ids, query, content type and body) replays the first answer (status,
//! body, `Location`) for `gateway.idempotency_hours`; with a different one it
//! is refused (422); while the first request is still running, a second one
//! gets 409.
//!
//! Keys belong to the caller (and route): two callers never share one. The
//! handler also passes a request id derived from the key to the service, so
//! even a gateway killed between the service's commit and recording the
//! answer cannot make a retry write a second row.

pub mod store;

use fazhi_platform::Code;
use std::time::Duration;

use axum::{
    body::{Body, to_bytes},
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use fazhi_platform::{Error, ErrorKind};
use sha2::{Digest, Sha256};

use crate::{
    AppState, Settings,
    edge::problem::{CONTENT_TYPE as PROBLEM_JSON, Problem},
    identity::authn::Identity,
    identity::authz::ClientAddr,
};
use store::Begin;

pub const HEADER: &str = "idempotency-key";
/// Header on a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";
/// Longest key accepted.
const MAX_KEY_LEN: usize = 255;
/// Routes that write nothing, where a key is accepted and ignored.
const NOT_RECORDED: &[&str] = &["/api/v1/auth/login"];

/// The request id handlers pass on to services: 64 hex digits, unique per
/// caller, route and key.
#[derive(Debug, Clone)]
pub struct RequestKey(pub String);

/// What a handler wants kept for replay instead of the body it sent (an API
/// key's secret is shown once and never stored).
#[derive(Debug, Clone)]
pub struct ReplayBody(pub String);

pub fn retention(settings: &Settings) -> chrono::Duration {
    chrono::Duration::hours(settings.idempotency_hours.max(1) as i64)
}

/// An unfinished attempt untouched for this long belongs to a process that died.
fn stale_after(settings: &Settings) -> chrono::Duration {
    chrono::Duration::seconds(settings.idempotency_stale_secs.clamp(1, 86_400) as i64)
}

fn hex(digest: impl AsRef<[u8]>) -> String {
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn idempotency(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(HEADER).cloned() else {
        return next.run(request).await;
    };
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let (Some(path), Some(identity)) = (path, request.extensions().get::<Identity>().cloned())
    else {
        return next.run(request).await;
    };
    if NOT_RECORDED.contains(&path.as_str()) {
        return next.run(request).await;
    }
    let key = match key.to_str() {
        Ok(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            k.to_owned()
        }
        _ => {
            return Problem::bad_field(
                "Idempotency-Key",
                Code::InvalidIdempotencyKey,
                format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
            )
            .into_response();
        }
    };
    // Anonymous citizens are told apart by address.
    let owner = if identity.authenticated {
        identity.caller.subject.clone()
    } else {
        let client = request
            .extensions()
            .get::<ClientAddr>()
            .map(ClientAddr::key)
            .unwrap_or_default();
        format!("citizen@{client}")
    };
    let scope_key = hex(Sha256::digest(format!("{owner}\n{path}\n{key}")));

    let gate = &state.gate;
    let (mut parts, body) = request.into_parts();
    let limit = if crate::edge::access::is_upload(&path) {
        gate.settings.upload_limit_bytes
    } else {
        gate.settings.body_limit_bytes
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return Problem::from(Error::new(
                ErrorKind::PayloadTooLarge,
                Code::BodyTooLarge,
                "the request body is larger than the limit",
            ))
            .into_response();
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let hash = fingerprint(&parts.method, &parts.uri, &content_type, &bytes);

    let now = gate.clock.now();
    let begun = gate
        .idempotency
        .begin(
            &scope_key,
            &hash,
            now,
            now - retention(&gate.settings),
            now - stale_after(&gate.settings),
        )
        .await;
    match begun {
        Err(err) => return Problem::from(err).into_response(),
        Ok(Begin::Mismatch) => {
            return Problem::from(Error::new(
                ErrorKind::RuleViolation,
                Code::IdempotencyKeyReused,
                "this Idempotency-Key was used with a different request",
            ))
            .with_field("Idempotency-Key")
            .into_response();
        }
        Ok(Begin::InProgress) => {
            return Problem::from(Error::new(
                ErrorKind::Conflict,
                Code::IdempotencyKeyInUse,
                "a request with this Idempotency-Key is still being processed",
            ))
            .retry_after(Duration::from_secs(1))
            .into_response();
        }
        Ok(Begin::Completed {
            status,
            body,
            location,
        }) => return replay(status, body, location),
        Ok(Begin::Proceed) => {}
    }

    parts.extensions.insert(RequestKey(scope_key.clone()));
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    // Failures worth retrying leave the key free for the retry.
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::UNAUTHORIZED
    {
        if let Err(err) = gate.idempotency.abandon(&scope_key).await {
            tracing::warn!(error = %err, "releasing an idempotency key failed");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        let _ = gate.idempotency.abandon(&scope_key).await;
        return Problem::from(fazhi_platform::Error::internal("response body unreadable"))
            .into_response();
    };
    let stored = match parts.extensions.get::<ReplayBody>() {
        Some(ReplayBody(text)) => text.clone(),
        None => String::from_utf8_lossy(&body).into_owned(),
    };
    let location = parts
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok());
    if let Err(err) = gate
        .idempotency
        .complete(
            &scope_key,
            status.as_u16(),
            &stored,
            location,
            gate.clock.now(),
        )
        .await
    {
        // The answer stands; a retry after the stale interval re-runs the
        // request, and the service recognises its request id.
        tracing::warn!(error = %err, "recording an idempotent answer failed");
    }
    Response::from_parts(parts, Body::from(body))
}

/// What makes two requests the same request: method, the full path with its
/// ids, the query, the content type and the body. The same key with any of
/// them different is a different request (422), never a replay.
pub fn fingerprint(method: &Method, uri: &http::Uri, content_type: &[u8], body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [
        method.as_str().as_bytes(),
        uri.path().as_bytes(),
        uri.query().unwrap_or_default().as_bytes(),
        content_type,
    ] {
        // Length-prefixed, so no two different requests hash alike by shifting bytes.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.update(body);
    hex(hasher.finalize())
}

fn replay(status: u16, body: String, location: Option<String>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        PROBLEM_JSON
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    if let Some(location) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(method: Method, uri: &str, body: &[u8]) -> String {
        fingerprint(&method, &uri.parse().unwrap(), b"application/json", body)
    }

    #[test]
    fn the_fingerprint_covers_the_ids_in_the_path_and_the_query() {
        let a = print(Method::POST, "/api/v1/people/A/leave-post", b"{}");
        assert_eq!(a, print(Method::POST, "/api/v1/people/A/leave-post", b"{}"));
        assert_ne!(a, print(Method::POST, "/api/v1/people/B/leave-post", b"{}"));
        assert_ne!(
            print(Method::POST, "/api/v1/imports/people?format=csv", b"x"),
            print(Method::POST, "/api/v1/imports/people?format=xlsx", b"x")
        );
        assert_ne!(
            a,
            print(Method::POST, "/api/v1/people/A/leave-post", b"{ }")
        );
    }
}
