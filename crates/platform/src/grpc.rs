//! gRPC on both sides. Servers get health checking, reflection, per-RPC
//! metrics and trace-context extraction, and stop gracefully on shutdown.
//! Clients put a deadline and the caller's trace context on every call.

use std::{
    task::{Context, Poll},
    time::{Duration, Instant},
};

use futures::future::BoxFuture;

use http::HeaderMap;
use opentelemetry::propagation::Extractor;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::{
    Request, Status,
    service::{Interceptor, Routes, interceptor::InterceptedService},
    transport::{Endpoint, Server, server::TcpIncoming},
};
use tonic_health::ServingStatus;
use tracing::{Instrument, field::Empty};
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::{
    auth::{InternalKey, RequireCallerLayer},
    config::{GrpcClientSettings, GrpcServerSettings},
};

/// Serves `routes` (one Fazhi service, named by its full gRPC name such as
/// `fazhi.complaints.v1.ComplaintService`) on `listener` until `shutdown`.
///
/// Health reports SERVING for the service and for the server as a whole
/// (`""`) while up, NOT_SERVING once shutdown starts; calls are still served
/// for `drain` after that, then no new ones are taken and those in flight
/// finish. Every call but health and reflection must carry an internal
/// identity token signed with `identity`.
pub async fn serve(
    listener: TcpListener,
    service_name: &'static str,
    routes: Routes,
    identity: InternalKey,
    settings: &GrpcServerSettings,
    drain: Duration,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    crate::metrics::install();
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status(service_name, ServingStatus::Serving)
        .await;
    health.set_service_status("", ServingStatus::Serving).await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(fazhi_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(fazhi_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let addr = listener.local_addr()?;
    tracing::info!(service = service_name, %addr, "gRPC server listening");

    let stopping = shutdown.clone();
    let secs = Duration::from_secs;
    let router = Server::builder()
        .http2_keepalive_interval(Some(secs(settings.keepalive_interval_secs.max(1))))
        .http2_keepalive_timeout(Some(secs(settings.keepalive_timeout_secs.max(1))))
        .timeout(secs(settings.request_timeout_secs.max(1)))
        .max_concurrent_streams(Some(settings.max_concurrent_streams.max(1)))
        .layer(ObserveLayer)
        .layer(RequireCallerLayer::new(identity))
        .add_routes(routes)
        .add_service(health_service);
    let router = if settings.reflection {
        router
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
    } else {
        router
    };
    router
        .serve_with_incoming_shutdown(
            TcpIncoming::from(listener).with_nodelay(Some(true)),
            async move {
                stopping.cancelled().await;
                health
                    .set_service_status(service_name, ServingStatus::NotServing)
                    .await;
                health
                    .set_service_status("", ServingStatus::NotServing)
                    .await;
                tracing::info!(
                    service = service_name,
                    ?drain,
                    "draining: not serving, still answering"
                );
                tokio::time::sleep(drain).await;
            },
        )
        .await?;
    tracing::info!(service = service_name, "gRPC server stopped");
    Ok(())
}

/// `routes` (the service `service_name`) as callers in this process reach
/// it: behind the layers [`serve`] puts before them — the caller's identity
/// verified per RPC against `identity`, the call observed — with a health
/// service answering SERVING, and no socket or HTTP/2 framing in between.
pub async fn local(
    service_name: &'static str,
    routes: Routes,
    identity: InternalKey,
) -> crate::balance::LocalService {
    crate::metrics::install();
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status(service_name, ServingStatus::Serving)
        .await;
    health.set_service_status("", ServingStatus::Serving).await;
    let routes = routes.add_service(health_service);
    tower::util::BoxCloneSyncService::new(
        tower::ServiceBuilder::new()
            .layer(ObserveLayer)
            .layer(RequireCallerLayer::new(identity))
            .service(routes),
    )
}

/// A client channel to a service in this process ([`local`]), with the
/// deadline, identity and trace context a remote call carries.
pub fn connect_local(
    name: &str,
    service: crate::balance::LocalService,
    settings: &GrpcClientSettings,
) -> Channel {
    let deadline = settings.deadline();
    InterceptedService::new(
        crate::balance::Balanced::local(name, service, deadline),
        CallContext { deadline },
    )
}

/// Per-RPC span (parented on the caller's trace context) and metrics.
#[derive(Debug, Clone, Copy)]
struct ObserveLayer;

impl<S> tower::Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Observe { inner }
    }
}

#[derive(Debug, Clone)]
struct Observe<S> {
    inner: S,
}

impl<S, B, ResBody> tower::Service<http::Request<B>> for Observe<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let method = request.uri().path().to_owned();
        let (rpc_service, rpc_method) = rpc_names(&method);
        // Health checks (every caller asks each replica four times a
        // second) are counted but not traced.
        let span = if is_health_check(&method) {
            tracing::Span::none()
        } else {
            tracing::info_span!(
                "grpc",
                otel.name = %method.trim_start_matches('/'),
                otel.kind = "server",
                otel.status_code = Empty,
                rpc.system = "grpc",
                rpc.service = %rpc_service,
                rpc.method = %rpc_method,
                rpc.grpc.status_code = Empty,
            )
        };
        let parent = opentelemetry::global::get_text_map_propagator(|p| {
            p.extract(&HeaderExtractor(request.headers()))
        });
        let _ = span.set_parent(parent);
        let started = Instant::now();
        let response = {
            let _entered = span.enter();
            self.inner.call(request)
        };
        let record_in = span.clone();
        Box::pin(
            async move {
                let result = response.await;
                // Errors travel as trailers-only responses (grpc-status in the
                // headers); a unary success puts status 0 in the trailers.
                let code = match &result {
                    Ok(response) => response
                        .headers()
                        .get("grpc-status")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse::<i32>().ok())
                        .unwrap_or(0),
                    Err(_) => tonic::Code::Unknown as i32,
                };
                record_in.record("rpc.grpc.status_code", code);
                if is_server_fault(code) {
                    record_in.record("otel.status_code", "ERROR");
                }
                record_rpc(&method, code, started.elapsed());
                result
            }
            .instrument(span),
        )
    }
}

#[cfg(test)]
mod label_tests {
    #[test]
    fn only_served_rpcs_name_a_series() {
        assert_eq!(
            super::rpc_label("/grpc.health.v1.Health/Check"),
            "/grpc.health.v1.Health/Check"
        );
        assert_eq!(super::rpc_label("/x.Flood/M12345"), "unknown");
        assert!(
            super::KNOWN_RPCS
                .iter()
                .any(|p| p.starts_with("/fazhi.complaints.v1.")),
            "Fazhi's own contracts are known"
        );
    }
}

/// The service and method a gRPC path (`/pkg.Service/Method`) names.
pub(crate) fn rpc_names(path: &str) -> (&str, &str) {
    path.trim_start_matches('/')
        .split_once('/')
        .unwrap_or(("", ""))
}

/// Codes a server span counts as its own error (OpenTelemetry's rule for
/// gRPC servers): the rest are the caller's.
fn is_server_fault(code: i32) -> bool {
    use tonic::Code;
    [
        Code::Unknown,
        Code::DeadlineExceeded,
        Code::Unimplemented,
        Code::Internal,
        Code::Unavailable,
        Code::DataLoss,
    ]
    .iter()
    .any(|c| *c as i32 == code)
}

/// Every RPC path this platform serves (`/pkg.Service/Method`): Fazhi's
/// contracts, health checking and reflection.
static KNOWN_RPCS: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        use prost::Message;
        let mut known = std::collections::HashSet::new();
        for set in [
            fazhi_proto::FILE_DESCRIPTOR_SET,
            tonic_health::pb::FILE_DESCRIPTOR_SET,
        ] {
            let Ok(set) = prost_types::FileDescriptorSet::decode(set) else {
                continue;
            };
            for file in set.file {
                for service in &file.service {
                    for method in &service.method {
                        known.insert(format!(
                            "/{}.{}/{}",
                            file.package(),
                            service.name(),
                            method.name()
                        ));
                    }
                }
            }
        }
        for version in ["v1", "v1alpha"] {
            known.insert(format!(
                "/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo"
            ));
        }
        known
    });

/// A call's path as a metric label: an RPC this platform serves, or
/// `unknown`, so a made-up path never becomes a new series.
pub fn rpc_label(path: &str) -> String {
    if KNOWN_RPCS.contains(path) {
        path.to_owned()
    } else {
        "unknown".to_owned()
    }
}

fn record_rpc(method: &str, code: i32, latency: Duration) {
    let method = rpc_label(method);
    // A status the server set is one of gRPC's 17 codes.
    let code = if (0..=16).contains(&code) { code } else { 2 };
    metrics::counter!("fazhi_grpc_server_requests_total", "method" => method.clone(), "code" => code.to_string())
        .increment(1);
    metrics::histogram!("fazhi_grpc_server_request_duration_seconds", "method" => method)
        .record(latency.as_secs_f64());
}

struct HeaderExtractor<'a>(&'a HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// What every outgoing call carries: a deadline and, for a request made
/// with [`InternalKey::request`], the identity token signed for the RPC it
/// goes to. (The trace context is put on by [`crate::balance::Balanced`],
/// under the call's own client span.)
#[derive(Debug, Clone)]
pub struct CallContext {
    deadline: Duration,
}

impl Interceptor for CallContext {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if request.metadata().get("grpc-timeout").is_none() {
            request.set_timeout(self.deadline);
        }
        if let Some(method) = request.extensions().get::<tonic::GrpcMethod<'static>>() {
            let rpc = format!("/{}/{}", method.service(), method.method());
            crate::auth::internal::sign_outgoing(&mut request, &rpc);
        }
        Ok(request)
    }
}

/// Whether `path` is the standard gRPC health check's, which is not traced.
pub fn is_health_check(path: &str) -> bool {
    path.starts_with("/grpc.health.v1.Health/")
}

/// A client channel with the deadline, identity and trace context applied to every call.
pub type Channel = InterceptedService<crate::balance::Balanced, CallContext>;

/// A channel that connects on first use (and reconnects after failures), so a
/// service that is down makes calls fail fast with UNAVAILABLE rather than
/// blocking start-up. `endpoint` may name several replicas, comma-separated,
/// or a host name standing for them all: calls are spread across those
/// serving ([`crate::balance`]).
pub fn connect_lazy(endpoint: &str, settings: &GrpcClientSettings) -> anyhow::Result<Channel> {
    let urls = crate::balance::addresses(endpoint);
    anyhow::ensure!(!urls.is_empty(), "no endpoint given");
    let (connect_timeout, deadline) = (settings.connect_timeout(), settings.deadline());
    let make: crate::balance::MakeEndpoint = std::sync::Arc::new(move |url: &str| {
        Ok(Endpoint::from_shared(url.to_owned())
            .map_err(|e| anyhow::anyhow!("endpoint {url:?}: {e}"))?
            .connect_timeout(connect_timeout)
            .timeout(deadline)
            .tcp_nodelay(true)
            .http2_keep_alive_interval(Duration::from_secs(30)))
    });
    Ok(InterceptedService::new(
        crate::balance::Balanced::new(&urls, make)?,
        CallContext { deadline },
    ))
}

/// Asks a server's health service whether `service_name` is SERVING.
pub async fn check_health(channel: Channel, service_name: &str) -> Result<bool, Status> {
    let mut client = tonic_health::pb::health_client::HealthClient::new(channel);
    let response = client
        .check(tonic_health::pb::HealthCheckRequest {
            service: service_name.to_owned(),
        })
        .await?
        .into_inner();
    Ok(response.status == tonic_health::pb::health_check_response::ServingStatus::Serving as i32)
}

/// One Fazhi service ready to serve: its gRPC routes and the database it owns.
pub struct Service {
    /// Full gRPC service name, as health checks ask for it.
    pub name: &'static str,
    pub routes: Routes,
    pub database: crate::db::Database,
}

impl Service {
    /// Serves until `shutdown` (and `drain` after it), then closes the database.
    pub async fn run(
        self,
        listener: TcpListener,
        identity: InternalKey,
        settings: GrpcServerSettings,
        drain: Duration,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let result = serve(
            listener,
            self.name,
            self.routes,
            identity,
            &settings,
            drain,
            shutdown,
        )
        .await;
        self.database.close().await;
        result
    }
}

/// Warnings (预警) one service answers with at most.
pub const MAX_WARNINGS: usize = 1_000;

/// A service's warnings as answered: by deadline, the earliest first, at
/// most [`MAX_WARNINGS`]; `truncated` also when some were cut here.
pub fn warnings_answer(
    mut warnings: Vec<fazhi_proto::common::v1::Warning>,
    truncated: bool,
) -> fazhi_proto::common::v1::ListWarningsResponse {
    warnings.sort_by_key(|w| w.due_at.map(|t| (t.seconds, t.nanos)));
    let cut = warnings.len() > MAX_WARNINGS;
    warnings.truncate(MAX_WARNINGS);
    fazhi_proto::common::v1::ListWarningsResponse {
        warnings,
        truncated: truncated || cut,
    }
}
