//! Complaints over REST: intake, a workflow step and its version check, and
//! what a caller outside the complaint's township is told.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::county::{County, OTHER_TOWNSHIP, TOWNSHIP};

pub fn complaint() -> Value {
    json!({
        "channel": "hotline_12345",
        "type": "complaint",
        "category": "illegal_construction",
        "content": "西关村有人在耕地上违法建房",
        "address": "老城镇西关村",
        "division_code": TOWNSHIP,
        "complainant_name": "张三",
        "complainant_phone": "13812341234"
    })
}

#[tokio::test]
async fn a_complaint_taken_in_is_dispatched_once_per_version() {
    let county = County::start().await;
    let desk = county.account("desk", &["staff"], TOWNSHIP).await;
    let (status, created) = county.post("/api/v1/complaints", &desk, complaint()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["received_at"], "2026-03-02T09:00:00+08:00");
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        created["complainant_phone"], "138****1234",
        "masked unless asked"
    );

    let dispatch = format!("/api/v1/complaints/{id}/dispatch");
    let body = json!({ "version": created["version"], "unit": "411624100001" });
    let (status, dispatched) = county.post(&dispatch, &desk, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{dispatched}");
    assert_eq!(dispatched["handling"]["unit"], "411624100001");
    assert_eq!(
        dispatched["version"],
        created["version"].as_i64().unwrap() + 1
    );

    let (status, problem) = county.post(&dispatch, &desk, body).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("version_conflict")),
        "{problem}"
    );
}

#[tokio::test]
async fn another_townships_complaint_is_not_there_for_its_staff() {
    let county = County::start().await;
    let desk = county.account("desk", &["staff"], TOWNSHIP).await;
    let neighbour = county
        .account("neighbour", &["staff"], OTHER_TOWNSHIP)
        .await;
    let (_, created) = county.post("/api/v1/complaints", &desk, complaint()).await;
    let id = created["id"].as_str().unwrap();

    let (status, problem) = county
        .get(&format!("/api/v1/complaints/{id}"), &neighbour)
        .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found")),
        "{problem}"
    );
    let (status, list) = county.get("/api/v1/complaints", &neighbour).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["complaints"], json!([]));
    let (_, own) = county.get("/api/v1/complaints", &desk).await;
    assert_eq!(own["complaints"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_code_outside_its_list_is_refused_with_the_field_named() {
    let county = County::start().await;
    let desk = county.account("desk", &["staff"], TOWNSHIP).await;
    let mut body = complaint();
    body["channel"] = json!("fax");
    let (status, problem) = county.post("/api/v1/complaints", &desk, body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["code"], "unknown_code", "{problem}");
    assert!(problem.to_string().contains("channel"), "{problem}");
    let (_, list) = county.get("/api/v1/complaints", &desk).await;
    assert_eq!(list["complaints"], json!([]), "nothing was written");
}
