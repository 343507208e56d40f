//! Closing without a follow-up: an anonymous requester, one not reached
//! after the tries, one who declined — each closed after the reply with its
//! reason, counted replied and closed, never visited.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{get, post};

#[tokio::test]
async fn a_requester_who_cannot_be_visited_is_closed_replied_not_visited() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let desk = sandbox.account("novisit.desk", &["staff"], TOWNSHIP).await;
    let county = sandbox
        .account("novisit.county", &["county_overseer"], COUNTY)
        .await;
    let step = |id: String, path: &'static str, body: Value| {
        let (sandbox, desk) = (&sandbox, desk.clone());
        async move {
            let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
            let mut body = body;
            body["version"] = c["version"].clone();
            post(
                sandbox,
                &desk,
                &format!("/api/v1/complaints/{id}/{path}"),
                body,
            )
            .await
        }
    };
    let mut ids = Vec::new();
    for anonymous in [true, false, false] {
        let mut body = fazhi_e2e::complaint_body();
        if anonymous {
            body.as_object_mut().unwrap().remove("complainant_name");
            body.as_object_mut().unwrap().remove("complainant_phone");
        }
        let (status, c) = post(&sandbox, &desk, "/api/v1/complaints", body).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        let id = c["id"].as_str().unwrap().to_owned();
        for (path, body) in [
            ("dispatch", json!({ "unit": "411624100001" })),
            ("accept", json!({})),
            ("reply", json!({ "text": "已处理" })),
        ] {
            let (status, answer) = step(id.clone(), path, body).await;
            assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        }
        ids.push(id);
    }
    // One who left a phone number is not anonymous; unreachable names the tries.
    let (status, problem) = step(
        ids[1].clone(),
        "close",
        json!({ "without_follow_up": "anonymous" }),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_anonymous")),
        "{problem}"
    );
    let (status, problem) = step(
        ids[1].clone(),
        "close",
        json!({ "without_follow_up": "unreachable" }),
    )
    .await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("note")),
        "{problem}"
    );
    for (id, why, note) in [
        (&ids[0], "anonymous", ""),
        (
            &ids[1],
            "unreachable",
            "三次致电（3月2日、3日、4日）均未接通",
        ),
        (&ids[2], "declined", ""),
    ] {
        let (status, c) = step(
            id.clone(),
            "close",
            json!({ "without_follow_up": why, "note": note }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{why}: {c}");
        assert_eq!(
            (
                c["status"].as_str(),
                c["handling"]["closed_without_follow_up"].as_str()
            ),
            (Some("closed"), Some(why))
        );
    }
    let (_, summary) = get(&sandbox, &county, "/api/v1/oversight/summary").await;
    let f = &summary["complaints"];
    assert_eq!(
        (
            f["replied"].as_i64(),
            f["visited"].as_i64(),
            f["closed"].as_i64(),
            f["closed_without_follow_up"].as_i64()
        ),
        (Some(3), Some(0), Some(3), Some(3)),
        "{summary}"
    );
    assert_eq!(f["follow_up_rate"], 0.0, "{summary}");
    sandbox.stop().await;
}

/// A matter returned as a county department's (国办函〔2025〕66号) is no
/// longer the township's: out of its received and dispatched, counted apart.
#[tokio::test]
async fn a_county_departments_matter_returned_leaves_the_townships_figures() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let desk = sandbox
        .account("county.matter.desk", &["staff"], TOWNSHIP)
        .await;
    let county = sandbox
        .account("county.matter.county", &["county_overseer"], COUNTY)
        .await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (_, c) = post(
            &sandbox,
            &desk,
            "/api/v1/complaints",
            fazhi_e2e::complaint_body(),
        )
        .await;
        let id = c["id"].as_str().unwrap().to_owned();
        let (status, _) = post(
            &sandbox,
            &desk,
            &format!("/api/v1/complaints/{id}/dispatch"),
            json!({ "version": 1, "unit": "411624100001" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        ids.push(id);
    }
    let (status, returned) = post(
        &sandbox,
        &desk,
        &format!("/api/v1/complaints/{}/return", ids[0]),
        json!({ "version": 2, "reason": "county_department", "note": "属县自然资源局职责" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{returned}");
    let (_, summary) = get(&sandbox, &county, "/api/v1/oversight/summary").await;
    let f = &summary["complaints"];
    assert_eq!(
        (
            f["received"].as_i64(),
            f["dispatched"].as_i64(),
            f["returned"].as_i64(),
            f["returned_to_county"].as_i64()
        ),
        (Some(1), Some(1), Some(0), Some(1)),
        "{summary}"
    );
    sandbox.stop().await;
}

/// A merged duplicate (重复件) is answered with its original's reply and
/// follow-up: counted replied and visited with it, whether merged before
/// the original was answered or after.
#[tokio::test]
async fn a_merged_duplicate_is_answered_and_visited_with_its_original() {
    for backend in fazhi_e2e::backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("repeat.desk", &["staff"], TOWNSHIP).await;
        let county = sandbox
            .account("repeat.county", &["county_overseer"], COUNTY)
            .await;
        let step = |id: &str, path: &'static str, body: Value| {
            let (sandbox, desk, id) = (&sandbox, desk.clone(), id.to_owned());
            async move {
                let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
                let mut body = body;
                body["version"] = c["version"].clone();
                let (status, answer) = post(
                    sandbox,
                    &desk,
                    &format!("/api/v1/complaints/{id}/{path}"),
                    body,
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{path}: {answer}");
            }
        };
        let receive = || async {
            let (status, c) = post(
                &sandbox,
                &desk,
                "/api/v1/complaints",
                fazhi_e2e::complaint_body(),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{c}");
            c["id"].as_str().unwrap().to_owned()
        };
        let answer = |id: String| async move {
            step(&id, "dispatch", json!({ "unit": "411624100001" })).await;
            step(&id, "accept", json!({})).await;
            step(&id, "reply", json!({ "text": "已处理" })).await;
        };
        // Merged after its original was answered.
        let (first, first_repeat) = (receive().await, receive().await);
        answer(first.clone()).await;
        step(&first_repeat, "duplicate", json!({ "of": first })).await;
        // Merged before; the original answered and visited after.
        let (second, second_repeat) = (receive().await, receive().await);
        step(&second_repeat, "duplicate", json!({ "of": second })).await;
        answer(second.clone()).await;
        step(
            &second,
            "follow-up",
            json!({ "resolved": true, "satisfaction": "satisfied" }),
        )
        .await;
        // Four requests, two of them repeats; every one answered, the
        // second pair visited together.
        let (_, summary) = get(&sandbox, &county, "/api/v1/oversight/summary").await;
        let f = &summary["complaints"];
        assert_eq!(
            (
                f["received"].as_i64(),
                f["duplicates"].as_i64(),
                f["replied"].as_i64(),
                f["visited"].as_i64(),
                f["resolved"].as_i64(),
                f["satisfied"].as_i64(),
            ),
            (Some(4), Some(2), Some(4), Some(2), Some(2), Some(2)),
            "{summary}"
        );
        // 回访率 = visited ÷ replied, the repeats in both.
        assert_eq!(f["follow_up_rate"], 2.0 / 4.0, "{summary}");
        sandbox.stop().await;
    }
}
