//! The county 12345 platform's batch push: each ticket keyed by (source,
//! external id), its own received time and due date kept, a re-push never
//! a second complaint, one bad item never failing the others.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

pub fn ticket(external_id: &str, content: &str) -> Value {
    json!({
        "source": "county_12345", "external_id": external_id,
        "received_at": "2026-11-02T09:30:00+08:00", "due_at": "2026-11-20T18:00:00+08:00",
        "channel": "hotline_12345", "type": "complaint", "category": "illegal_construction",
        "content": content, "address": "老城镇西关村", "division_code": TOWNSHIP,
        "complainant_name": "张三", "complainant_phone": "13812341234",
    })
}

pub async fn push(sandbox: &Sandbox, token: &str, items: Vec<Value>) -> (StatusCode, Value) {
    let response = sandbox
        .post_as(
            token,
            "/api/v1/complaints:batch",
            &json!({ "items": items }),
        )
        .await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn outcomes(answer: &Value) -> Vec<(String, String)> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["outcome"].as_str().unwrap().to_owned(),
                r["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn pair(outcome: &str, code: &str) -> (String, String) {
    (outcome.to_owned(), code.to_owned())
}

#[tokio::test]
async fn a_push_creates_each_ticket_once_and_reports_every_item() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let platform = sandbox.account("county.12345", &["staff"], COUNTY).await;
        let mut unknown = ticket("T-3", "x");
        unknown["category"] = "weather".into();
        let mut malformed = ticket("T-4", "x");
        malformed.as_object_mut().unwrap().remove("content");
        let mut bad_phone = ticket("T-5", "x");
        bad_phone["complainant_phone"] = "12345".into();
        let first = vec![
            ticket("T-1", "西关村有人在耕地上违法建房"),
            ticket("T-2", "东关村夜间施工扰民"),
            unknown,
            malformed,
            bad_phone,
            ticket("T-1", "重复的一条"),
        ];
        let (status, answer) = push(&sandbox, &platform, first.clone()).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(
            outcomes(&answer),
            vec![
                pair("created", ""),
                pair("created", ""),
                pair("rejected", "unknown_category"),
                pair("rejected", "malformed_json"),
                pair("rejected", "invalid_phone"),
                pair("rejected", "duplicate_value"),
            ],
            "{answer}"
        );
        assert_eq!(
            (answer["created"].as_i64(), answer["rejected"].as_i64()),
            (Some(2), Some(4))
        );
        let id = answer["results"][0]["id"].as_str().unwrap().to_owned();

        // The platform's own received time and due date are kept.
        let recorded: Value = sandbox
            .get_as(&platform, &format!("/api/v1/complaints/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(recorded["received_at"], "2026-11-02T09:30:00+08:00");
        assert_eq!(recorded["reply_due"], "2026-11-20T18:00:00+08:00");

        // The same push again records nothing new.
        let (_, again) = push(&sandbox, &platform, first[..2].to_vec()).await;
        assert_eq!(
            outcomes(&again),
            vec![pair("unchanged", ""), pair("unchanged", "")]
        );
        assert_eq!(again["results"][0]["id"], id.as_str());

        // A changed re-push of a ticket still waiting updates it.
        let (_, changed) = push(
            &sandbox,
            &platform,
            vec![ticket("T-1", "西关村违法建房已封顶")],
        )
        .await;
        assert_eq!(outcomes(&changed), vec![pair("updated", "")]);
        let now: Value = sandbox
            .get_as(&platform, &format!("/api/v1/complaints/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (now["content"].as_str(), now["version"].as_i64()),
            (Some("西关村违法建房已封顶"), Some(2))
        );

        // Once dispatched, changes go through the workflow instead.
        let dispatched = sandbox
            .post_as(
                &platform,
                &format!("/api/v1/complaints/{id}/dispatch"),
                &json!({ "version": 2, "unit": TOWNSHIP }),
            )
            .await;
        assert_eq!(dispatched.status(), StatusCode::OK);
        let (_, late) = push(&sandbox, &platform, vec![ticket("T-1", "再次修改")]).await;
        assert_eq!(
            outcomes(&late),
            vec![pair("rejected", "invalid_transition")]
        );

        let page: Value = sandbox
            .get_as(
                &platform,
                &format!("/api/v1/complaints?division={TOWNSHIP}"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            page["complaints"].as_array().unwrap().len(),
            2,
            "never a second complaint"
        );

        // Over the limit, the whole push is refused before anything is read.
        let flood: Vec<Value> = (0..1001).map(|i| ticket(&format!("F-{i}"), "x")).collect();
        let (status, problem) = push(&sandbox, &platform, flood).await;
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::BAD_REQUEST, &json!("too_many_values"))
        );
        // The count stops the parse at the 1,001st item: what follows is
        // never read (here, text that is no JSON at all).
        let items: Vec<String> = (0..1001)
            .map(|i| ticket(&format!("G-{i}"), "x").to_string())
            .collect();
        let body = format!("{{\"items\": [{}, this is never read", items.join(","));
        let response = sandbox
            .client
            .post(sandbox.url("/api/v1/complaints:batch"))
            .bearer_auth(&platform)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::BAD_REQUEST, &json!("too_many_values")),
            "{problem}"
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn an_overdue_ticket_is_reminded_of_once_a_day_without_a_new_version() {
    // The sweep runs when the test says, on a clock the test turns.
    let clock = fazhi_platform::clock::ManualClock::new(fazhi_platform::time::now());
    let sandbox = Sandbox::start_with_clock(
        fazhi_e2e::Backend::Sqlite,
        |s| {
            s.rules.complaints.overdue_sweep_secs = 24 * 3600;
            // The platform's token outlives the days the clock is turned on.
            s.gateway.auth.token_ttl_secs = 7 * 24 * 3600;
        },
        clock.clone(),
    )
    .await;
    let relay = sandbox.complaints_relay();
    let platform = sandbox.account("county.12345", &["staff"], COUNTY).await;
    let (_, answer) = push(&sandbox, &platform, vec![ticket("R-1", "违法建房无人处理")]).await;
    let id = answer["results"][0]["id"].as_str().unwrap().to_owned();
    let kinds = |timeline: &Value| -> Vec<String> {
        timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    let timeline_path = format!("/api/v1/complaints/{id}/timeline");

    assert_eq!(relay.sweep().await.unwrap(), 1);
    let timeline: Value = sandbox
        .get_as(&platform, &timeline_path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kinds(&timeline), vec!["reminded"]);
    // Later sweeps within the day leave it be; its version is untouched.
    clock.advance(chrono::Duration::hours(23));
    assert_eq!(relay.sweep().await.unwrap(), 0);
    let now: Value = sandbox
        .get_as(&platform, &format!("/api/v1/complaints/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["version"], 1);
    assert!(now["handling"]["reminded_at"].is_string(), "{now}");
    let timeline: Value = sandbox
        .get_as(&platform, &timeline_path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(timeline["events"].as_array().unwrap().len(), 1);
    // A day after the first reminder, it is reminded of again.
    clock.advance(chrono::Duration::hours(2));
    assert_eq!(relay.sweep().await.unwrap(), 1);
    let timeline: Value = sandbox
        .get_as(&platform, &timeline_path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kinds(&timeline), vec!["reminded", "reminded"]);
    sandbox.stop().await;
}
