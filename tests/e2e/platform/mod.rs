//! The county 12345 platform's side: an `integration` key bound to its
//! source pushes tickets, finds each again by its ticket number, follows the
//! feed of its own tickets with every step's detail, and can do nothing else.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::complaint_push::{push, ticket};
use crate::fixtures::{get, post};

mod contract;
mod events;
mod hears_back;
mod milestones;
mod retention;

/// An `integration` key for `source` (an API key, used as a bearer token).
pub(crate) async fn integration_key(sandbox: &Sandbox, admin: &str, source: &str) -> String {
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

pub(crate) fn pushed_as(source: &str, external_id: &str) -> Value {
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
