//! Complaint intake and reads through REST, against every backend.

use fazhi_e2e::{Sandbox, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn a_submitted_complaint_gets_a_tracking_code_and_a_reply_deadline() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let response = sandbox.post_complaint(&complaint_body()).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{backend:?}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let created: Value = response.json().await.unwrap();

        assert_eq!(
            location,
            format!("/api/v1/complaints/{}", created["id"].as_str().unwrap())
        );
        assert_eq!(created["tracking_code"].as_str().unwrap().len(), 14);
        assert_eq!(created["channel"], "hotline_12345");
        assert_eq!(created["type"], "complaint");
        assert_eq!(created["status"], "received");
        assert_eq!(created["complainant_name"], "张*", "names are masked");
        assert_eq!(
            created["complainant_phone"], "138****1234",
            "phone numbers are masked"
        );
        assert!(
            created["reply_due"]
                .as_str()
                .unwrap()
                .ends_with("T23:59:59+08:00")
        );

        let read: Value = sandbox.get_json(&location).await;
        assert_eq!(
            read, created,
            "{backend:?}: a read returns what the create returned"
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn an_unknown_id_answers_404_as_problem_json() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let response = sandbox.get("/api/v1/complaints/nope").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "not_found");
    sandbox.stop().await;
}

#[tokio::test]
async fn lists_page_through_one_division_without_repeats() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        for division in [
            "411624100",
            "411624100",
            "411624100",
            "411624100",
            "411624100",
            "411624101",
            "411624102",
        ] {
            let mut body = complaint_body();
            body["division_code"] = division.into();
            let status = sandbox.post_complaint(&body).await.status();
            assert_eq!(status, StatusCode::CREATED);
        }
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut path = "/api/v1/complaints?division=411624100&page_size=2".to_owned();
            if let Some(token) = &token {
                path.push_str(&format!("&page_token={token}"));
            }
            let page = sandbox.get_json(&path).await;
            for complaint in page["complaints"].as_array().unwrap() {
                assert_eq!(complaint["division_code"], "411624100");
                ids.push(complaint["id"].as_str().unwrap().to_owned());
            }
            match page["next_page_token"].as_str() {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(ids.len(), 5, "{backend:?}");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 5, "{backend:?}: no complaint appears twice");

        let county: Value = sandbox.get_json("/api/v1/complaints?division=411624").await;
        assert_eq!(
            county["complaints"].as_array().unwrap().len(),
            7,
            "{backend:?}: a county sees its townships"
        );
        let elsewhere = sandbox.get("/api/v1/complaints?division=411625").await;
        assert_eq!(elsewhere.status(), StatusCode::FORBIDDEN, "{backend:?}");
        let problem: Value = elsewhere.json().await.unwrap();
        assert_eq!(problem["code"], "division_out_of_scope");
        assert_eq!(problem["field"], "division");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn the_oversight_summary_counts_complaints_by_channel() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        for channel in ["hotline_12345", "mailbox", "mailbox"] {
            let mut body = complaint_body();
            body["channel"] = channel.into();
            sandbox.post_complaint(&body).await;
        }
        let summary: Value = sandbox
            .get_json("/api/v1/oversight/summary?division=411624")
            .await;
        assert_eq!(summary["partial"], false);
        assert_eq!(summary["complaints"]["received"], 3, "{backend:?}");
        assert_eq!(
            summary["complaints"]["by_channel"]["mailbox"], 2,
            "{backend:?}"
        );
        assert_eq!(summary["cases"]["total"], 0);
        assert_eq!(summary["training"]["certificate_holders"], 0);
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_citizen_naming_a_division_outside_the_county_gets_422_not_403() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let mut body = complaint_body();
    body.as_object_mut().unwrap().remove("channel");
    body["division_code"] = "319091".into();
    let response = sandbox
        .post_as("", "/api/v1/public/complaints", &body)
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "division_out_of_scope");
    sandbox.stop().await;
}
