//! The platform's own events on its tickets, applied by the workflow's
//! rules once each.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{integration_key, pushed_as};
use crate::complaint_push::push;
use crate::fixtures::{get, post};

/// `POST /api/v1/complaints:events` as `token`.
async fn send_events(sandbox: &Sandbox, token: &str, events: Vec<Value>) -> Value {
    let (status, answer) = post(
        sandbox,
        token,
        "/api/v1/complaints:events",
        json!({ "events": events }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

fn event(external_id: &str, event_id: &str, kind: &str, more: Value) -> Value {
    let mut e = json!({ "source": "county_12345", "external_id": external_id, "event_id": event_id, "kind": kind });
    for (k, v) in more.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

#[tokio::test]
async fn the_platforms_own_events_apply_by_the_workflows_rules_once_each() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let sandbox = &started;
    let admin = sandbox.account("events.admin", &["admin"], COUNTY).await;
    let desk = sandbox.account("events.desk", &["staff"], TOWNSHIP).await;
    let county = sandbox
        .account("events.county", &["county_overseer"], COUNTY)
        .await;
    let platform = integration_key(sandbox, &admin, "county_12345").await;
    let other = integration_key(sandbox, &admin, "city_12345").await;
    let (_, pushed) = push(
        sandbox,
        &platform,
        vec![
            pushed_as("county_12345", "GD-1"),
            pushed_as("county_12345", "GD-2"),
        ],
    )
    .await;
    let one = pushed["results"][0]["id"].as_str().unwrap().to_owned();
    let two = pushed["results"][1]["id"].as_str().unwrap().to_owned();
    let step = |id: String, path: &'static str, body: Value| {
        let desk = desk.clone();
        async move {
            let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
            let mut body = body;
            body["version"] = c["version"].clone();
            let (status, after) = post(
                sandbox,
                &desk,
                &format!("/api/v1/complaints/{id}/{path}"),
                body,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{path}: {after}");
        }
    };
    step(one.clone(), "dispatch", json!({ "unit": "411624100001" })).await;
    step(one.clone(), "accept", json!({})).await;

    // A visit before any reply is refused with the reason, naming the complaint.
    let early = send_events(
        sandbox,
        &platform,
        vec![event(
            "GD-1",
            "EV-1",
            "follow_up",
            json!({ "resolved": true, "satisfaction": "satisfied" }),
        )],
    )
    .await;
    assert_eq!(early["results"][0]["outcome"], "rejected", "{early}");
    assert_eq!(early["results"][0]["code"], "invalid_transition", "{early}");
    assert_eq!(early["results"][0]["id"], one.as_str(), "{early}");

    step(one.clone(), "reply", json!({ "text": "已责令停工" })).await;
    let answer = send_events(
        sandbox,
        &platform,
        vec![
            event("GD-1", "EV-2", "urged", json!({ "text": "请尽快办理" })),
            event("GD-1", "EV-3", "supplemented", json!({ "text": "补充：现场已有挖掘机" })),
            event("GD-1", "EV-4", "follow_up", json!({ "resolved": true, "satisfaction": "satisfied" })),
            event("GD-1", "EV-4", "follow_up", json!({ "resolved": true, "satisfaction": "satisfied" })),
            event("GD-2", "EV-5", "withdrawn", json!({ "text": "群众撤回诉求" })),
            event("GD-404", "EV-6", "urged", json!({})),
            event("GD-1", "EV-7", "teleported", json!({})),
            json!({ "source": "city_12345", "external_id": "GD-1", "event_id": "EV-8", "kind": "urged" }),
        ],
    )
    .await;
    let outcomes: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "applied",
            "applied",
            "applied",
            "unchanged",
            "applied",
            "rejected",
            "rejected",
            "rejected"
        ],
        "{answer}"
    );
    assert_eq!(answer["results"][6]["field"], "kind", "{answer}");
    assert_eq!(answer["results"][7]["field"], "source", "{answer}");
    assert_eq!(
        (
            answer["applied"].as_i64(),
            answer["unchanged"].as_i64(),
            answer["rejected"].as_i64()
        ),
        (Some(4), Some(1), Some(3))
    );

    let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{one}")).await;
    assert_eq!(c["status"], "visited", "{c}");
    assert_eq!(c["handling"]["supervised"], true, "{c}");
    assert_eq!(c["handling"]["supplemented"], 1, "{c}");
    let (_, withdrawn) = get(sandbox, &desk, &format!("/api/v1/complaints/{two}")).await;
    assert_eq!(withdrawn["status"], "closed", "{withdrawn}");
    assert!(
        withdrawn["handling"]["withdrawn_at"].is_string(),
        "{withdrawn}"
    );
    // A withdrawn ticket takes no more steps.
    let late = send_events(
        sandbox,
        &platform,
        vec![event("GD-2", "EV-9", "urged", json!({}))],
    )
    .await;
    assert_eq!(late["results"][0]["outcome"], "rejected", "{late}");
    // Another platform cannot touch these tickets.
    let theirs = send_events(sandbox, &other, vec![json!({ "source": "city_12345", "external_id": "GD-1", "event_id": "X", "kind": "urged" })]).await;
    assert_eq!(theirs["results"][0]["code"], "not_found", "{theirs}");

    // The timeline shows the platform's steps with what they said; the
    // summary counts the visit and the withdrawal apart.
    let (_, timeline) = get(
        sandbox,
        &desk,
        &format!("/api/v1/complaints/{one}/timeline"),
    )
    .await;
    let kinds: Vec<&str> = timeline["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "dispatched",
            "accepted",
            "replied",
            "supervised",
            "supplemented",
            "visited"
        ],
        "{timeline}"
    );
    assert_eq!(
        timeline["events"][4]["detail"]["text"],
        "补充：现场已有挖掘机"
    );
    assert_eq!(timeline["events"][5]["detail"]["platform_event_id"], "EV-4");
    let (_, summary) = get(sandbox, &county, "/api/v1/oversight/summary").await;
    assert_eq!(summary["complaints"]["withdrawn"], 1, "{summary}");
    assert_eq!(summary["complaints"]["visited"], 1, "{summary}");
    assert_eq!(summary["complaints"]["supervised"], 1, "{summary}");
    // An empty request is refused as a whole.
    let (status, _) = post(
        sandbox,
        &desk,
        "/api/v1/complaints:events",
        json!({ "events": [] }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_platform_decides_a_return_and_reassigns_a_ticket_away() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let sandbox = &started;
    let admin = sandbox.account("return.admin", &["admin"], COUNTY).await;
    let desk = sandbox.account("return.desk", &["staff"], TOWNSHIP).await;
    let county = sandbox
        .account("return.county", &["county_overseer"], COUNTY)
        .await;
    let platform = integration_key(sandbox, &admin, "county_12345").await;
    let (_, pushed) = push(
        sandbox,
        &platform,
        vec![
            pushed_as("county_12345", "GD-R1"),
            pushed_as("county_12345", "GD-R2"),
        ],
    )
    .await;
    let one = pushed["results"][0]["id"].as_str().unwrap().to_owned();
    let two = pushed["results"][1]["id"].as_str().unwrap().to_owned();
    let step = |id: String, path: &'static str, body: Value| {
        let desk = desk.clone();
        async move {
            let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
            let mut body = body;
            body["version"] = c["version"].clone();
            let (status, after) = post(
                sandbox,
                &desk,
                &format!("/api/v1/complaints/{id}/{path}"),
                body,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{path}: {after}");
            after
        }
    };
    step(one.clone(), "dispatch", json!({ "unit": "411624100001" })).await;
    // Nothing to decide before the township returns it.
    let early = send_events(
        sandbox,
        &platform,
        vec![event(
            "GD-R1",
            "EV-R0",
            "return_decided",
            json!({ "approved": false }),
        )],
    )
    .await;
    assert_eq!(early["results"][0]["code"], "nothing_to_decide", "{early}");
    step(
        one.clone(),
        "return",
        json!({ "reason": "wrong_unit", "note": "不属本村" }),
    )
    .await;
    // The platform refuses the return: the ticket is back with the unit
    // that returned it, which signs for it and answers.
    let refused = send_events(
        sandbox,
        &platform,
        vec![event(
            "GD-R1",
            "EV-R1",
            "return_decided",
            json!({ "approved": false, "text": "属该村辖区" }),
        )],
    )
    .await;
    assert_eq!(refused["results"][0]["outcome"], "applied", "{refused}");
    let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{one}")).await;
    assert_eq!(c["status"], "dispatched", "{c}");
    assert_eq!(c["handling"]["unit"], "411624100001", "{c}");
    assert_eq!(c["handling"]["return_approved"], false, "{c}");
    step(one.clone(), "accept", json!({})).await;

    // The other is reassigned away to a county department: it ends here.
    step(two.clone(), "dispatch", json!({ "unit": "411624100001" })).await;
    let away = send_events(
        sandbox,
        &platform,
        vec![
            event(
                "GD-R2",
                "EV-R2",
                "reassigned",
                json!({ "to": "县自然资源局" }),
            ),
            event("GD-R1", "EV-R3", "reassigned", json!({})),
        ],
    )
    .await;
    assert_eq!(away["results"][0]["outcome"], "applied", "{away}");
    assert_eq!(away["results"][1]["outcome"], "rejected", "{away}");
    assert_eq!(away["results"][1]["field"], "to", "{away}");
    let (_, gone) = get(sandbox, &desk, &format!("/api/v1/complaints/{two}")).await;
    assert_eq!(gone["status"], "closed", "{gone}");
    assert_eq!(gone["handling"]["reassigned_to"], "县自然资源局", "{gone}");
    assert!(gone["handling"]["reassigned_at"].is_string(), "{gone}");

    // Both decisions are in the feed with what they said.
    let (_, page) = get(
        sandbox,
        &platform,
        "/api/v1/complaint-events?kinds=return_refused,reassigned",
    )
    .await;
    let seen: Vec<(&str, &Value)> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), &e["detail"]))
        .collect();
    assert_eq!(seen.len(), 2, "{page}");
    assert_eq!(seen[0].0, "return_refused");
    assert_eq!(seen[0].1["unit"], "411624100001");
    assert_eq!(seen[1].0, "reassigned");
    assert_eq!(seen[1].1["to"], "县自然资源局");
    let (_, summary) = get(sandbox, &county, "/api/v1/oversight/summary").await;
    assert_eq!(summary["complaints"]["reassigned"], 1, "{summary}");
    assert_eq!(summary["complaints"]["returned"], 1, "{summary}");
}
