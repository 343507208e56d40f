//! Training records over REST: a person recorded once by identity number,
//! and a certificate only for one who qualified.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::county::{COUNTY, County, TOWNSHIP};

/// A valid 18-digit resident identity number (its check digit computed).
pub fn id_number(n: usize) -> String {
    let body = format!("41162419900101{:03}", n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    let check = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize];
    format!("{body}{check}")
}

pub fn person(n: usize) -> Value {
    json!({
        "division_code": TOWNSHIP, "name": format!("执法队员{n}"), "id_number": id_number(n),
        "unit": "老城镇综合行政执法大队", "employment": "civil_servant", "enforcement_post": true,
    })
}

#[tokio::test]
async fn a_person_is_recorded_once_and_read_back_masked() {
    let county = County::start().await;
    let overseer = county
        .account("overseer", &["county_overseer"], COUNTY)
        .await;
    let (status, created) = county.post("/api/v1/people", &overseer, person(1)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, read) = county.get(&format!("/api/v1/people/{id}"), &overseer).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["name"], "执法队员1");
    assert_ne!(read["id_number"], id_number(1), "masked unless asked");

    let (status, problem) = county.post("/api/v1/people", &overseer, person(1)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
}

#[tokio::test]
async fn a_certificate_needs_a_passed_qualification_exam() {
    let county = County::start().await;
    let overseer = county
        .account("overseer", &["county_overseer"], COUNTY)
        .await;
    let (_, created) = county.post("/api/v1/people", &overseer, person(2)).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let certificate =
        json!({ "person_id": id, "number": "豫执4116240002", "issued_on": "2025-04-01" });
    let (status, problem) = county
        .post("/api/v1/certificates", &overseer, certificate.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");

    let (status, exam) = county
        .post(
            "/api/v1/exams",
            &overseer,
            json!({
                "division_code": TOWNSHIP, "kind": "qualification", "title": "执法资格考试",
                "held_on": "2025-03-01", "results": [{ "person_id": id, "score": 86 }],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{exam}");
    let (status, session) = county
        .post(
            "/api/v1/training-sessions",
            &overseer,
            json!({
                "division_code": TOWNSHIP, "topic": "岗前培训", "kind": "in_person",
                "held_on": "2025-03-10", "attendance": [{ "person_id": id, "hours": 8 }],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let (status, issued) = county
        .post("/api/v1/certificates", &overseer, certificate)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    assert_eq!(issued["status"], "active", "{issued}");
}
