//! Logging in, its limits, and tokens that must be refused.

use fazhi_e2e::{Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn login_gives_a_bearer_token_for_the_account() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        sandbox
            .account("laocheng.staff", &["staff"], TOWNSHIP)
            .await;
        let response = login(&sandbox, "laocheng.staff", PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK, "{backend:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        let token = body["access_token"].as_str().unwrap();
        let me: Value = sandbox
            .get_as(token, "/api/v1/auth/me")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["subject"], "account:laocheng.staff");
        assert_eq!(me["roles"], json!(["staff"]));
        assert_eq!(me["division_code"], TOWNSHIP);

        let (status, code) =
            problem_code(login(&sandbox, "laocheng.staff", "wrong password!").await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_login")
        );
        // No account has a NUL in its name (nor could PostgreSQL store one).
        for unknown in ["nobody.here", "laocheng\u{0}staff"] {
            let (status, code) = problem_code(login(&sandbox, unknown, PASSWORD).await).await;
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::UNAUTHORIZED, "invalid_login"),
                "{unknown:?}"
            );
        }
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn repeated_login_failures_are_refused_with_retry_after_even_with_the_right_password() {
    // In memory on SQLite; in the gateway database, shared, on PostgreSQL.
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        sandbox.account("target", &["staff"], TOWNSHIP).await;
        for _ in 0..5 {
            let response = login(&sandbox, "target", "not the password").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        let response = login(&sandbox, "target", PASSWORD).await;
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        let wait: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait > 0 && wait <= 900, "{wait}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn failures_from_one_address_are_limited_across_accounts() {
    for backend in backends() {
        let sandbox = Sandbox::start_with(backend, |s| {
            s.gateway.auth.max_failures_per_client = 3;
        })
        .await;
        for i in 0..3 {
            let response = login(&sandbox, &format!("guess{i}"), "not the password").await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        let response = login(&sandbox, "guess9", "not the password").await;
        assert_eq!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{backend:?}"
        );
        assert!(response.headers().contains_key("retry-after"));
        sandbox.stop().await;
    }
}
