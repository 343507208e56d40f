//! A service that is down makes its routes answer 503 promptly and marks the
//! oversight summary partial; it never hangs the gateway.

use std::time::{Duration, Instant};

use fazhi_e2e::{Backend, Sandbox, complaint_body};
use reqwest::StatusCode;
use serde_json::Value;

/// A service that is down: port 1 (tcpmux) is privileged, so no sandbox
/// started beside this one can take it, and a connection is refused at once.
/// (A free port picked now may be bound by a parallel test's service before
/// the gateway calls it.)
const DEAD: &str = "http://127.0.0.1:1";

#[tokio::test]
async fn intake_answers_503_within_the_deadline_when_complaints_is_down() {
    let dead = DEAD.to_owned();
    let sandbox =
        Sandbox::start_with(Backend::Sqlite, |s| s.complaints.endpoint = Some(dead)).await;
    let started = Instant::now();
    let response = sandbox.post_complaint(&complaint_body()).await;
    let status = response.status();
    let elapsed = started.elapsed();
    let problem: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{problem}");
    assert!(elapsed < Duration::from_millis(sandbox.settings.grpc.deadline_ms + 1_000));
    assert_eq!(problem["code"], "service_unavailable");

    // The gateway stays ready; its status names the service that is down.
    let ready = sandbox.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let state = sandbox.get("/statusz").await;
    assert_eq!(state.status(), StatusCode::OK);
    let body: Value = state.json().await.unwrap();
    assert_eq!(body["status"], "degraded", "{body}");
    assert_eq!(body["services"]["complaints"], "unavailable");
    assert_eq!(body["services"]["cases"], "serving");
    sandbox.stop().await;
}

#[tokio::test]
async fn the_summary_is_flagged_partial_when_training_is_down() {
    let dead = DEAD.to_owned();
    let sandbox = Sandbox::start_with(Backend::Sqlite, |s| s.training.endpoint = Some(dead)).await;
    let response = sandbox.get("/api/v1/oversight/summary").await;
    let status = response.status();
    let summary: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["partial"], true);
    assert_eq!(summary["unavailable"], serde_json::json!(["training"]));
    assert_eq!(summary["training"], Value::Null);
    assert_eq!(summary["complaints"]["received"], 0);
    sandbox.stop().await;
}

#[tokio::test]
async fn readiness_is_ready_when_every_service_serves() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let ready = sandbox.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let state: Value = sandbox.get("/statusz").await.json().await.unwrap();
    assert_eq!(state["status"], "serving", "{state}");
    let live = sandbox.get("/healthz").await;
    assert_eq!(live.status(), StatusCode::OK);
    sandbox.stop().await;
}
