//! The public endpoints citizens use without an account.

use fazhi_e2e::{Backend, Sandbox, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::Value;

use super::*;

fn public_body() -> Value {
    let mut body = complaint_body();
    body.as_object_mut().unwrap().remove("channel");
    body["complainant_phone"] = "13900005678".into();
    body
}

#[tokio::test]
async fn a_citizen_submits_without_an_account_and_follows_by_code_and_phone_digits() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let response = sandbox
            .post_as("", "/api/v1/public/complaints", &public_body())
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "{backend:?}");
        let receipt: Value = response.json().await.unwrap();
        let code = receipt["tracking_code"].as_str().unwrap().to_owned();
        assert!(
            receipt.get("id").is_none(),
            "citizens get a tracking code, not an id"
        );

        let progress = sandbox
            .get_as(
                "",
                &format!("/api/v1/public/complaints/{code}?phone_last4=5678"),
            )
            .await;
        assert_eq!(progress.status(), StatusCode::OK);
        let progress: Value = progress.json().await.unwrap();
        assert_eq!(progress["status"], "received");
        // Status, due date and reply: nothing of what was asked, or where.
        for hidden in [
            "content",
            "complainant_phone",
            "type",
            "category",
            "division_code",
            "received_at",
        ] {
            assert!(progress.get(hidden).is_none(), "{hidden}: {progress}");
        }
        assert!(progress["reply_due"].is_string(), "{progress}");
        // Lower case and without dashes, as typed.
        let typed = code.replace('-', "").to_lowercase();
        let again = sandbox
            .get_as(
                "",
                &format!("/api/v1/public/complaints/{typed}?phone_last4=5678"),
            )
            .await;
        assert_eq!(again.status(), StatusCode::OK);

        let wrong_digits = sandbox
            .get_as(
                "",
                &format!("/api/v1/public/complaints/{code}?phone_last4=1234"),
            )
            .await;
        let unknown = sandbox
            .get_as(
                "",
                "/api/v1/public/complaints/0000-0000-0000?phone_last4=5678",
            )
            .await;
        let (a, b): (Value, Value) = (
            wrong_digits.json().await.unwrap(),
            unknown.json().await.unwrap(),
        );
        assert_eq!(a["status"], 404);
        assert_eq!(a, b, "a wrong phone and an unknown code look the same");
        let (status, code_) = problem_code(
            sandbox
                .get_as(
                    "",
                    &format!("/api/v1/public/complaints/{code}?phone_last4=12a4"),
                )
                .await,
        )
        .await;
        assert_eq!(
            (status, code_.as_str()),
            (StatusCode::BAD_REQUEST, "invalid_phone_last4")
        );

        // Anonymous requests are accepted; without a phone there is nothing to follow them by.
        let mut anonymous = public_body();
        let fields = anonymous.as_object_mut().unwrap();
        fields.remove("complainant_name");
        fields.remove("complainant_phone");
        let response = sandbox
            .post_as("", "/api/v1/public/complaints", &anonymous)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let receipt: Value = response.json().await.unwrap();
        let anonymous_code = receipt["tracking_code"].as_str().unwrap();
        for digits in ["0000", "5678"] {
            let status = sandbox
                .get_as(
                    "",
                    &format!("/api/v1/public/complaints/{anonymous_code}?phone_last4={digits}"),
                )
                .await
                .status();
            assert_eq!(status, StatusCode::NOT_FOUND);
        }

        // Staff see it as a web complaint, masked.
        let listed: Value = sandbox.get_json("/api/v1/complaints").await;
        let row = listed["complaints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["tracking_code"] == code.as_str())
            .unwrap();
        assert_eq!(row["channel"], "web");
        assert_eq!(row["complainant_phone"], "139****5678");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_address_with_retry_after() {
    let sandbox = Sandbox::start_with(Backend::Sqlite, |s| {
        s.gateway.public.requests_per_minute = 3;
    })
    .await;
    for _ in 0..3 {
        let status = sandbox
            .get_as(
                "",
                "/api/v1/public/complaints/0000-0000-0000?phone_last4=5678",
            )
            .await
            .status();
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let limited = sandbox
        .post_as("", "/api/v1/public/complaints", &public_body())
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    let (_, code) = problem_code(limited).await;
    assert_eq!(code, "rate_limited");
    // Staff routes are not affected.
    assert_eq!(
        sandbox.get("/api/v1/complaints").await.status(),
        StatusCode::OK
    );
    sandbox.stop().await;
}
