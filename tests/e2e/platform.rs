//! The county 12345 platform's side: an `integration` key bound to its
//! source pushes tickets, finds each again by its ticket number, follows the
//! feed of its own tickets with every step's detail, and can do nothing else.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::complaint_push::{push, ticket};
use crate::fixtures::{get, post};

/// An `integration` key for `source` (an API key, used as a bearer token).
async fn integration_key(sandbox: &Sandbox, admin: &str, source: &str) -> String {
    let (status, created) = post(
        sandbox,
        admin,
        "/api/v1/api-keys",
        json!({ "name": source, "roles": ["integration"], "division_code": COUNTY, "source": source }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["source"], source, "{created}");
    created["key"].as_str().unwrap().to_owned()
}

fn pushed_as(source: &str, external_id: &str) -> Value {
    let mut t = ticket(external_id, "西关村有人在耕地上违法建房");
    t["source"] = json!(source);
    t
}

#[tokio::test]
async fn an_integration_key_pushes_and_follows_its_own_tickets_only() {
    for backend in fazhi_e2e::backends() {
        its_own_tickets_only(&Sandbox::start(backend).await).await;
    }
}

async fn its_own_tickets_only(sandbox: &Sandbox) {
    let admin = sandbox.account("platform.admin", &["admin"], COUNTY).await;
    let desk = sandbox.account("platform.desk", &["staff"], TOWNSHIP).await;
    let platform = integration_key(sandbox, &admin, "county_12345").await;
    let other = integration_key(sandbox, &admin, "city_12345").await;

    // A key is bound to a source: integration needs one, no other role takes one.
    for body in [
        json!({ "name": "x", "roles": ["integration"], "division_code": COUNTY }),
        json!({ "name": "x", "roles": ["staff"], "division_code": COUNTY, "source": "county_12345" }),
    ] {
        let (status, problem) = post(sandbox, &admin, "/api/v1/api-keys", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
        assert_eq!(problem["field"], "source", "{problem}");
    }

    let (status, answer) = push(
        sandbox,
        &platform,
        vec![
            pushed_as("county_12345", "GD-1"),
            pushed_as("city_12345", "GD-2"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["results"][0]["outcome"], "created", "{answer}");
    assert_eq!(
        answer["results"][1]["outcome"], "rejected",
        "another source: {answer}"
    );
    assert_eq!(answer["results"][1]["field"], "source", "{answer}");
    let id = answer["results"][0]["id"].as_str().unwrap().to_owned();
    let (_, theirs) = push(sandbox, &other, vec![pushed_as("city_12345", "GD-9")]).await;
    let their_id = theirs["results"][0]["id"].as_str().unwrap().to_owned();

    // Found again by its ticket number, masked, with its source.
    let (status, found) = get(
        sandbox,
        &platform,
        "/api/v1/complaints?source=county_12345&external_id=GD-1",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let listed = found["complaints"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{found}");
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["external_id"], "GD-1");
    assert_eq!(listed[0]["complainant_phone"], "138****1234");
    assert!(listed[0]["updated_at"].is_string(), "{found}");
    // Nothing of another platform's, by list or by id.
    let (_, all) = get(sandbox, &platform, "/api/v1/complaints").await;
    assert_eq!(all["complaints"].as_array().unwrap().len(), 1, "{all}");
    let (status, _) = get(
        sandbox,
        &platform,
        &format!("/api/v1/complaints/{their_id}"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // No workflow step, no unmasking, no intake of its own.
    let (status, _) = post(
        sandbox,
        &platform,
        &format!("/api/v1/complaints/{id}/dispatch"),
        json!({ "version": 1, "unit": "411624100001" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(
        sandbox,
        &platform,
        &format!("/api/v1/complaints/{id}?reveal=true"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post(
        sandbox,
        &platform,
        "/api/v1/complaints",
        fazhi_e2e::complaint_body(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The township handles it; the platform reads every step back in order.
    let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
    let (status, dispatched) = post(
        sandbox,
        &desk,
        &format!("/api/v1/complaints/{id}/dispatch"),
        json!({ "version": c["version"], "unit": "411624100001" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{dispatched}");
    let (status, accepted) = post(
        sandbox,
        &desk,
        &format!("/api/v1/complaints/{id}/accept"),
        json!({ "version": dispatched["version"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let (status, replied) = post(
        sandbox,
        &desk,
        &format!("/api/v1/complaints/{id}/reply"),
        json!({ "version": accepted["version"], "text": "已责令停工并拆除" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{replied}");
    // A re-push of the ticket now being handled names the complaint.
    let (_, again) = push(sandbox, &platform, vec![pushed_as("county_12345", "GD-1")]).await;
    assert_eq!(again["results"][0]["outcome"], "unchanged", "{again}");
    assert_eq!(again["results"][0]["id"], id.as_str(), "{again}");
    let mut changed = pushed_as("county_12345", "GD-1");
    changed["content"] = json!("内容改了");
    let (_, refused) = push(sandbox, &platform, vec![changed]).await;
    assert_eq!(refused["results"][0]["outcome"], "rejected", "{refused}");
    assert_eq!(refused["results"][0]["id"], id.as_str(), "{refused}");

    let mut events = Vec::new();
    let mut after = String::new();
    loop {
        let path = if after.is_empty() {
            "/api/v1/complaint-events?limit=2".to_owned()
        } else {
            format!("/api/v1/complaint-events?limit=2&after={after}")
        };
        let (status, page) = get(sandbox, &platform, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let got = page["events"].as_array().unwrap().clone();
        after = page["next_after"].as_str().unwrap().to_owned();
        events.extend(got.iter().cloned());
        if page["caught_up"] == true {
            break;
        }
    }
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec!["dispatched", "accepted", "replied"],
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| e["external_id"] == "GD-1" && e["complaint_id"] == id.as_str())
    );
    assert_eq!(events[0]["detail"]["unit"], "411624100001");
    assert_eq!(events[2]["detail"]["text"], "已责令停工并拆除");
    // The other platform's feed holds none of them.
    let (_, theirs) = get(sandbox, &other, "/api/v1/complaint-events").await;
    assert_eq!(theirs["events"], json!([]), "{theirs}");
    // The timeline shows the same detail.
    let (_, timeline) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}/timeline")).await;
    assert_eq!(
        timeline["events"][2]["detail"]["text"], "已责令停工并拆除",
        "{timeline}"
    );
}

#[tokio::test]
async fn a_cursor_the_feed_did_not_give_is_refused_by_name() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let sandbox = &started;
    let desk = sandbox.account("feed.desk", &["staff"], TOWNSHIP).await;
    for bad in ["nonsense", "f1.%%%", "f1.OTk5OTk5"] {
        let (status, problem) = get(
            sandbox,
            &desk,
            &format!("/api/v1/complaint-events?after={bad}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {problem}");
        assert_eq!(problem["field"], "after", "{bad}: {problem}");
    }
    for bad in ["0", "10001", "x"] {
        let (status, problem) = get(
            sandbox,
            &desk,
            &format!("/api/v1/complaint-events?limit={bad}"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {problem}");
        assert_eq!(problem["field"], "limit", "{bad}: {problem}");
    }
    let (status, page) = get(sandbox, &desk, "/api/v1/complaint-events").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["events"], json!([]));
    assert_eq!(page["caught_up"], true);
}

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
async fn the_taxonomy_is_read_from_the_api_not_hard_coded() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let (status, taxonomy) = get(&started, "", "/api/v1/complaint-categories").await;
    assert_eq!(status, StatusCode::OK, "{taxonomy}");
    let categories = taxonomy["categories"].as_array().unwrap();
    assert_eq!(
        categories.len(),
        fazhi_platform::complaint_category::CATEGORIES.len()
    );
    assert_eq!(categories[0]["code"], "illegal_construction");
    assert_eq!(categories[0]["name"], "违法建设");
    assert_eq!(categories[1]["concerns_enforcement_conduct"], true);
    assert_eq!(
        categories[0]["types"],
        json!(["inquiry", "help", "suggestion", "complaint", "report"])
    );
}

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

#[tokio::test]
async fn the_summary_table_has_fixed_columns_and_a_chinese_header_on_request() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let sandbox = &started;
    let county = sandbox
        .account("table.county", &["county_overseer"], COUNTY)
        .await;
    let fetch = |query: &'static str| {
        let county = county.clone();
        async move {
            let response = sandbox
                .get_as(&county, &format!("/api/v1/oversight/summary?{query}"))
                .await;
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, empty) = fetch("format=csv").await;
    assert_eq!(status, StatusCode::OK);
    sandbox.post_complaint(&fazhi_e2e::complaint_body()).await;
    let (_, one) = fetch("format=csv").await;
    let header = |csv: &str| {
        csv.lines()
            .next()
            .unwrap()
            .trim_start_matches('\u{feff}')
            .to_owned()
    };
    // The same columns whatever the period held.
    assert_eq!(header(&empty), header(&one));
    assert!(
        header(&one).contains("complaints.by_channel.mailbox"),
        "{one}"
    );
    let (_, zh) = fetch("format=csv&lang=zh").await;
    assert!(
        header(&zh).starts_with("行政区划代码,名称,诉求受理数"),
        "{zh}"
    );
    assert_eq!(
        header(&zh).split(',').count(),
        header(&one).split(',').count()
    );
    let (status, _) = fetch("format=csv&lang=fr").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
