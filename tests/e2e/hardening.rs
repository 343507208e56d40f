//! Attacks on a running gateway, each replayed as real requests and watched
//! fail: the spreadsheet bomb, the CSV flood, slow clients, the login
//! lockout, forwarded-for spoofing and the audit log across divisions.

use std::time::{Duration, Instant};

use fazhi_e2e::{Backend, COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn upload(
    sandbox: &Sandbox,
    token: &str,
    format: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let response = sandbox
        .client
        .post(sandbox.url(&format!("/api/v1/imports/people?format={format}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_sheet_naming_the_last_cell_of_the_grid_gets_422_and_the_server_lives() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let staff = sandbox.account("bomb.staff", &["staff"], TOWNSHIP).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "行政区划代码").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap(); // XFD1048576
    let bomb = book.save_to_buffer().unwrap();
    assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
    let (status, problem) = upload(&sandbox, &staff, "xlsx", bomb).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "file_limit_exceeded", "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("100000"),
        "{problem}"
    );
    assert_eq!(sandbox.get("/healthz").await.status(), StatusCode::OK);
    sandbox.stop().await;
}

#[tokio::test]
async fn a_flood_of_csv_lines_stops_at_the_row_limit() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let staff = sandbox.account("flood.staff", &["staff"], TOWNSHIP).await;
    let flood = "a\n".repeat(8 * 1024 * 1024).into_bytes(); // 16 MiB
    let (status, problem) = upload(&sandbox, &staff, "csv", flood).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "file_limit_exceeded", "{problem}");
    sandbox.stop().await;
}

#[tokio::test]
async fn slow_clients_are_disconnected_once_their_headers_are_late() {
    let sandbox = Sandbox::start_with(Backend::Sqlite, |s| {
        s.gateway.header_read_timeout_secs = 1;
    })
    .await;
    let address = sandbox
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let started = Instant::now();
    let mut trickles = Vec::new();
    for _ in 0..40 {
        let address = address.clone();
        trickles.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
            let _ = stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                .await;
            // One header byte every 200 ms, for up to 20 s, until the server hangs up.
            for _ in 0..100 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if stream.write_all(b"X").await.is_err() {
                    return started.elapsed();
                }
                let mut buf = [0u8; 256];
                match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await {
                    Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
                    _ => {}
                }
            }
            Duration::MAX
        }));
    }
    // Meanwhile an honest client is served.
    assert_eq!(sandbox.get("/healthz").await.status(), StatusCode::OK);
    for trickle in trickles {
        let closed_after = trickle.await.unwrap();
        assert!(
            closed_after < Duration::from_secs(10),
            "still open after {closed_after:?}"
        );
    }
    sandbox.stop().await;
}

async fn login_from(sandbox: &Sandbox, from: &str, password: &str) -> StatusCode {
    sandbox
        .client
        .post(sandbox.url("/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({ "username": "victim", "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn failed_logins_elsewhere_never_lock_an_account_out() {
    let sandbox = Sandbox::start_with(Backend::Sqlite, |s| {
        s.gateway.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    sandbox.account("victim", &["staff"], TOWNSHIP).await;
    for _ in 0..5 {
        assert_eq!(
            login_from(&sandbox, "203.0.113.9", "wrong").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The attacker's address is refused for this account, even with the password …
    assert_eq!(
        login_from(&sandbox, "203.0.113.9", "a long test password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … also when it puts another address in front (only the proxy's entry is believed) …
    assert_eq!(
        login_from(
            &sandbox,
            "198.51.100.7, 203.0.113.9",
            "a long test password"
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … while the user, elsewhere, logs in (slowed down, not locked out).
    assert_eq!(
        login_from(&sandbox, "198.51.100.7", "a long test password").await,
        StatusCode::OK
    );
    let admin = sandbox.account("audit.admin", &["admin"], COUNTY).await;
    let audit: Value = sandbox
        .get_as(&admin, "/api/v1/audit-events")
        .await
        .json()
        .await
        .unwrap();
    let throttled: Vec<&Value> = audit["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "account.login_throttled")
        .collect();
    assert_eq!(throttled.len(), 1, "{audit}");
    assert_eq!(throttled[0]["resource_id"], "victim");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_township_administrator_reads_only_its_own_audit_entries() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let county = sandbox.account("county.admin", &["admin"], COUNTY).await;
    for (name, division) in [("own.staff", TOWNSHIP), ("other.staff", OTHER_TOWNSHIP)] {
        let created = sandbox
            .post_as(
                &county,
                "/api/v1/accounts",
                &json!({ "username": name, "password": "a long test password",
                         "roles": ["staff"], "division_code": division }),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let township = sandbox
        .account("township.admin", &["admin"], TOWNSHIP)
        .await;
    let seen: Value = sandbox
        .get_as(&township, "/api/v1/audit-events")
        .await
        .json()
        .await
        .unwrap();
    let divisions: Vec<&str> = seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["division_code"].as_str().unwrap())
        .collect();
    assert!(!divisions.is_empty(), "{seen}");
    assert!(
        divisions.iter().all(|d| d.starts_with(TOWNSHIP)),
        "{divisions:?}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn ending_sessions_ends_old_tokens_and_a_new_password_needs_the_old_one() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let token = sandbox.account("li.officer", &["officer"], TOWNSHIP).await;
    let wrong = sandbox
        .post_as(
            &token,
            "/api/v1/auth/password",
            &json!({ "old_password": "not it", "new_password": "a new long password" }),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let changed: Value = sandbox
        .post_as(
            &token,
            "/api/v1/auth/password",
            &json!({ "old_password": "a long test password", "new_password": "a new long password" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let fresh = changed["access_token"].as_str().unwrap().to_owned();
    let old = sandbox.get_as(&token, "/api/v1/auth/me").await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let old: Value = old.json().await.unwrap();
    assert_eq!(old["code"], "token_revoked");
    assert_eq!(
        sandbox.get_as(&fresh, "/api/v1/auth/me").await.status(),
        StatusCode::OK
    );
    let out = sandbox
        .post_as(&fresh, "/api/v1/auth/logout-everywhere", &json!({}))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        sandbox.get_as(&fresh, "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    sandbox.stop().await;
}
