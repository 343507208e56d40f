//! Per-request span (continuing a caller's W3C trace context when given) and
//! request metrics by route template, never by raw path.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use opentelemetry::propagation::Extractor;
use tracing::{Instrument, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt;

struct Headers<'a>(&'a http::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// A request's method as a metric label: one of the methods HTTP defines,
/// or `_OTHER` (OpenTelemetry's name for the rest), so a made-up method
/// never becomes a new series.
pub fn method_label(method: &http::Method) -> &'static str {
    use http::Method as M;
    match *method {
        M::GET => "GET",
        M::HEAD => "HEAD",
        M::POST => "POST",
        M::PUT => "PUT",
        M::PATCH => "PATCH",
        M::DELETE => "DELETE",
        M::OPTIONS => "OPTIONS",
        M::TRACE => "TRACE",
        M::CONNECT => "CONNECT",
        _ => "_OTHER",
    }
}

/// A status as a metric label: a status HTTP defines, or its class.
fn status_label(status: u16) -> String {
    if http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .is_some()
    {
        status.to_string()
    } else {
        format!("{}xx", status / 100)
    }
}

pub async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    // Probes and scrapes (every few seconds, from every balancer and
    // Prometheus) are counted but not traced.
    let probe = matches!(
        route.as_str(),
        "/healthz" | "/readyz" | "/statusz" | "/metrics"
    );
    let span = if probe {
        tracing::Span::none()
    } else {
        tracing::info_span!(
            "http",
            otel.name = %format!("{method} {route}"),
            otel.kind = "server",
            otel.status_code = Empty,
            http.request.method = %method,
            http.route = %route,
            url.path = %request.uri().path(),
            http.response.status_code = Empty,
        )
    };
    let parent =
        opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(request.headers())));
    let _ = span.set_parent(parent);

    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("http.response.status_code", status);
    if status >= 500 {
        span.record("otel.status_code", "ERROR");
        tracing::warn!(parent: &span, status, "request failed");
    }
    metrics::counter!("fazhi_http_requests_total", "method" => method, "route" => route.clone(), "status" => status_label(status))
        .increment(1);
    metrics::histogram!("fazhi_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_up_method_or_status_is_one_label() {
        let made_up = http::Method::from_bytes(b"FLOOD12345").unwrap();
        assert_eq!(method_label(&made_up), "_OTHER");
        assert_eq!(method_label(&http::Method::GET), "GET");
        assert_eq!(status_label(404), "404");
        assert_eq!(status_label(599), "5xx");
    }
}
