//! API keys for county systems.

use fazhi_e2e::{COUNTY, Sandbox, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn api_keys_are_shown_once_work_in_either_header_and_stop_when_revoked() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let created = sandbox
            .post_as(
                &admin,
                "/api/v1/api-keys",
                &json!({ "name": "county 12345 platform", "roles": ["staff"], "division_code": COUNTY }),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED, "{backend:?}");
        let created: Value = created.json().await.unwrap();
        let key = created["key"].as_str().unwrap().to_owned();
        let id = created["id"].as_str().unwrap().to_owned();
        assert!(key.starts_with("fzk_"));

        let listed: Value = sandbox
            .get_as(&admin, "/api/v1/api-keys")
            .await
            .json()
            .await
            .unwrap();
        let text = listed.to_string();
        assert!(
            text.contains(&id) && !text.contains(&key),
            "the key is never shown again"
        );

        let by_header = sandbox
            .client
            .post(sandbox.url("/api/v1/complaints"))
            .header("x-api-key", &key)
            .json(&complaint_body())
            .send()
            .await
            .unwrap();
        assert_eq!(by_header.status(), StatusCode::CREATED);
        let by_bearer = sandbox
            .post_as(&key, "/api/v1/complaints", &complaint_body())
            .await;
        assert_eq!(by_bearer.status(), StatusCode::CREATED);

        let revoked = sandbox
            .post_as(&admin, &format!("/api/v1/api-keys/{id}/revoke"), &json!({}))
            .await;
        assert_eq!(revoked.status(), StatusCode::OK);
        let (status, code) = problem_code(
            sandbox
                .post_as(&key, "/api/v1/complaints", &complaint_body())
                .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_credentials")
        );

        let admin_key = sandbox
            .post_as(
                &admin,
                "/api/v1/api-keys",
                &json!({ "name": "too strong", "roles": ["admin"], "division_code": COUNTY }),
            )
            .await;
        let (status, code) = problem_code(admin_key).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "admin_api_key")
        );
        sandbox.stop().await;
    }
}

/// A key revoked through another gateway (here: straight in the shared
/// store) works on at most until this gateway's remembered record expires.
#[tokio::test]
async fn a_key_revoked_elsewhere_stops_within_the_cache_time() {
    let clock = fazhi_platform::clock::ManualClock::new(fazhi_platform::time::now());
    let sandbox = Sandbox::start_with_clock(
        fazhi_e2e::Backend::Sqlite,
        |s| s.gateway.auth.api_key_cache_secs = 1,
        clock.clone(),
    )
    .await;
    let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
    let created: Value = sandbox
        .post_as(
            &admin,
            "/api/v1/api-keys",
            &json!({ "name": "county 12345 platform", "roles": ["staff"], "division_code": COUNTY }),
        )
        .await
        .json()
        .await
        .unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    let body = complaint_body();
    let call = || sandbox.post_as(&key, "/api/v1/complaints", &body);
    assert_eq!(call().await.status(), StatusCode::CREATED);
    let operator = fazhi_platform::auth::Caller {
        subject: "account:elsewhere".into(),
        roles: vec![fazhi_platform::auth::Role::Admin],
        scope: fazhi_platform::DivisionCode::parse(COUNTY).unwrap(),
        source: None,
    };
    fazhi_identity::manage::revoke_api_key(&sandbox.gate().store, &operator, &id)
        .await
        .unwrap();
    // Still remembered within the cache time, refused once it has passed.
    assert_eq!(call().await.status(), StatusCode::CREATED);
    clock.advance(chrono::Duration::milliseconds(1200));
    assert_eq!(call().await.status(), StatusCode::UNAUTHORIZED);
    sandbox.stop().await;
}
