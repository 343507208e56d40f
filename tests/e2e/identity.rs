//! Identity at the REST edge: login and its limits, tokens that must be
//! refused, an external OIDC issuer served by the test itself, API keys,
//! idempotency keys, the public endpoints, the audit log and the API document.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use fazhi_e2e::{Backend, COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends, complaint_body};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "a long test password";
const ISSUER: &str = "https://idp.county.example";
const AUDIENCE: &str = "fazhi";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn problem_code(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or_default().to_owned())
}

async fn login(sandbox: &Sandbox, username: &str, password: &str) -> reqwest::Response {
    sandbox
        .post_as(
            "",
            "/api/v1/auth/login",
            &json!({ "username": username, "password": password }),
        )
        .await
}

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
        let (status, code) = problem_code(login(&sandbox, "nobody.here", PASSWORD).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_login")
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn repeated_login_failures_are_refused_with_retry_after_even_with_the_right_password() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    sandbox.account("target", &["staff"], TOWNSHIP).await;
    for _ in 0..5 {
        let response = login(&sandbox, "target", "not the password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = login(&sandbox, "target", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 900, "{wait}");
    sandbox.stop().await;
}

#[tokio::test]
async fn failures_from_one_address_are_limited_across_accounts() {
    let sandbox = Sandbox::start_with(Backend::Sqlite, |s| {
        s.gateway.auth.max_failures_per_client = 3;
    })
    .await;
    for i in 0..3 {
        let response = login(&sandbox, &format!("guess{i}"), "not the password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = login(&sandbox, "guess9", "not the password").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    sandbox.stop().await;
}

/// A token with the gateway's own claims, signed by `secret`.
fn local_token(secret: &[u8], sub: &str, aud: &str, exp: i64, alg: Algorithm) -> String {
    let claims = json!({ "iss": "fazhi", "aud": aud, "sub": sub, "iat": now() - 10, "exp": exp });
    encode(
        &Header::new(alg),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

struct TestIdp {
    encoding: EncodingKey,
    public_pem: String,
    jwks: Value,
}

fn test_idp() -> TestIdp {
    let fixture: Value =
        serde_json::from_str(include_str!("../fixtures/oidc-test-key.json")).unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(fixture["private_key_pkcs1_der"].as_str().unwrap())
        .unwrap();
    TestIdp {
        encoding: EncodingKey::from_rsa_der(&der),
        public_pem: fixture["public_key_pem"].as_str().unwrap().to_owned(),
        jwks: json!({ "keys": [fixture["jwk"].clone()] }),
    }
}

impl TestIdp {
    fn token(&self, claims: Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("test-key-1".into());
        encode(&header, &claims, &self.encoding).unwrap()
    }
}

fn idp_claims(roles: Value, division: &str, aud: &str, exp: i64) -> Value {
    json!({
        "iss": ISSUER, "aud": aud, "sub": "u-1001", "iat": now() - 10, "exp": exp,
        "roles": roles, "division": division,
    })
}

/// Serves the JWKS on a loopback port, as the identity provider would.
async fn serve_jwks(jwks: Value) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let jwks = jwks.clone();
            async move { axum::Json(jwks) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    format!("http://{addr}/jwks")
}

async fn oidc_sandbox(backend: Backend, idp: &TestIdp) -> Sandbox {
    let jwks_url = serve_jwks(idp.jwks.clone()).await;
    Sandbox::start_with(backend, move |s| {
        s.gateway.auth.oidc.issuer = Some(ISSUER.into());
        s.gateway.auth.oidc.jwks_url = Some(jwks_url);
        s.gateway.auth.oidc.audience = Some(AUDIENCE.into());
    })
    .await
}

#[tokio::test]
async fn tokens_from_the_oidc_issuer_map_their_claims_to_roles_and_division() {
    for backend in backends() {
        let idp = test_idp();
        let sandbox = oidc_sandbox(backend, &idp).await;
        let token = idp.token(idp_claims(
            json!(["county_overseer"]),
            COUNTY,
            AUDIENCE,
            now() + 300,
        ));
        let me: Value = sandbox
            .get_as(&token, "/api/v1/auth/me")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["subject"], "oidc:u-1001", "{backend:?}");
        assert_eq!(me["roles"], json!(["county_overseer"]));
        assert_eq!(me["division_code"], COUNTY);
        let summary = sandbox.get_as(&token, "/api/v1/oversight/summary").await;
        assert_eq!(summary.status(), StatusCode::OK);
        // A space-separated roles claim works too; unknown roles are ignored.
        let token = idp.token(idp_claims(
            json!("staff superuser"),
            TOWNSHIP,
            AUDIENCE,
            now() + 300,
        ));
        let me: Value = sandbox
            .get_as(&token, "/api/v1/auth/me")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(me["roles"], json!(["staff"]));
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn forged_expired_and_misdirected_tokens_are_refused() {
    let idp = test_idp();
    let sandbox = oidc_sandbox(Backend::Sqlite, &idp).await;
    let secret = std::fs::read_to_string(sandbox.settings.data_dir.join("token.key")).unwrap();
    let secret = secret.trim().as_bytes();
    let account_token = sandbox.account("li.officer", &["officer"], TOWNSHIP).await;
    let me: Value = sandbox
        .get_as(&account_token, "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["subject"], "account:li.officer");
    let sub = {
        let payload = account_token.split('.').nth(1).unwrap();
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        claims["sub"].as_str().unwrap().to_owned()
    };

    let alg_none = {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(
            json!({ "iss": "fazhi", "aud": "fazhi-api", "sub": sub, "exp": now() + 300 })
                .to_string(),
        );
        format!("{header}.{claims}.")
    };
    let cases = [
        ("alg none", alg_none, "invalid_token"),
        (
            "signed with another key",
            local_token(b"0123456789abcdef0123456789abcdef-not-ours", &sub, "fazhi-api", now() + 300, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "RS256 switched to HS256 with the issuer's public key",
            {
                let claims = idp_claims(json!(["admin"]), COUNTY, AUDIENCE, now() + 300);
                encode(
                    &Header::new(Algorithm::HS256),
                    &claims,
                    &EncodingKey::from_secret(idp.public_pem.as_bytes()),
                )
                .unwrap()
            },
            "invalid_token",
        ),
        (
            "local token expired",
            local_token(secret, &sub, "fazhi-api", now() - 120, Algorithm::HS256),
            "token_expired",
        ),
        (
            "local token for another audience",
            local_token(secret, &sub, "someone-else", now() + 300, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "local token signed HS512",
            local_token(secret, &sub, "fazhi-api", now() + 300, Algorithm::HS512),
            "invalid_token",
        ),
        (
            "issuer token expired",
            idp.token(idp_claims(json!(["staff"]), TOWNSHIP, AUDIENCE, now() - 120)),
            "token_expired",
        ),
        (
            "issuer token for another audience",
            idp.token(idp_claims(json!(["staff"]), TOWNSHIP, "another-app", now() + 300)),
            "invalid_token",
        ),
        (
            "issuer token from another issuer",
            idp.token(json!({
                "iss": "https://elsewhere.example", "aud": AUDIENCE, "sub": "u-1", "exp": now() + 300,
                "roles": ["staff"], "division": TOWNSHIP,
            })),
            "invalid_token",
        ),
        (
            "issuer token for a division of another county",
            idp.token(idp_claims(json!(["staff"]), "411625100", AUDIENCE, now() + 300)),
            "no_fazhi_division",
        ),
        (
            "issuer token without a Fazhi role",
            idp.token(idp_claims(json!(["viewer"]), TOWNSHIP, AUDIENCE, now() + 300)),
            "no_fazhi_role",
        ),
        ("garbage", "not.a.token".to_owned(), "invalid_token"),
    ];
    for (what, token, code) in cases {
        let response = sandbox.get_as(&token, "/api/v1/auth/me").await;
        assert!(
            response.headers().contains_key("www-authenticate"),
            "{what}"
        );
        let (status, got) = problem_code(response).await;
        assert_eq!(
            (status, got.as_str()),
            (StatusCode::UNAUTHORIZED, code),
            "{what}"
        );
    }

    // A disabled account's token stops working at once.
    let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
    let disabled = sandbox
        .post_as(&admin, "/api/v1/accounts/li.officer/disable", &json!({}))
        .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    let (status, code) =
        problem_code(sandbox.get_as(&account_token, "/api/v1/auth/me").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "account_disabled")
    );
    let (status, _) = problem_code(login(&sandbox, "li.officer", PASSWORD).await).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot log in"
    );
    sandbox.stop().await;
}

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
        assert_eq!(progress["category"], "illegal_construction");
        assert!(progress.get("content").is_none() && progress.get("complainant_phone").is_none());
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

#[tokio::test]
async fn unmasked_reads_are_for_handling_roles_and_audited_for_the_admin_only() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let created: Value = sandbox
            .post_complaint(&complaint_body())
            .await
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap();
        let staff = sandbox
            .account("laocheng.staff", &["staff"], TOWNSHIP)
            .await;
        let overseer = sandbox
            .account("county.overseer", &["county_overseer"], COUNTY)
            .await;
        let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;

        let masked: Value = sandbox
            .get_as(&staff, &format!("/api/v1/complaints/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(masked["complainant_name"], "张*");
        let revealed: Value = sandbox
            .get_as(&staff, &format!("/api/v1/complaints/{id}?reveal=true"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(revealed["complainant_name"], "张三", "{backend:?}");
        assert_eq!(revealed["complainant_phone"], "13812341234");

        let (status, code) = problem_code(
            sandbox
                .get_as(&overseer, &format!("/api/v1/complaints/{id}?reveal=true"))
                .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden")
        );
        let (status, _) = problem_code(
            sandbox
                .get_as(&staff, &format!("/api/v1/complaints/{id}?reveal=maybe"))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let events: Value = sandbox
            .get_as(&admin, "/api/v1/audit-events")
            .await
            .json()
            .await
            .unwrap();
        let reads: Vec<&Value> = events["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "complaint.read_personal")
            .collect();
        assert_eq!(
            reads.len(),
            1,
            "{backend:?}: one unmasked read, one entry: {events}"
        );
        assert_eq!(reads[0]["actor"], "account:laocheng.staff");
        assert_eq!(reads[0]["resource_id"], id);
        assert_eq!(reads[0]["division_code"], TOWNSHIP);
        assert!(
            !events.to_string().contains("13812341234"),
            "the log holds no personal data"
        );

        for reader in [&staff, &overseer] {
            let status = sandbox
                .get_as(reader, "/api/v1/audit-events")
                .await
                .status();
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_deleted_in_the_database() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let created = sandbox
            .post_as(
                &admin,
                "/api/v1/accounts",
                &json!({ "username": "new.staff", "password": PASSWORD, "roles": ["staff"], "division_code": OTHER_TOWNSHIP }),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let pool = sandbox.gate().store.database().pool().clone();
        let update = sqlx::query("UPDATE audit_events SET actor = 'someone else'")
            .execute(&pool)
            .await;
        assert!(update.is_err(), "{backend:?}: an update is refused");
        let delete = sqlx::query("DELETE FROM audit_events").execute(&pool).await;
        assert!(delete.is_err(), "{backend:?}: a delete is refused");
        let events: Value = sandbox
            .get_as(&admin, "/api/v1/audit-events")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(events["events"][0]["action"], "account.create");
        assert_eq!(events["events"][0]["actor"], "account:county.admin");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn the_api_document_is_openapi_3_1_with_security_and_problem_responses() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let doc: Value = sandbox
        .get_as("", "/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["api_key"]["name"], "X-Api-Key");
    let create = &doc["paths"]["/api/v1/complaints"]["post"];
    assert_eq!(
        create["responses"]["422"]["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert!(create["parameters"].to_string().contains("Idempotency-Key"));
    let public = &doc["paths"]["/api/v1/public/complaints"]["post"];
    assert_eq!(
        public["security"],
        json!([{}]),
        "public routes need no credentials"
    );
    let docs = sandbox.get_as("", "/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
    sandbox.stop().await;
}

#[tokio::test]
async fn wrong_methods_unknown_routes_and_bad_credentials_are_problems() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let response = sandbox
        .client
        .delete(sandbox.url("/api/v1/complaints"))
        .bearer_auth(&sandbox.token)
        .send()
        .await
        .unwrap();
    let (status, code) = problem_code(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let (status, code) = problem_code(sandbox.get_as("", "/api/v1/nothing-here").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::NOT_FOUND, "route_not_found")
    );
    let response = sandbox
        .client
        .get(sandbox.url("/api/v1/complaints"))
        .header("authorization", "Basic YWRtaW46YWRtaW4=")
        .send()
        .await
        .unwrap();
    let (status, code) = problem_code(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "invalid_credentials")
    );
    let (status, code) = problem_code(sandbox.get_as("", "/api/v1/complaints").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "missing_credentials")
    );
    sandbox.stop().await;
}
