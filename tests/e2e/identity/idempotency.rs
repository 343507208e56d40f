//! Idempotency keys: replays, refusals, and duplicates that race.

use fazhi_e2e::{Backend, Sandbox, TOWNSHIP, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::Value;

use super::*;

async fn post_with_key(
    sandbox: &Sandbox,
    token: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    sandbox
        .client
        .post(sandbox.url("/api/v1/complaints"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn count(sandbox: &Sandbox) -> usize {
    let page: Value = sandbox.get_json("/api/v1/complaints?page_size=200").await;
    page["complaints"].as_array().unwrap().len()
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_another_body() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let first = post_with_key(&sandbox, &sandbox.token, "intake-0001", &complaint_body()).await;
        assert_eq!(first.status(), StatusCode::CREATED, "{backend:?}");
        let location = first.headers()["location"].clone();
        let first: Value = first.json().await.unwrap();

        let again = post_with_key(&sandbox, &sandbox.token, "intake-0001", &complaint_body()).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.headers()["location"], location);
        let again: Value = again.json().await.unwrap();
        assert_eq!(again, first, "{backend:?}: the same answer");

        let mut other = complaint_body();
        other["content"] = "另一件事".into();
        let (status, code) =
            problem_code(post_with_key(&sandbox, &sandbox.token, "intake-0001", &other).await)
                .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
        );

        // Another caller's key of the same name is theirs alone.
        let township = sandbox
            .account("laocheng.staff", &["staff"], TOWNSHIP)
            .await;
        let theirs = post_with_key(&sandbox, &township, "intake-0001", &complaint_body()).await;
        assert_eq!(theirs.status(), StatusCode::CREATED);
        let theirs: Value = theirs.json().await.unwrap();
        assert_ne!(theirs["id"], first["id"]);

        // A refused request is replayed as refused.
        let mut bad = complaint_body();
        bad["channel"] = "fax".into();
        let refused = post_with_key(&sandbox, &sandbox.token, "intake-0002", &bad).await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let replayed = post_with_key(&sandbox, &sandbox.token, "intake-0002", &bad).await;
        assert_eq!(replayed.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            replayed.headers()["content-type"],
            "application/problem+json"
        );

        let (status, code) = problem_code(
            post_with_key(&sandbox, &sandbox.token, "bad key with spaces", &bad).await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::BAD_REQUEST, "invalid_idempotency_key")
        );

        assert_eq!(count(&sandbox).await, 2, "{backend:?}: no duplicate rows");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn concurrent_duplicates_create_one_complaint() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let attempts = (0..12).map(|_| async {
            let response =
                post_with_key(&sandbox, &sandbox.token, "burst-1", &complaint_body()).await;
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            (status, body)
        });
        let results = futures::future::join_all(attempts).await;
        let mut ids = Vec::new();
        for (status, body) in &results {
            match *status {
                StatusCode::CREATED => ids.push(body["id"].clone()),
                StatusCode::CONFLICT => assert_eq!(body["code"], "idempotency_key_in_use"),
                other => panic!("{backend:?}: unexpected {other}: {body}"),
            }
        }
        assert!(!ids.is_empty());
        ids.dedup();
        assert_eq!(
            ids.len(),
            1,
            "{backend:?}: every 201 names the same complaint"
        );
        assert_eq!(count(&sandbox).await, 1, "{backend:?}: exactly one row");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn an_in_progress_key_answers_409_with_retry_after() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let gate = sandbox.gate();
    // The first request holds the key (as while it runs).
    let now = fazhi_platform::time::now();
    let owner = "account:county.default";
    let scope_key = {
        use sha2::{Digest, Sha256};
        Sha256::digest(format!("{owner}\n/api/v1/complaints\nslow-1"))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let body = serde_json::to_vec(&complaint_body()).unwrap();
    let hash = fazhi_gateway::edge::idempotency::fingerprint(
        &http::Method::POST,
        &"/api/v1/complaints".parse().unwrap(),
        b"application/json",
        &body,
    );
    let begun = gate
        .idempotency
        .begin(
            &scope_key,
            &hash,
            now,
            now - chrono::Duration::hours(24),
            now - chrono::Duration::seconds(60),
        )
        .await
        .unwrap();
    assert_eq!(
        begun,
        fazhi_gateway::edge::idempotency::store::Begin::Proceed
    );
    let response = sandbox
        .client
        .post(sandbox.url("/api/v1/complaints"))
        .bearer_auth(&sandbox.token)
        .header("idempotency-key", "slow-1")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(count(&sandbox).await, 0);
    sandbox.stop().await;
}
