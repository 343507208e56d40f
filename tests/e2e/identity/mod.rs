//! Identity at the REST edge, one concern a file: logins and tokens, an
//! external OIDC issuer served by the test itself, API keys, idempotency
//! keys, the public endpoints, the audit log, and the API document. Shared
//! helpers live here.

mod api_keys;
mod audit;
mod document;
mod idempotency;
mod login;
mod oidc;
mod public;

use fazhi_e2e::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub const PASSWORD: &str = "a long test password";
const ISSUER: &str = "https://idp.county.example";
const AUDIENCE: &str = "fazhi";

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

pub async fn problem_code(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

pub async fn login(sandbox: &Sandbox, username: &str, password: &str) -> reqwest::Response {
    sandbox
        .post_as(
            "",
            "/api/v1/auth/login",
            &json!({ "username": username, "password": password }),
        )
        .await
}
