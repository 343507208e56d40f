//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: every
//! service it depends on reports SERVING).

use axum::{Json, extract::State, http::StatusCode};
use fazhi_platform::grpc;
use serde_json::{Map, Value, json};

use crate::{AppState, READINESS_TIMEOUT};

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let checks = state
        .channels
        .iter()
        .map(|(name, service, channel)| async move {
            let status = match tokio::time::timeout(
                READINESS_TIMEOUT,
                grpc::check_health(channel.clone(), service),
            )
            .await
            {
                Ok(Ok(true)) => "serving",
                Ok(Ok(false)) => "not_serving",
                Ok(Err(_)) => "unavailable",
                Err(_) => "timeout",
            };
            (*name, status)
        });
    let results = futures::future::join_all(checks).await;
    let ready = results.iter().all(|(_, status)| *status == "serving");
    let services: Map<String, Value> = results
        .into_iter()
        .map(|(name, status)| (name.to_owned(), json!(status)))
        .collect();
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(json!({ "status": if ready { "ready" } else { "not_ready" }, "services": services })),
    )
}
