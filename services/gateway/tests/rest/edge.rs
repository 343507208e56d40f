//! The REST edge answered in-process with `tower::ServiceExt::oneshot`: no
//! listener and no services, for what a running server adds nothing to —
//! routing, methods and credentials, all answered as problem documents.
//! (The services' endpoints are dialled lazily and never reached here.)

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use fazhi_gateway::{AppState, Gate, Settings, Upstreams};
use fazhi_platform::{auth::InternalKey, config::GrpcClientSettings};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A gateway over a fresh SQLite identity store, its upstreams unreachable.
async fn edge() -> (Router, fazhi_testkit::TestDatabase) {
    fazhi_platform::telemetry::init_for_tests();
    let database = fazhi_testkit::sqlite();
    let internal = InternalKey::new(&[9u8; 32], Duration::from_secs(60)).unwrap();
    let gate = Gate::open(&Settings::default(), database.data_dir(), internal)
        .await
        .unwrap();
    let nowhere = "http://127.0.0.1:9".to_owned();
    let upstreams = Upstreams {
        cases: nowhere.clone(),
        complaints: nowhere.clone(),
        training: nowhere,
    };
    let state =
        AppState::connect(&upstreams, &GrpcClientSettings::default(), Arc::new(gate)).unwrap();
    (fazhi_gateway::router(state), database)
}

/// Status and problem `code` of one request.
async fn answer(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    (
        status,
        problem["code"].as_str().unwrap_or_default().to_owned(),
    )
}

fn request(method: &str, path: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(path)
}

#[tokio::test]
async fn wrong_methods_unknown_routes_and_bad_credentials_are_problems() {
    let (router, _database) = edge().await;
    let (status, code) = answer(
        &router,
        request("DELETE", "/api/v1/complaints")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let (status, code) = answer(
        &router,
        request("GET", "/api/v1/nothing-here")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "route_not_found")
    );
    let (status, code) = answer(
        &router,
        request("GET", "/api/v1/complaints")
            .header("authorization", "Basic YWRtaW46YWRtaW4=")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    let (status, code) = answer(
        &router,
        request("GET", "/api/v1/complaints")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "missing_credentials")
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_or_too_large_is_refused_before_any_handler() {
    let (router, _database) = edge().await;
    let (status, code) = answer(
        &router,
        request("POST", "/api/v1/auth/login")
            .header("content-type", "text/plain")
            .body(Body::from("admin"))
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    let huge = vec![b' '; Settings::default().body_limit_bytes + 1];
    let (status, code) = answer(
        &router,
        request("POST", "/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(huge))
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
}
