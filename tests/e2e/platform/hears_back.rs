//! The county 12345 platform's whole round, played as the platform: it
//! pushes 50 tickets, the township handles them (returns, an extension, two
//! replies around an unsatisfied follow-up, an escalation to a case that is
//! decided), the platform sends its own decisions and visits in, and its
//! receiver — down for a while in the middle — ends with every step the
//! township took exactly once, in order per ticket, with the reply texts;
//! the feed alone tells the same story.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use fazhi_platform::clock::{Clock, ManualClock};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::{integration_key, pushed_as};
use crate::complaint_push::push;
use crate::delivery::{Receiver, Shared, serve, step};
use crate::fixtures::{get, post};

const TICKETS: usize = 50;
/// The ticket escalated to a case that is decided.
const ESCALATED: usize = 3;
/// The village unit every ticket is dispatched to.
const UNIT: &str = "411624100001";

/// What the township does with ticket `n`, and so which of its steps the
/// platform must hear, in order (the platform's own events excepted).
fn township_steps(n: usize) -> Vec<&'static str> {
    let mut kinds = vec!["dispatched"];
    if n.is_multiple_of(10) {
        // Returned; the platform refuses the return, so it is back.
        kinds.push("returned");
    } else if n % 10 == 5 {
        // Returned and dispatched again by the desk.
        kinds.extend(["returned", "dispatched"]);
    }
    kinds.push("accepted");
    if n.is_multiple_of(7) {
        kinds.push("extension_requested");
    }
    if n == ESCALATED {
        kinds.push("escalated");
    }
    kinds.push("replied");
    if n.is_multiple_of(5) {
        // Unsatisfied at the platform's visit: reopened, replied again.
        kinds.extend(["reopened", "replied"]);
    }
    kinds.push("closed");
    if n == ESCALATED {
        kinds.extend(["case_filed", "case_decided"]);
    }
    kinds
}

/// The platform's events, as it sends them, for ticket `n` at its turn.
fn platform_event(n: usize, id: &str, kind: &str, more: Value) -> Value {
    let mut e = json!({
        "source": "county_12345", "external_id": format!("GD-{n:03}"),
        "event_id": format!("EV-{n:03}-{id}"), "kind": kind,
    });
    for (k, v) in more.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

async fn send(sandbox: &Sandbox, platform: &str, events: Vec<Value>) {
    let (status, answer) = post(
        sandbox,
        platform,
        "/api/v1/complaints:events",
        json!({ "events": events }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["rejected"], 0, "{answer}");
}

#[tokio::test]
async fn the_platform_hears_every_step_of_its_fifty_tickets_once_in_order() {
    for backend in fazhi_e2e::backends() {
        round(backend).await;
    }
}

async fn round(backend: fazhi_e2e::Backend) {
    let clock = ManualClock::new(fazhi_platform::time::now());
    let started = Sandbox::start_with_clock(
        backend,
        |s| {
            s.rules.complaints.delivery_allowed_hosts = vec!["127.0.0.1".into()];
            s.gateway.auth.token_ttl_secs = 90 * 24 * 3600;
        },
        clock.clone(),
    )
    .await;
    let sandbox = &started;
    let relay = sandbox.complaints_relay();
    let admin = sandbox.account("round.admin", &["admin"], COUNTY).await;
    let desk = sandbox.account("round.desk", &["staff"], TOWNSHIP).await;
    let t = crate::fixtures::township(sandbox, "round", 81).await;
    let platform = integration_key(sandbox, &admin, "county_12345").await;

    // The platform's receiver: refuses every event's first try, answers slowly.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shared: Shared = Arc::new(Mutex::new(Receiver {
        refuse_first: 1,
        ..Receiver::default()
    }));
    let mut server = Some(serve(listener, shared.clone()));
    let (status, registered) = {
        let r = sandbox
            .client
            .put(sandbox.url("/api/v1/delivery-endpoints/county_12345"))
            .bearer_auth(&admin)
            .json(&json!({ "url": format!("http://{addr}/hook") }))
            .send()
            .await
            .unwrap();
        (r.status(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK, "{registered}");
    shared.lock().unwrap().secret = registered["secret"].as_str().unwrap().to_owned();

    // Received this morning, due in ten days.
    let received = clock.now() - chrono::Duration::hours(1);
    let items: Vec<Value> = (0..TICKETS)
        .map(|n| {
            let mut t = pushed_as("county_12345", &format!("GD-{n:03}"));
            t["received_at"] = json!(fazhi_platform::time::to_rfc3339(received));
            t["due_at"] = json!(fazhi_platform::time::to_rfc3339(
                received + chrono::Duration::days(10)
            ));
            t
        })
        .collect();
    let (status, pushed) = push(sandbox, &platform, items).await;
    assert_eq!(status, StatusCode::OK, "{pushed}");
    assert_eq!(pushed["created"], TICKETS, "{pushed}");
    let ids: Vec<String> = pushed["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();

    // The integration key holds no more than its own tickets.
    let (status, _) = post(
        sandbox,
        &platform,
        &format!("/api/v1/complaints/{}/dispatch", ids[0]),
        json!({ "version": 1, "unit": UNIT }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no workflow step");
    let (status, _) = get(
        sandbox,
        &platform,
        &format!("/api/v1/complaints/{}?reveal=true", ids[0]),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no unmasking");
    let (_, other) = push(sandbox, &desk, vec![pushed_as("city_12345", "GD-X")]).await;
    let (status, _) = get(
        sandbox,
        &platform,
        &format!(
            "/api/v1/complaints/{}",
            other["results"][0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another source's ticket");

    let mut lead = None;
    for (n, id) in ids.iter().enumerate() {
        // The receiver is down while tickets 20 to 34 are handled.
        if n == 20 {
            let down = server.take().unwrap();
            down.abort();
            let _ = down.await;
        }
        if n == 35 {
            let listener = TcpListener::bind(addr).await.expect("the port again");
            server = Some(serve(listener, shared.clone()));
        }
        step(sandbox, &desk, id, "dispatch", json!({ "unit": UNIT })).await;
        if n.is_multiple_of(10) {
            step(
                sandbox,
                &desk,
                id,
                "return",
                json!({ "reason": "wrong_unit", "note": "不属本村" }),
            )
            .await;
            send(
                sandbox,
                &platform,
                vec![platform_event(
                    n,
                    "R",
                    "return_decided",
                    json!({ "approved": false }),
                )],
            )
            .await;
        } else if n % 10 == 5 {
            step(
                sandbox,
                &desk,
                id,
                "return",
                json!({ "reason": "wrong_unit", "note": "不属本村" }),
            )
            .await;
            step(sandbox, &desk, id, "dispatch", json!({ "unit": UNIT })).await;
        }
        step(sandbox, &desk, id, "accept", json!({})).await;
        if n.is_multiple_of(7) {
            step(
                sandbox,
                &desk,
                id,
                "extension",
                json!({ "working_days": 5, "note": "需现场测量" }),
            )
            .await;
            send(
                sandbox,
                &platform,
                vec![platform_event(
                    n,
                    "X",
                    "extension_decided",
                    json!({ "approved": true }),
                )],
            )
            .await;
        }
        if n == ESCALATED {
            let c = step(
                sandbox,
                &desk,
                id,
                "escalate",
                json!({
                    "party": { "kind": "person", "name": "王五", "id_number": crate::authorization::id_number(801) },
                    "act_on": "2026-01-10", "continuing": true, "note": "现场核实在建",
                }),
            )
            .await;
            assert!(c["handling"]["escalated_at"].is_string(), "{c}");
        }
        step(
            sandbox,
            &desk,
            id,
            "reply",
            json!({ "text": format!("答复 {n}") }),
        )
        .await;
        if n.is_multiple_of(5) {
            send(
                sandbox,
                &platform,
                vec![platform_event(
                    n,
                    "V1",
                    "follow_up",
                    json!({ "resolved": false, "satisfaction": "unsatisfied" }),
                )],
            )
            .await;
            step(sandbox, &desk, id, "reopen", json!({ "note": "仍未解决" })).await;
            step(
                sandbox,
                &desk,
                id,
                "reply",
                json!({ "text": format!("再次答复 {n}") }),
            )
            .await;
        }
        send(
            sandbox,
            &platform,
            vec![platform_event(
                n,
                "V2",
                "follow_up",
                json!({ "resolved": true, "satisfaction": "satisfied" }),
            )],
        )
        .await;
        step(sandbox, &desk, id, "close", json!({})).await;
        if n == ESCALATED {
            // The relay running beside the test may deliver the lead first.
            for _ in 0..1_000 {
                relay.pass().await.unwrap();
                let (_, c) = get(sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
                lead = c["handling"]["lead_id"].as_str().map(str::to_owned);
                if lead.is_some() {
                    break;
                }
                tokio::task::yield_now().await;
            }
        }
    }

    // The lead is filed, notified and, once the defence period has run,
    // decided; the relay records the case's milestones on the complaint.
    let lead = lead.expect("the escalation became a lead");
    let day = |c: &ManualClock| fazhi_platform::time::china_date(c.now()).to_string();
    let go = |name: &'static str, body: Value| {
        let (leader, lead) = (t.leader.clone(), lead.clone());
        async move {
            let (status, answer) = post(
                sandbox,
                &leader,
                &format!("/api/v1/cases/{lead}/{name}"),
                body,
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        }
    };
    go("file", json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": t.officers, "on": day(&clock) })).await;
    go(
        "notify",
        json!({ "version": 2, "on": day(&clock), "penalty": { "fine_fen": 50_000 } }),
    )
    .await;
    clock.advance(chrono::Duration::days(20));
    go("decide", json!({ "version": 3, "on": day(&clock), "kind": "penalty", "penalty": { "fine_fen": 50_000 } })).await;
    // Filed and decided are recorded once, whichever relay looks first.
    for _ in 0..1_000 {
        relay.follow_cases().await.unwrap();
        let (_, timeline) = get(
            sandbox,
            &desk,
            &format!("/api/v1/complaints/{}/timeline", ids[ESCALATED]),
        )
        .await;
        if timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "case_decided")
        {
            break;
        }
        tokio::task::yield_now().await;
    }

    // What the platform must hear, counted from what the test did.
    let expected: BTreeMap<String, Vec<&str>> = (0..TICKETS)
        .map(|n| (format!("GD-{n:03}"), township_steps(n)))
        .collect();
    let total: usize = expected.values().map(Vec::len).sum();
    // Deliveries go out pass by pass, every retry an hour later at most.
    for _ in 0..100 {
        relay.answer_back().await.unwrap();
        if shared.lock().unwrap().taken.len() >= total {
            break;
        }
        clock.advance(chrono::Duration::minutes(61));
    }
    if let Some(s) = server {
        s.abort();
    }
    let r = {
        let r = shared.lock().unwrap();
        (r.bad_signatures, r.taken.clone())
    };
    assert_eq!(r.0, 0);
    let mut heard: BTreeMap<String, Vec<(i64, &str, &Value)>> = BTreeMap::new();
    let mut once = std::collections::BTreeSet::new();
    for (id, body) in &r.1 {
        assert!(once.insert(id.clone()), "{id} taken twice");
        heard
            .entry(body["external_id"].as_str().unwrap().to_owned())
            .or_default()
            .push((
                body["seq"].as_i64().unwrap(),
                body["kind"].as_str().unwrap(),
                &body["detail"],
            ));
    }
    assert_eq!(r.1.len(), total, "every step once");
    for (ticket, kinds) in &expected {
        let got = &heard[ticket];
        let seqs: Vec<i64> = got.iter().map(|(s, _, _)| *s).collect();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{ticket}: in order {seqs:?}"
        );
        let got_kinds: Vec<&str> = got.iter().map(|(_, k, _)| *k).collect();
        assert_eq!(&got_kinds, kinds, "{ticket}");
        let n: usize = ticket[3..].parse().unwrap();
        let texts: Vec<&str> = got
            .iter()
            .filter(|(_, k, _)| *k == "replied")
            .map(|(_, _, d)| d["text"].as_str().unwrap())
            .collect();
        let mut want = vec![format!("答复 {n}")];
        if n.is_multiple_of(5) {
            want.push(format!("再次答复 {n}"));
        }
        assert_eq!(texts, want, "{ticket}");
    }

    // The feed alone: every event of the platform's tickets — its own
    // included — page after page, in order per ticket.
    let mut after = String::new();
    let mut fed: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    loop {
        let (status, page) = get(
            sandbox,
            &platform,
            &format!("/api/v1/complaint-events?limit=97{after}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for e in page["events"].as_array().unwrap() {
            assert_eq!(e["source"], "county_12345", "{e}");
            fed.entry(e["external_id"].as_str().unwrap().to_owned())
                .or_default()
                .push((
                    e["seq"].as_i64().unwrap(),
                    e["kind"].as_str().unwrap().to_owned(),
                ));
        }
        if page["caught_up"] == true {
            break;
        }
        after = format!("&after={}", page["next_after"].as_str().unwrap());
    }
    assert_eq!(fed.len(), TICKETS, "only its own tickets");
    for (ticket, kinds) in &expected {
        let events = &fed[ticket];
        let seqs: Vec<i64> = events.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            seqs,
            (1..=events.len() as i64).collect::<Vec<_>>(),
            "{ticket}"
        );
        // The township's steps, with the platform's own between them.
        let n: usize = ticket[3..].parse().unwrap();
        let own = usize::from(n.is_multiple_of(10))
            + usize::from(n.is_multiple_of(7))
            + usize::from(n.is_multiple_of(5))
            + 1;
        assert_eq!(events.len(), kinds.len() + own, "{ticket}: {events:?}");
        let township: Vec<&str> = events
            .iter()
            .map(|(_, k)| k.as_str())
            .filter(|k| !matches!(*k, "return_refused" | "extension_approved" | "visited"))
            .collect();
        assert_eq!(&township, kinds, "{ticket}");
    }
    started.stop().await;
}
