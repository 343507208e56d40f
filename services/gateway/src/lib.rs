//! The gateway: the REST face of Fazhi for township apps, county systems,
//! dashboards and citizens. It checks and translates requests, calls the
//! services over gRPC (each call with a deadline), and turns their answers and
//! errors into JSON and RFC 9457 problem documents.

mod complaints;
mod health;
mod json;
mod observe;
mod oversight;
mod problem;
mod query;

use std::{net::SocketAddr, time::Duration};

use axum::{Router, extract::DefaultBodyLimit, routing::get};
use fazhi_platform::{config::GrpcClientSettings, grpc, shutdown::CancellationToken};
use fazhi_proto::{
    cases::v1::case_service_client::CaseServiceClient,
    complaints::v1::complaint_service_client::ComplaintServiceClient,
    training::v1::training_service_client::TrainingServiceClient,
};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

pub use problem::Problem;

/// Largest request body accepted, in bytes.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// REST listen address.
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: DEFAULT_BODY_LIMIT,
        }
    }
}

/// Where the services are.
#[derive(Debug, Clone)]
pub struct Upstreams {
    pub cases: String,
    pub complaints: String,
    pub training: String,
}

/// Clients of every service; cloning shares the connections.
#[derive(Clone)]
pub struct AppState {
    complaints: ComplaintServiceClient<grpc::Channel>,
    cases: CaseServiceClient<grpc::Channel>,
    training: TrainingServiceClient<grpc::Channel>,
    channels: Vec<(&'static str, &'static str, grpc::Channel)>,
}

impl AppState {
    /// Lazily connecting clients: a service that is down makes its routes
    /// answer 503, not the gateway fail to start.
    pub fn connect(upstreams: &Upstreams, settings: &GrpcClientSettings) -> anyhow::Result<Self> {
        let complaints = grpc::connect_lazy(&upstreams.complaints, settings)?;
        let cases = grpc::connect_lazy(&upstreams.cases, settings)?;
        let training = grpc::connect_lazy(&upstreams.training, settings)?;
        Ok(Self {
            complaints: ComplaintServiceClient::new(complaints.clone()),
            cases: CaseServiceClient::new(cases.clone()),
            training: TrainingServiceClient::new(training.clone()),
            channels: vec![
                ("cases", "fazhi.cases.v1.CaseService", cases),
                (
                    "complaints",
                    "fazhi.complaints.v1.ComplaintService",
                    complaints,
                ),
                ("training", "fazhi.training.v1.TrainingService", training),
            ],
        })
    }
}

/// The whole REST API.
pub fn router(state: AppState, settings: &Settings) -> Router {
    fazhi_platform::metrics::install();
    Router::new()
        .merge(complaints::routes())
        .merge(oversight::routes())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(fazhi_platform::metrics::router())
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(settings.body_limit_bytes))
        .layer(axum::middleware::from_fn(observe::observe))
}

/// Serves `router` on `listener` until `shutdown`, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    tracing::info!(addr = ?listener.local_addr().ok(), "REST gateway listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await?;
    tracing::info!("REST gateway stopped");
    Ok(())
}

/// How long readiness waits for each service's health answer.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);
