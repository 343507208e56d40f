//! Tokens: from an external OIDC issuer (served by the test itself), and
//! forged, expired or misdirected ones that must be refused.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use fazhi_e2e::{Backend, COUNTY, Sandbox, TOWNSHIP, backends};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

struct TestIdp {
    encoding: EncodingKey,
    public_pem: String,
    jwks: Value,
}

fn test_idp() -> TestIdp {
    let fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/oidc-test-key.json")).unwrap();
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
