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

/// The JSON of a successful answer; any other status fails the test.
async fn success(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// One registration as a township records it.
fn registration(division: &str, id_number: &str) -> Value {
    json!({
        "division_code": division, "name": "王五", "id_number": id_number,
        "unit": "综合行政执法大队", "employment": "civil_servant", "enforcement_post": true,
    })
}

/// The keys and the shape of an answer, without its values.
fn shape(body: &Value) -> Vec<String> {
    let mut keys: Vec<String> = body.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn an_id_number_on_record_in_another_township_is_neither_revealed_nor_registered_twice() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let county = sandbox.account("county.admin", &["admin"], COUNTY).await;
    let own = sandbox.account("own.staff", &["staff"], TOWNSHIP).await;
    let other = sandbox
        .account("other.admin", &["admin"], OTHER_TOWNSHIP)
        .await;
    let known = crate::authorization::id_number(901);
    let unknown = crate::authorization::id_number(902);
    let on_register = sandbox
        .post_as(&own, "/api/v1/people", &registration(TOWNSHIP, &known))
        .await;
    assert_eq!(on_register.status(), StatusCode::CREATED);
    let on_register: Value = on_register.json().await.unwrap();

    // The other township registers a number on record elsewhere and one on
    // record nowhere: the answers differ in nothing but their values.
    let mut answers = Vec::new();
    for number in [&known, &unknown] {
        let response = sandbox
            .post_as(
                &other,
                "/api/v1/people",
                &registration(OTHER_TOWNSHIP, number),
            )
            .await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["held_for"], "", "{body}");
        answers.push(body);
    }
    assert_eq!(shape(&answers[0]), shape(&answers[1]));
    let held = answers[0]["id"].as_str().unwrap();
    let seen: Value = sandbox
        .get_as(&other, &format!("/api/v1/people/{held}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen["held_for"], "",
        "the township reads it as any other: {seen}"
    );

    // An import row is answered the same way.
    let file = format!(
        "行政区划代码,姓名,身份证号,单位,人员类别,职级,科级以上,执法岗位\n\
         {OTHER_TOWNSHIP},王五,{known},综合行政执法大队,公务员,科员,否,是\n"
    );
    let (status, report) = upload(&sandbox, &other, "csv", file.into_bytes()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(
        (rejected.len(), &rejected[0]["field"]),
        (1, &json!("id_number")),
        "the township already holds this registration, and may know it: {report}"
    );
    assert!(
        !report
            .to_string()
            .contains(on_register["id"].as_str().unwrap()),
        "{report}"
    );

    // The county sees both records and which one is waiting on which.
    let for_county: Value = sandbox
        .get_as(&county, &format!("/api/v1/people/{held}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(for_county["held_for"], on_register["id"], "{for_county}");
    let stats: Value = sandbox
        .get_as(
            &county,
            &format!("/api/v1/training/stats?division={COUNTY}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["people"], 2, "one person however registered: {stats}");

    // Twice in the township that holds it is refused as in any township.
    let again = sandbox
        .post_as(
            &other,
            "/api/v1/people",
            &registration(OTHER_TOWNSHIP, &known),
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // A certificate is refused for the rules any registration meets first
    // (no qualification exam here), the same for both; the hold itself is
    // named only past them (a domain test).
    let mut refusals = Vec::new();
    for answer in &answers {
        let refused = sandbox
            .post_as(
                &other,
                "/api/v1/certificates",
                &json!({ "person_id": answer["id"], "number": "豫执0901" }),
            )
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused: Value = refused.json().await.unwrap();
        refusals.push(refused["code"].clone());
    }
    assert_eq!(refusals, vec![json!("no_passing_qualification_exam"); 2]);
    sandbox.stop().await;
}

#[tokio::test]
async fn a_transfer_cancels_the_certificate_and_takes_in_the_registration_held_for_it() {
    for backend in fazhi_e2e::backends() {
        let sandbox = Sandbox::start(backend).await;
        let county = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let other = sandbox
            .account("other.admin", &["admin"], OTHER_TOWNSHIP)
            .await;
        let number = crate::authorization::id_number(910);
        let person = success(
            sandbox
                .post_as(&county, "/api/v1/people", &registration(TOWNSHIP, &number))
                .await,
        )
        .await;
        let id = person["id"].as_str().unwrap().to_owned();
        // Qualified, trained and certified in the first township.
        success(sandbox.post_as(&county, "/api/v1/exams", &json!({
        "division_code": TOWNSHIP, "kind": "qualification", "title": "执法资格考试", "held_on": "2024-03-01",
        "results": [{ "person_id": id, "score": 90 }],
    })).await).await;
        success(sandbox.post_as(&county, "/api/v1/training-sessions", &json!({
        "division_code": TOWNSHIP, "topic": "岗前培训", "kind": "in_person", "held_on": "2024-03-05",
        "attendance": [{ "person_id": id, "hours": 8 }],
    })).await).await;
        let certificate = success(
            sandbox
                .post_as(
                    &county,
                    "/api/v1/certificates",
                    &json!({
                        "person_id": id, "number": "豫执0910", "issued_on": "2024-04-01",
                    }),
                )
                .await,
        )
        .await;
        // The other township registers them (held) and trains the registration.
        let held = success(
            sandbox
                .post_as(
                    &other,
                    "/api/v1/people",
                    &registration(OTHER_TOWNSHIP, &number),
                )
                .await,
        )
        .await;
        let held_id = held["id"].as_str().unwrap().to_owned();
        success(sandbox.post_as(&other, "/api/v1/training-sessions", &json!({
        "division_code": OTHER_TOWNSHIP, "topic": "执法程序", "kind": "in_person", "held_on": "2024-06-01",
        "attendance": [{ "person_id": held_id, "hours": 6 }],
    })).await).await;

        let moved = success(
            sandbox
                .post_as(
                    &county,
                    &format!("/api/v1/people/{id}/transfer"),
                    &json!({ "division_code": OTHER_TOWNSHIP, "version": 1, "on": "2024-07-01" }),
                )
                .await,
        )
        .await;
        assert_eq!(moved["division_code"], OTHER_TOWNSHIP, "{moved}");
        let certificate: Value = sandbox
            .get_as(
                &county,
                &format!(
                    "/api/v1/certificates/{}",
                    certificate["id"].as_str().unwrap()
                ),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (&certificate["status"], &certificate["status_since"]),
            (&json!("cancelled"), &json!("2024-07-01")),
            "{certificate}"
        );
        assert_eq!(
            sandbox
                .get_as(&other, &format!("/api/v1/people/{held_id}"))
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "the held registration is merged away"
        );
        let sessions: Value = sandbox
            .get_as(
                &other,
                &format!("/api/v1/training-sessions?division={OTHER_TOWNSHIP}&year=2024"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            sessions["sessions"][0]["attendance"][0]["person_id"],
            json!(id),
            "{sessions}"
        );
        let again = sandbox
            .post_as(
                &county,
                &format!("/api/v1/people/{id}/transfer"),
                &json!({ "division_code": OTHER_TOWNSHIP, "version": 2 }),
            )
            .await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["code"], "same_division", "{again}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_transfer_that_cannot_merge_writes_nothing() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let county = sandbox.account("county.admin", &["admin"], COUNTY).await;
    let other = sandbox
        .account("other.admin", &["admin"], OTHER_TOWNSHIP)
        .await;
    let number = crate::authorization::id_number(920);
    let person = success(
        sandbox
            .post_as(&county, "/api/v1/people", &registration(TOWNSHIP, &number))
            .await,
    )
    .await;
    let id = person["id"].as_str().unwrap().to_owned();
    let held = success(
        sandbox
            .post_as(
                &other,
                "/api/v1/people",
                &registration(OTHER_TOWNSHIP, &number),
            )
            .await,
    )
    .await;
    // The county records one session that both records attended.
    success(sandbox.post_as(&county, "/api/v1/training-sessions", &json!({
        "division_code": COUNTY, "topic": "全县执法培训", "kind": "in_person", "held_on": "2024-06-01",
        "attendance": [{ "person_id": id, "hours": 4 }, { "person_id": held["id"], "hours": 4 }],
    })).await)
    .await;
    let refused = sandbox
        .post_as(
            &county,
            &format!("/api/v1/people/{id}/transfer"),
            &json!({ "division_code": OTHER_TOWNSHIP, "version": 1 }),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["code"], "registrations_overlap", "{refused}");
    let unchanged: Value = sandbox
        .get_as(&county, &format!("/api/v1/people/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&unchanged["division_code"], &unchanged["version"]),
        (&json!(TOWNSHIP), &json!(1)),
        "nothing half-written: {unchanged}"
    );
    sandbox.stop().await;
}
