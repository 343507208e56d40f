//! Records entered after the fact: a township brings in a request and its
//! steps with the times they happened; the timeline keeps both times, the
//! audit log names each, the figures count the day it happened, and a time
//! in the future, out of order, too old or without the right is refused
//! with nothing written.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use fazhi_platform::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{get, post};

fn china(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

#[tokio::test]
async fn a_request_and_its_steps_are_entered_with_the_times_they_happened() {
    for backend in fazhi_e2e::backends() {
        let clock = ManualClock::new(china("2026-06-15T10:00:00+08:00"));
        let sandbox = Sandbox::start_with_clock(backend, |_| {}, clock.clone()).await;
        let leader = sandbox.account("past.leader", &["leader"], TOWNSHIP).await;
        let staff = sandbox.account("past.staff", &["staff"], TOWNSHIP).await;
        let admin = sandbox.account("past.admin", &["admin"], COUNTY).await;

        // Staff may not enter the past; the leader may.
        let mut body = fazhi_e2e::complaint_body();
        body["occurred_at"] = json!("2026-03-02T09:00:00+08:00");
        let (status, problem) = post(&sandbox, &staff, "/api/v1/complaints", body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        // Not before 1 January of last year (rules.complaints.record_past_years).
        let mut old = body.clone();
        old["occurred_at"] = json!("2024-12-31T23:59:59+08:00");
        let (status, problem) = post(&sandbox, &leader, "/api/v1/complaints", old).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["code"], "occurred_before_window", "{problem}");
        let (status, c) = post(&sandbox, &leader, "/api/v1/complaints", body).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        assert_eq!(c["received_at"], "2026-03-02T09:00:00+08:00", "{c}");
        // A complaint: 15 working days counted from Tuesday 3 March.
        assert_eq!(c["reply_due"], "2026-03-23T23:59:59+08:00", "{c}");
        let id = c["id"].as_str().unwrap().to_owned();

        let step = |path: &'static str, at: &'static str, more: Value| {
            let (sandbox, leader, id) = (&sandbox, leader.clone(), id.clone());
            async move {
                let (_, c) = get(sandbox, &leader, &format!("/api/v1/complaints/{id}")).await;
                let mut body = more;
                body["version"] = c["version"].clone();
                if !at.is_empty() {
                    body["occurred_at"] = json!(at);
                }
                post(
                    sandbox,
                    &leader,
                    &format!("/api/v1/complaints/{id}/{path}"),
                    body,
                )
                .await
            }
        };
        let unit = json!({ "unit": "411624100001" });
        for (path, at, more) in [
            ("dispatch", "2026-03-02T10:00:00+08:00", unit.clone()),
            ("accept", "2026-03-02T15:00:00+08:00", json!({})),
            (
                "reply",
                "2026-03-10T16:00:00+08:00",
                json!({ "text": "已责令停工" }),
            ),
        ] {
            let (status, answer) = step(path, at, more).await;
            assert_eq!(status, StatusCode::OK, "{path}: {answer}");
        }
        // Refused, each naming the field and the rule, nothing written.
        for (at, want) in [
            ("2026-06-16T09:00:00+08:00", "occurred_in_future"),
            ("2026-03-10T15:59:59+08:00", "occurred_out_of_order"),
        ] {
            let (status, problem) = step(
                "follow-up",
                at,
                json!({ "resolved": true, "satisfaction": "satisfied" }),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{at}: {problem}");
            assert_eq!(
                (problem["code"].as_str(), problem["field"].as_str()),
                (Some(want), Some("occurred_at"))
            );
        }
        let (_, c) = get(&sandbox, &leader, &format!("/api/v1/complaints/{id}")).await;
        assert_eq!(
            (c["status"].as_str(), c["version"].as_i64()),
            (Some("replied"), Some(4)),
            "{c}"
        );
        let (_, c) = get(&sandbox, &staff, &format!("/api/v1/complaints/{id}")).await;
        let (status, _) = post(
            &sandbox,
            &staff,
            &format!("/api/v1/complaints/{id}/follow-up"),
            json!({ "version": c["version"], "resolved": true, "satisfaction": "satisfied",
                    "occurred_at": "2026-03-11T09:00:00+08:00" }),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "staff may not enter the past"
        );
        // A step without a time happened now.
        let (status, _) = step(
            "follow-up",
            "",
            json!({ "resolved": true, "satisfaction": "satisfied" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        // The timeline: when each happened, and when the past ones were entered.
        let (_, timeline) = get(
            &sandbox,
            &leader,
            &format!("/api/v1/complaints/{id}/timeline"),
        )
        .await;
        let times: Vec<(&str, &str, Option<&str>)> = timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap(),
                    e["at"].as_str().unwrap(),
                    e["recorded_at"].as_str(),
                )
            })
            .collect();
        let entered = Some("2026-06-15T10:00:00+08:00");
        assert_eq!(
            times,
            [
                ("dispatched", "2026-03-02T10:00:00+08:00", entered),
                ("accepted", "2026-03-02T15:00:00+08:00", entered),
                ("replied", "2026-03-10T16:00:00+08:00", entered),
                ("visited", "2026-06-15T10:00:00+08:00", None),
            ],
            "{timeline}"
        );
        // Each back-dated write is in the audit log: the intake and three steps.
        let (_, log) = get(&sandbox, &admin, "/api/v1/audit-events?page_size=200").await;
        let past = log["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "complaint.record_past" && e["resource_id"] == id.as_str())
            .count();
        assert_eq!(past, 4, "{log}");

        // March's figures count March's steps: dispatched and signed for in
        // time, replied by the due day.
        let (_, summary) = get(
            &sandbox,
            &admin,
            "/api/v1/oversight/summary?from=2026-03-01&to=2026-03-31",
        )
        .await;
        let f = &summary["complaints"];
        assert_eq!(
            (
                f["received"].as_i64(),
                f["dispatched"].as_i64(),
                f["replied"].as_i64()
            ),
            (Some(1), Some(1), Some(1)),
            "{summary}"
        );
        assert_eq!(f["response_rate"], 1.0, "{summary}");
        assert_eq!(f["on_time_rate"], 1.0, "{summary}");
        sandbox.stop().await;
    }
}
