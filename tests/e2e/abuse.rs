//! The second outside attack's findings on what anyone can send, replayed:
//! made-up methods and paths never grow the metrics, record uploads are
//! bounded per caller and in all, a path that is not UTF-8 is a problem
//! document, every answer is `nosniff` and every HTML answer has a CSP.

use std::time::Duration;

use fazhi_e2e::{Backend, COUNTY, Sandbox, TOWNSHIP};
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::records::registered;

/// The request series `/metrics` holds for requests no route answers or
/// with a method HTTP does not define (the recorder is the whole test
/// process's: other tests' routes come and go meanwhile).
async fn series(sandbox: &Sandbox) -> Vec<String> {
    let text = sandbox.get("/metrics").await.text().await.unwrap();
    assert!(!text.contains("FLOOD"), "a made-up method became a label");
    assert!(!text.contains("no-such-"), "a made-up path became a label");
    let mut series: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("fazhi_http_"))
        .filter(|l| l.contains("route=\"unmatched\"") || l.contains("method=\"_OTHER\""))
        .map(|l| {
            l.rsplit_once(' ')
                .map_or(l, |(series, _)| series)
                .to_owned()
        })
        .collect();
    series.sort();
    series
}

#[tokio::test]
async fn anonymous_made_up_methods_and_paths_never_grow_the_metrics() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let send = |i: usize| {
        let method = reqwest::Method::from_bytes(format!("FLOOD{i}").as_bytes()).unwrap();
        sandbox
            .client
            .request(method, sandbox.url(&format!("/api/v1/no-such-{i}/x{i}")))
            .send()
    };
    // Once, so the series for "some other method" and "no route" exist.
    for i in 0..3 {
        send(i).await.unwrap();
        sandbox
            .client
            .get(sandbox.url(&format!("/nothing/{i}")))
            .send()
            .await
            .unwrap();
    }
    series(&sandbox).await;
    let before = series(&sandbox).await;
    for i in 3..1_003 {
        let answer = send(i).await.unwrap();
        assert!(answer.status().is_client_error(), "{}", answer.status());
    }
    let after = series(&sandbox).await;
    assert_eq!(before, after, "a thousand made-up methods added series");
    sandbox.stop().await;
}

/// Opens an upload of `total` bytes, sends its first `sent`, and leaves it
/// open: the connection holds an upload slot until it is dropped.
async fn open_upload(
    sandbox: &Sandbox,
    token: &str,
    path: &str,
    total: usize,
    sent: usize,
) -> tokio::net::TcpStream {
    let address = sandbox.rest.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {token}\r\n\
         content-type: application/octet-stream\r\ncontent-length: {total}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&vec![0u8; sent]).await.unwrap();
    stream
}

async fn put_status(
    sandbox: &Sandbox,
    token: &str,
    path: &str,
) -> (StatusCode, Option<String>, Value) {
    let response = sandbox
        .client
        .put(sandbox.url(path))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(vec![1u8; 10])
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap_or(Value::Null))
}

/// Waits until `count` uploads of the record are writing to the store
/// (each past the store's write buffer has an object of its own).
async fn writing(sandbox: &Sandbox, case_id: &str, record_id: &str, count: usize) {
    for _ in 0..500 {
        if crate::records::stored_objects(sandbox, case_id, record_id).len() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{count} uploads never reached the store");
}

#[tokio::test]
async fn record_uploads_are_bounded_per_caller_and_come_back_when_they_end() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let staff = sandbox.account("upload.staff", &["staff"], TOWNSHIP).await;
    let other = sandbox.account("upload.other", &["staff"], TOWNSHIP).await;
    let content = vec![7u8; 8 * 1024 * 1024];
    let (case_id, record_id) = registered(&sandbox, &staff, &content).await;
    let path = format!("/api/v1/cases/{case_id}/records/{record_id}/content");

    // Two uploads of one caller, each past the write buffer and held open.
    let sent = 6 * 1024 * 1024;
    let first = open_upload(&sandbox, &staff, &path, content.len(), sent).await;
    writing(&sandbox, &case_id, &record_id, 1).await;
    let second = open_upload(&sandbox, &staff, &path, content.len(), sent).await;
    writing(&sandbox, &case_id, &record_id, 2).await;
    // The third is refused, saying when to retry.
    let (status, retry, problem) = put_status(&sandbox, &staff, &path).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    assert!(retry.is_some(), "429 says when to retry");
    assert_eq!(problem["code"], "uploads_busy", "{problem}");
    // Another caller is not held back by them.
    let (status, _, answer) = put_status(&sandbox, &other, &path).await;
    assert_ne!(status, StatusCode::TOO_MANY_REQUESTS, "{answer}");

    // When the open uploads end, their slots come back and nothing of
    // theirs is kept.
    drop(first);
    drop(second);
    let mut back = false;
    for _ in 0..200 {
        let (status, _, _) = put_status(&sandbox, &staff, &path).await;
        if status != StatusCode::TOO_MANY_REQUESTS {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(back, "the slots came back");
    let records: Value = sandbox
        .get_as(&staff, &format!("/api/v1/cases/{case_id}/records"))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        records["records"][0].get("content_stored_at").is_none(),
        "{records}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_path_that_is_not_utf8_is_a_problem_document_and_every_answer_is_nosniff() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let county = sandbox
        .account("nosniff.overseer", &["leader", "county_overseer"], COUNTY)
        .await;
    let response = sandbox.get_as(&county, "/api/v1/cases/%ff%fe").await;
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 400, "{problem}");

    let year = chrono::Datelike::year(&chrono::Utc::now()) - 1;
    let html = sandbox
        .get_as(
            &county,
            &format!("/api/v1/reports/annual?year={year}&format=html&division={TOWNSHIP}"),
        )
        .await;
    assert_eq!(html.status(), StatusCode::OK);
    let headers = html.headers();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        !csp.contains("script-src"),
        "no script runs in a report: {csp}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn wrong_phone_digits_are_limited_per_tracking_code_from_every_address() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let receipt: Value = sandbox
        .post_as("", "/api/v1/public/complaints", &{
            let mut body = fazhi_e2e::complaint_body();
            body.as_object_mut().unwrap().remove("channel");
            body["complainant_phone"] = "13900005678".into();
            body
        })
        .await
        .json()
        .await
        .unwrap();
    let code = receipt["tracking_code"].as_str().unwrap().to_owned();
    let path = |digits: &str| format!("/api/v1/public/complaints/{code}?phone_last4={digits}");
    for n in 0..10 {
        let answer = sandbox.get_as("", &path(&format!("{:04}", 1000 + n))).await;
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "guess {n}");
    }
    // The eleventh, right or wrong, waits: the digits are the only secret.
    let answer = sandbox.get_as("", &path("5678")).await;
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.headers().contains_key("retry-after"));
    sandbox.stop().await;
}
