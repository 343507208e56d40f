//! Bad input gets an RFC 9457 problem naming the field and a stable code,
//! and writes nothing.

use fazhi_e2e::{Backend, Sandbox, complaint_body};
use reqwest::StatusCode;
use serde_json::Value;

async fn post_raw(sandbox: &Sandbox, body: impl Into<reqwest::Body>) -> (StatusCode, Value) {
    let response = sandbox
        .client
        .post(sandbox.url("/api/v1/complaints"))
        .bearer_auth(&sandbox.token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{status}"
    );
    (status, response.json().await.unwrap())
}

async fn stored(sandbox: &Sandbox) -> usize {
    let page: Value = sandbox.get_json("/api/v1/complaints").await;
    page["complaints"].as_array().unwrap().len()
}

fn with(field: &str, value: Value) -> String {
    let mut body = complaint_body();
    body[field] = value;
    body.to_string()
}

fn without(field: &str) -> String {
    let mut body = complaint_body();
    body.as_object_mut().unwrap().remove(field);
    body.to_string()
}

#[tokio::test]
async fn each_kind_of_bad_intake_is_refused_with_its_field_and_code() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let cases: Vec<(String, StatusCode, &str, Option<&str>)> = vec![
        (
            "{\"channel\": ".into(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            None,
        ),
        (
            "[1, 2]".into(),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            None,
        ),
        (
            with("urgent", "yes".into()),
            StatusCode::BAD_REQUEST,
            "invalid_type",
            Some("urgent"),
        ),
        (
            with("content", 42.into()),
            StatusCode::BAD_REQUEST,
            "invalid_type",
            Some("content"),
        ),
        (
            with("channel", "fax".into()),
            StatusCode::BAD_REQUEST,
            "unknown_code",
            Some("channel"),
        ),
        (
            with("type", "COMPLAINT".into()),
            StatusCode::BAD_REQUEST,
            "unknown_code",
            Some("type"),
        ),
        (
            with("category", "ufo".into()),
            StatusCode::BAD_REQUEST,
            "unknown_category",
            Some("category"),
        ),
        (
            without("division_code"),
            StatusCode::BAD_REQUEST,
            "required",
            Some("division_code"),
        ),
        (
            with("division_code", "4116".into()),
            StatusCode::BAD_REQUEST,
            "invalid_division_code",
            Some("division_code"),
        ),
        (
            with("content", "违".repeat(5_001).into()),
            StatusCode::BAD_REQUEST,
            "too_long",
            Some("content"),
        ),
        (
            with("content", " ".into()),
            StatusCode::BAD_REQUEST,
            "required",
            Some("content"),
        ),
        (
            with("complainant_phone", "ring me".into()),
            StatusCode::BAD_REQUEST,
            "invalid_phone",
            Some("complainant_phone"),
        ),
        (
            with("colour", "red".into()),
            StatusCode::BAD_REQUEST,
            "unknown_field",
            Some("colour"),
        ),
        (
            with("content", "x".repeat(70 * 1024).into()),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            None,
        ),
    ];
    for (body, status, code, field) in cases {
        let (got_status, problem) = post_raw(&sandbox, body.clone()).await;
        let shown = &body[..body.len().min(60)];
        assert_eq!(got_status, status, "{shown}: {problem}");
        assert_eq!(problem["code"], code, "{shown}: {problem}");
        assert_eq!(problem["status"], status.as_u16());
        assert_eq!(problem["field"].as_str(), field, "{shown}: {problem}");
    }
    assert_eq!(stored(&sandbox).await, 0, "nothing was written");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_415() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let response = sandbox
        .client
        .post(sandbox.url("/api/v1/complaints"))
        .bearer_auth(&sandbox.token)
        .header("content-type", "text/plain")
        .body(complaint_body().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    sandbox.stop().await;
}

#[tokio::test]
async fn bad_list_parameters_name_the_parameter() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    for (query, field, code) in [
        ("division=12", "division", "invalid_division_code"),
        ("page_size=1000", "page_size", "invalid_page_size"),
        ("page_size=ten", "page_size", "invalid_page_size"),
        ("page_token=forged", "page_token", "invalid_page_token"),
        ("received_from=yesterday", "received_from", "invalid_time"),
    ] {
        let response = sandbox.get(&format!("/api/v1/complaints?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            (problem["field"].as_str(), problem["code"].as_str()),
            (Some(field), Some(code)),
            "{query}"
        );
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems_too() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let response = sandbox.get("/api/v1/nothing-here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let response = sandbox
        .client
        .delete(sandbox.url("/api/v1/complaints"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "method_not_allowed");
    sandbox.stop().await;
}
