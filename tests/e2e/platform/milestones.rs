//! The escalated case's milestones, as events of the complaint.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use reqwest::StatusCode;
use serde_json::json;

use super::{integration_key, pushed_as};
use crate::complaint_push::push;
use crate::fixtures::{get, post};

#[tokio::test]
async fn the_escalated_cases_milestones_are_events_of_the_complaint() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let sandbox = &started;
    let relay = sandbox.complaints_relay();
    let admin = sandbox
        .account("milestones.admin", &["admin"], COUNTY)
        .await;
    let desk = sandbox
        .account("milestones.desk", &["staff"], TOWNSHIP)
        .await;
    let t = crate::fixtures::township(sandbox, "milestones", 60).await;
    let platform = integration_key(sandbox, &admin, "county_12345").await;
    let (_, pushed) = push(
        sandbox,
        &platform,
        vec![
            pushed_as("county_12345", "GD-1"),
            pushed_as("county_12345", "GD-2"),
        ],
    )
    .await;
    let mut leads = Vec::new();
    for n in 0..2 {
        let id = pushed["results"][n]["id"].as_str().unwrap().to_owned();
        let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
        let (status, escalated) = post(
            sandbox,
            &desk,
            &format!("/api/v1/complaints/{id}/escalate"),
            json!({
                "version": c["version"],
                "party": { "kind": "person", "name": "王五", "id_number": crate::authorization::id_number(799) },
                "act_on": "2026-01-10", "continuing": true, "note": "现场核实在建",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{escalated}");
        // The relay running beside the test may have taken the escalation
        // already; each look either delivers it or sees it delivered.
        let mut lead = None;
        for _ in 0..1_000 {
            relay.pass().await.unwrap();
            let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
            lead = c["handling"]["lead_id"].as_str().map(str::to_owned);
            if lead.is_some() {
                break;
            }
            tokio::task::yield_now().await;
        }
        leads.push((id, lead.expect("the escalation became a lead")));
    }
    // A lead escalated from a complaint was discovered when the complaint
    // came in (行政处罚法 Art. 36).
    for (id, lead) in &leads {
        let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
        let (_, case) = get(sandbox, &t.leader, &format!("/api/v1/cases/{lead}")).await;
        assert_eq!(
            case["discovered_on"].as_str(),
            c["received_at"].as_str().map(|at| &at[..10]),
            "{case}"
        );
    }
    // Nothing to record while they are leads.
    assert_eq!(relay.follow_cases().await.unwrap(), 0);
    // One lead is filed by the leader, the other declined, today (the day
    // they were discovered).
    let today = fazhi_platform::time::china_date(fazhi_platform::time::now()).to_string();
    let (status, filed) = post(
        sandbox,
        &t.leader,
        &format!("/api/v1/cases/{}/file", leads[0].1),
        json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": t.officers, "on": today }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    let (status, declined) = post(
        sandbox,
        &t.leader,
        &format!("/api/v1/cases/{}/decline", leads[1].1),
        json!({ "version": 1, "reason": "经核查不构成违法", "on": today }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{declined}");
    assert_eq!(relay.follow_cases().await.unwrap(), 2);
    assert_eq!(
        relay.follow_cases().await.unwrap(),
        0,
        "each milestone once"
    );

    let (_, page) = get(
        sandbox,
        &platform,
        "/api/v1/complaint-events?kinds=case_filed,case_not_filed",
    )
    .await;
    let seen: Vec<(&str, &str)> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["external_id"].as_str().unwrap(),
                e["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [("GD-1", "case_filed"), ("GD-2", "case_not_filed")],
        "{page}"
    );
    assert_eq!(page["events"][0]["detail"]["lead_id"], leads[0].1.as_str());
    assert_eq!(page["events"][1]["detail"]["case_status"], "not_filed");
}
