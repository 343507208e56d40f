//! Calls spread across the replicas of one service. An endpoint setting may
//! name several addresses, comma-separated, and a host name among them
//! stands for every address it resolves to (looked up again every few
//! seconds: a Kubernetes headless Service or a compose service scaled up
//! names its ready replicas so). Calls go round-robin to the replicas whose
//! health check last answered SERVING, so one that is draining (it answers
//! NOT_SERVING from its SIGTERM on) or down gets no new calls. When none
//! does, calls go round-robin to all and fail fast if all are down.

use std::{
    convert::Infallible,
    sync::{
        Arc, RwLock,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use futures::future::BoxFuture;
use tonic::{body::Body, transport::Endpoint};
use tower::ServiceExt;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// How often each replica's health is asked when there may be several.
pub const HEALTH_EVERY: Duration = Duration::from_millis(250);
/// Each replica's health as last seen: 1 serving, 0 not.
pub const SERVING_GAUGE: &str = "fazhi_replica_serving";
/// How often host names are looked up again.
pub const RESOLVE_EVERY: Duration = Duration::from_secs(5);

/// Builds the endpoint of one replica's URL, with the client's settings.
pub type MakeEndpoint = Arc<dyn Fn(&str) -> anyhow::Result<Endpoint> + Send + Sync>;

/// A service served in this process: its routes behind the same layers a
/// server puts before them (the caller's identity verified per RPC, the
/// call observed), called without a socket or HTTP/2 framing.
pub type LocalService =
    tower::util::BoxCloneSyncService<http::Request<Body>, http::Response<Body>, Infallible>;

/// How a member's calls travel.
enum Transport {
    /// A replica over the network.
    Remote(tonic::transport::Channel),
    /// The service in this process, each call bounded by `deadline`.
    Local {
        service: LocalService,
        deadline: Duration,
    },
}

struct Member {
    address: String,
    transport: Transport,
    serving: AtomicBool,
}

impl Member {
    fn new(address: &str, make: &MakeEndpoint) -> anyhow::Result<Arc<Self>> {
        let member = Arc::new(Self {
            address: address.to_owned(),
            transport: Transport::Remote(make(address)?.connect_lazy()),
            serving: AtomicBool::new(true),
        });
        metrics::gauge!(SERVING_GAUGE, "replica" => member.address.clone()).set(1.0);
        Ok(member)
    }

    /// Records whether the replica answers; a change is logged and
    /// exported (`fazhi_replica_serving`).
    fn set_serving(&self, serving: bool, why: &str) {
        if self.serving.swap(serving, Ordering::Relaxed) == serving {
            return;
        }
        metrics::gauge!(SERVING_GAUGE, "replica" => self.address.clone()).set(if serving {
            1.0
        } else {
            0.0
        });
        if serving {
            tracing::info!(replica = %self.address, "replica serving again");
        } else {
            tracing::warn!(replica = %self.address, reason = why, "replica not serving: no new calls go to it");
        }
    }

    /// Sends `request` to the replica, or to the service in this process.
    async fn send(
        &self,
        request: http::Request<Body>,
    ) -> Result<http::Response<Body>, tonic::transport::Error> {
        match &self.transport {
            Transport::Remote(channel) => channel.clone().oneshot(request).await,
            Transport::Local { service, deadline } => {
                let call = service.clone().oneshot(request);
                Ok(match tokio::time::timeout(*deadline, call).await {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    Err(_) => {
                        tonic::Status::deadline_exceeded("the call's deadline passed").into_http()
                    }
                })
            }
        }
    }
}

type Members = Arc<[Arc<Member>]>;

struct Shared {
    members: RwLock<Members>,
    next: AtomicUsize,
}

/// One service's replicas behind one client.
#[derive(Clone)]
pub struct Balanced {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Balanced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.members().iter().map(|m| m.address.clone()))
            .finish()
    }
}

impl Balanced {
    /// Lazily connecting channels to `urls`. With more than one, or a host
    /// name among them, each replica's health is watched (and names looked
    /// up again) in the background for as long as the client lives.
    pub fn new(urls: &[&str], make: MakeEndpoint) -> anyhow::Result<Self> {
        let balanced = Self::unwatched(urls, &make)?;
        let named = urls.iter().any(|url| host_name(url).is_some());
        // Every replica's health is watched, one alone too: its state is
        // logged and exported whatever the calls find.
        for member in balanced.members().iter() {
            tokio::spawn(watch(Arc::downgrade(member)));
        }
        if named {
            let urls = urls.iter().map(|u| (*u).to_owned()).collect();
            tokio::spawn(resolve(Arc::downgrade(&balanced.shared), urls, make));
        }
        Ok(balanced)
    }

    /// The one service `service` in this process, named `name` in spans.
    pub fn local(name: &str, service: LocalService, deadline: Duration) -> Self {
        let member = Arc::new(Member {
            address: format!("in-process:{name}"),
            transport: Transport::Local { service, deadline },
            serving: AtomicBool::new(true),
        });
        Self {
            shared: Arc::new(Shared {
                members: RwLock::new(Arc::from([member])),
                next: AtomicUsize::new(0),
            }),
        }
    }

    fn unwatched(urls: &[&str], make: &MakeEndpoint) -> anyhow::Result<Self> {
        let members = urls
            .iter()
            .map(|url| Member::new(url, make))
            .collect::<anyhow::Result<Members>>()?;
        Ok(Self {
            shared: Arc::new(Shared {
                members: RwLock::new(members),
                next: AtomicUsize::new(0),
            }),
        })
    }

    fn members(&self) -> Members {
        self.shared
            .members
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The replica for the next call: the next serving one in turn, or the
    /// next of all when none is.
    fn pick(&self) -> Arc<Member> {
        let members = self.members();
        let count = members.len();
        let start = self.shared.next.fetch_add(1, Ordering::Relaxed);
        (0..count)
            .map(|i| &members[(start + i) % count])
            .find(|m| m.serving.load(Ordering::Relaxed))
            .unwrap_or(&members[start % count])
            .clone()
    }
}

impl tower::Service<http::Request<Body>> for Balanced {
    type Response = http::Response<Body>;
    type Error = tonic::transport::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Each call waits on the readiness of the replica it goes to.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        let member = self.pick();
        let path = request.uri().path();
        // A read that did not reach its replica is asked of the others; a
        // write only when its replica refused the connection (nothing was
        // sent), and never an upload (its stream is not held to send again).
        let retry = if is_read(path) {
            Some(Retry::Unreached)
        } else if is_upload(path) {
            None
        } else {
            Some(Retry::Refused)
        };
        let others: Vec<Arc<Member>> = match retry {
            Some(_) => {
                let mut others: Vec<Arc<Member>> = self
                    .members()
                    .iter()
                    .filter(|m| !Arc::ptr_eq(m, &member))
                    .cloned()
                    .collect();
                others.sort_by_key(|m| !m.serving.load(Ordering::Relaxed));
                others
            }
            None => Vec::new(),
        };
        let span = client_span(path, &member.address);
        // The callee's span is a child of this call's.
        let context = span.context();
        opentelemetry::global::get_text_map_propagator(|p| {
            p.inject_context(&context, &mut HeaderInjector(request.headers_mut()))
        });
        let record_in = span.clone();
        Box::pin(
            async move {
                let (member, result) = match retry {
                    Some(retry) if !others.is_empty() => {
                        send_again(member, others, request, retry).await
                    }
                    _ => {
                        let result = member.send(request).await;
                        (member, result)
                    }
                };
                match &result {
                    // Errors travel as trailers-only answers (grpc-status in
                    // the headers); a unary success puts 0 in the trailers.
                    Ok(response) => {
                        let code = response
                            .headers()
                            .get("grpc-status")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.parse::<i32>().ok())
                            .unwrap_or(0);
                        record_in.record("rpc.grpc.status_code", code);
                    }
                    Err(err) => {
                        record_in.record("rpc.grpc.status_code", tonic::Code::Unavailable as i32);
                        record_in.record("otel.status_code", "ERROR");
                        // Not reached (refused, reset): no new calls until
                        // its health check answers again.
                        member.set_serving(false, "a call did not reach it");
                        // The caller is told the replica is unavailable
                        // (503 at the REST edge), not that it failed.
                        let status = tonic::Status::unavailable(format!(
                            "replica {} did not answer: {err}",
                            member.address
                        ));
                        return Ok(status.into_http());
                    }
                }
                result
            }
            .instrument(span),
        )
    }
}

/// Whether the RPC at `path` only reads (`Get…`, `List…`, `Is…`, a health
/// `Check`): asking it again of another replica changes nothing.
fn is_read(path: &str) -> bool {
    let method = path.rsplit('/').next().unwrap_or_default();
    ["Get", "List", "Is", "Check"]
        .iter()
        .any(|verb| method.starts_with(verb))
}

/// When a call that did not reach its replica is sent to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Whatever failed on the way (a read: asked again, it changes nothing).
    Unreached,
    /// Only a refused connection: the request never left, so even a write
    /// is sent once in all.
    Refused,
}

impl Retry {
    fn allows(self, err: &tonic::transport::Error) -> bool {
        match self {
            Retry::Unreached => true,
            Retry::Refused => refused(err),
        }
    }
}

/// Whether the RPC at `path` streams its request (`Upload…`).
fn is_upload(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .unwrap_or_default()
        .starts_with("Upload")
}

/// Whether `err` is a connection the replica refused: nothing was sent.
fn refused(err: &tonic::transport::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return io.kind() == std::io::ErrorKind::ConnectionRefused;
        }
        source = cause.source();
    }
    false
}

/// A call sent to `first`, and to each of `others` in turn while the one
/// before failed as `retry` allows: the replica that answered (or the last
/// tried) and its answer. The request's body (a unary call's one message)
/// is kept to send again.
async fn send_again(
    first: Arc<Member>,
    others: Vec<Arc<Member>>,
    request: http::Request<Body>,
    retry: Retry,
) -> (
    Arc<Member>,
    Result<http::Response<Body>, tonic::transport::Error>,
) {
    use http_body_util::BodyExt;
    let (parts, body) = request.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(status) => return (first, Ok(status.into_http())),
    };
    let again = |bytes: bytes::Bytes| {
        let mut request = http::Request::new(Body::new(http_body_util::Full::new(bytes)));
        *request.method_mut() = parts.method.clone();
        *request.uri_mut() = parts.uri.clone();
        *request.version_mut() = parts.version;
        *request.headers_mut() = parts.headers.clone();
        request
    };
    let mut tried = first;
    let mut result = tried.send(again(bytes.clone())).await;
    for next in others {
        match &result {
            Err(err) if retry.allows(err) => {}
            _ => break,
        }
        tried.set_serving(false, "a call did not reach it");
        tracing::debug!(from = %tried.address, to = %next.address, ?retry, "a call sent to another replica");
        result = next.send(again(bytes.clone())).await;
        tried = next;
    }
    (tried, result)
}

/// The span of one call to a replica, named and attributed as
/// OpenTelemetry's RPC conventions ask.
fn client_span(path: &str, address: &str) -> tracing::Span {
    if crate::grpc::is_health_check(path) {
        return tracing::Span::none();
    }
    let (service, method) = crate::grpc::rpc_names(path);
    tracing::info_span!(
        "grpc.client",
        otel.name = %path.trim_start_matches('/'),
        otel.kind = "client",
        otel.status_code = tracing::field::Empty,
        rpc.system = "grpc",
        rpc.service = %service,
        rpc.method = %method,
        server.address = %address,
        rpc.grpc.status_code = tracing::field::Empty,
    )
}

struct HeaderInjector<'a>(&'a mut http::HeaderMap);

impl opentelemetry::propagation::Injector for HeaderInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            http::header::HeaderName::from_bytes(key.as_bytes()),
            http::HeaderValue::try_from(value),
        ) {
            self.0.insert(key, value);
        }
    }
}

mod replicas;
pub use replicas::addresses;
use replicas::{host_name, resolve, watch};

#[cfg(test)]
mod tests;
