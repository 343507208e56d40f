//! Answering back (回传) against a real HTTP receiver in this process: it
//! fails the first tries of every event, answers slowly, is down for a
//! while, and acknowledges by event id; every step of the platform's tickets
//! reaches it exactly once per event id, in order per ticket, signed.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing};
use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use fazhi_platform::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::complaint_push::{push, ticket};
use crate::fixtures::{get, post};

/// What the platform's receiver does and has seen.
#[derive(Default)]
pub(crate) struct Receiver {
    /// Tries refused (503) before an event is taken.
    pub(crate) refuse_first: usize,
    pub(crate) tries: BTreeMap<String, usize>,
    /// Events taken, in the order first taken: (event id, body).
    pub(crate) taken: Vec<(String, Value)>,
    /// The secret the county showed when the endpoint was registered.
    pub(crate) secret: String,
    pub(crate) bad_signatures: usize,
}

pub(crate) type Shared = Arc<Mutex<Receiver>>;

async fn hook(State(r): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // A platform that answers slowly, within the delivery's time limit.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let mut r = r.lock().unwrap();
    let id = headers["fazhi-event-id"].to_str().unwrap().to_owned();
    let signature = headers["fazhi-signature"].to_str().unwrap().to_owned();
    let parts: BTreeMap<&str, &str> = signature
        .split(',')
        .filter_map(|p| p.split_once('='))
        .collect();
    let expected = fazhi_complaints::domain::delivery::signature(
        r.secret.as_bytes(),
        parts["k"],
        parts["t"].parse().unwrap(),
        &body,
    );
    if expected != signature {
        r.bad_signatures += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let tries = r.tries.entry(id.clone()).or_default();
    *tries += 1;
    if *tries <= r.refuse_first {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    // Acknowledged by event id: a repeat is taken once.
    if !r.taken.iter().any(|(taken, _)| *taken == id) {
        r.taken.push((id, serde_json::from_slice(&body).unwrap()));
    }
    StatusCode::NO_CONTENT
}

/// Serves the receiver on `listener` until the returned task is aborted.
pub(crate) fn serve(listener: TcpListener, shared: Shared) -> tokio::task::JoinHandle<()> {
    let app = Router::new()
        .route("/hook", routing::post(hook))
        .with_state(shared);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    })
}

pub(crate) async fn step(
    sandbox: &Sandbox,
    token: &str,
    id: &str,
    path: &str,
    body: Value,
) -> Value {
    let (_, c) = get(sandbox, token, &format!("/api/v1/complaints/{id}")).await;
    let mut body = body;
    body["version"] = c["version"].clone();
    let (status, after) = post(
        sandbox,
        token,
        &format!("/api/v1/complaints/{id}/{path}"),
        body,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{path}: {after}");
    after
}

#[tokio::test]
async fn every_step_reaches_the_platform_once_in_order_through_failures_and_an_outage() {
    for backend in fazhi_e2e::backends() {
        let clock = ManualClock::new(fazhi_platform::time::now());
        let sandbox = Sandbox::start_with_clock(
            backend,
            |s| {
                s.rules.complaints.delivery_allowed_hosts = vec!["127.0.0.1".into()];
                s.gateway.auth.token_ttl_secs = 30 * 24 * 3600;
            },
            clock.clone(),
        )
        .await;
        let relay = sandbox.complaints_relay();
        let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let desk = sandbox.account("laocheng.desk", &["staff"], TOWNSHIP).await;

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shared: Shared = Arc::new(Mutex::new(Receiver {
            refuse_first: 2,
            ..Receiver::default()
        }));
        let mut server = serve(listener, shared.clone());

        // Registering: HTTPS on a public address unless the county allows the host.
        for bad in [
            "http://12345.example.cn/hook",
            "https://10.0.0.7/hook",
            "ftp://127.0.0.1/x",
        ] {
            let (status, problem) = sandbox
                .client
                .put(sandbox.url("/api/v1/delivery-endpoints/county_12345"))
                .bearer_auth(&admin)
                .json(&json!({ "url": bad }))
                .send()
                .await
                .map(|r| r.status())
                .map(|s| (s, ()))
                .unwrap();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad} {problem:?}");
        }
        let township_admin = sandbox
            .account("township.admin", &["admin"], TOWNSHIP)
            .await;
        let refused = sandbox
            .client
            .put(sandbox.url("/api/v1/delivery-endpoints/county_12345"))
            .bearer_auth(&township_admin)
            .json(&json!({ "url": format!("http://{addr}/hook") }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let registered: Value = sandbox
            .client
            .put(sandbox.url("/api/v1/delivery-endpoints/county_12345"))
            .bearer_auth(&admin)
            .json(&json!({ "url": format!("http://{addr}/hook") }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let secret = registered["secret"]
            .as_str()
            .expect("shown once")
            .to_owned();
        shared.lock().unwrap().secret = secret;
        let (_, listed) = get(&sandbox, &admin, "/api/v1/delivery-endpoints").await;
        assert!(listed["endpoints"][0].get("secret").is_none(), "{listed}");

        // The platform's tickets, handled by the township.
        let items: Vec<Value> = (1..=5)
            .map(|n| ticket(&format!("GD-{n}"), &format!("违法建房 {n}")))
            .collect();
        let (status, pushed) = push(&sandbox, &desk, items).await;
        assert_eq!(status, StatusCode::OK, "{pushed}");
        let ids: Vec<String> = pushed["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        for (n, id) in ids.iter().enumerate() {
            step(
                &sandbox,
                &desk,
                id,
                "dispatch",
                json!({ "unit": "411624100001" }),
            )
            .await;
            step(&sandbox, &desk, id, "accept", json!({})).await;
            step(
                &sandbox,
                &desk,
                id,
                "reply",
                json!({ "text": format!("第一次答复 {n}") }),
            )
            .await;
        }
        // One ticket round again: an unsatisfied visit, reopened, a second reply.
        step(
            &sandbox,
            &desk,
            &ids[0],
            "follow-up",
            json!({ "resolved": false, "satisfaction": "unsatisfied" }),
        )
        .await;
        step(
            &sandbox,
            &desk,
            &ids[0],
            "reopen",
            json!({ "note": "仍在施工" }),
        )
        .await;
        step(
            &sandbox,
            &desk,
            &ids[0],
            "reply",
            json!({ "text": "已依法拆除" }),
        )
        .await;

        // Deliveries go out pass by pass; the receiver is down for a while.
        for pass in 0..40 {
            if pass == 3 {
                server.abort();
                let _ = (&mut server).await;
            }
            if pass == 8 {
                let listener = TcpListener::bind(addr)
                    .await
                    .expect("the receiver's port again");
                server = serve(listener, shared.clone());
            }
            relay.answer_back().await.unwrap();
            clock.advance(chrono::Duration::minutes(61));
        }
        server.abort();

        // Every step of those tickets, each once, in order per ticket.
        {
            let r = shared.lock().unwrap();
            assert_eq!(r.bad_signatures, 0);
            let mut by_ticket: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
            for (id, body) in &r.taken {
                assert_eq!(body["id"], id.as_str());
                by_ticket
                    .entry(body["external_id"].as_str().unwrap().to_owned())
                    .or_default()
                    .push((
                        body["position"].as_i64().unwrap(),
                        body["kind"].as_str().unwrap().to_owned(),
                    ));
            }
            assert_eq!(by_ticket.len(), 5, "{by_ticket:?}");
            for (ticket, events) in &by_ticket {
                let positions: Vec<i64> = events.iter().map(|(p, _)| *p).collect();
                let mut sorted = positions.clone();
                sorted.sort();
                assert_eq!(positions, sorted, "{ticket}: in order");
            }
            let kinds: Vec<&str> = by_ticket["GD-1"].iter().map(|(_, k)| k.as_str()).collect();
            assert_eq!(
                kinds,
                [
                    "dispatched",
                    "accepted",
                    "replied",
                    "visited",
                    "reopened",
                    "replied"
                ]
            );
            let distinct: BTreeSet<&String> = r.taken.iter().map(|(id, _)| id).collect();
            assert_eq!(distinct.len(), r.taken.len());
            assert_eq!(r.taken.len(), 5 * 3 + 3);
            let texts: Vec<&str> = r
                .taken
                .iter()
                .filter(|(_, b)| b["external_id"] == "GD-1" && b["kind"] == "replied")
                .map(|(_, b)| b["detail"]["text"].as_str().unwrap())
                .collect();
            assert_eq!(texts, ["第一次答复 0", "已依法拆除"]);
            assert!(
                r.tries.values().all(|n| *n >= 3),
                "each refused twice first"
            );
        }
        let (_, dead) = get(&sandbox, &admin, "/api/v1/deliveries/dead").await;
        assert_eq!(dead["deliveries"], json!([]), "{dead}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_delivery_never_taken_is_dead_lettered_and_sent_again_on_request() {
    let clock = ManualClock::new(fazhi_platform::time::now());
    let sandbox = Sandbox::start_with_clock(
        fazhi_e2e::Backend::Sqlite,
        |s| {
            s.rules.complaints.delivery_allowed_hosts = vec!["127.0.0.1".into()];
            s.gateway.auth.token_ttl_secs = 30 * 24 * 3600;
        },
        clock.clone(),
    )
    .await;
    let relay = sandbox.complaints_relay();
    let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
    let desk = sandbox.account("laocheng.desk", &["staff"], TOWNSHIP).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Refuses every try, until told otherwise.
    let shared: Shared = Arc::new(Mutex::new(Receiver {
        refuse_first: usize::MAX,
        ..Receiver::default()
    }));
    let server = serve(listener, shared.clone());
    let registered: Value = sandbox
        .client
        .put(sandbox.url("/api/v1/delivery-endpoints/county_12345"))
        .bearer_auth(&admin)
        .json(&json!({ "url": format!("http://{addr}/hook") }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    shared.lock().unwrap().secret = registered["secret"].as_str().unwrap().to_owned();
    let (_, pushed) = push(&sandbox, &desk, vec![ticket("GD-9", "违法建房")]).await;
    let id = pushed["results"][0]["id"].as_str().unwrap().to_owned();
    step(
        &sandbox,
        &desk,
        &id,
        "dispatch",
        json!({ "unit": "411624100001" }),
    )
    .await;

    for _ in 0..20 {
        relay.answer_back().await.unwrap();
        clock.advance(chrono::Duration::minutes(61));
    }
    let (status, dead) = get(
        &sandbox,
        &admin,
        "/api/v1/deliveries/dead?source=county_12345",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{dead}");
    let letters = dead["deliveries"].as_array().unwrap();
    assert_eq!(letters.len(), 1, "{dead}");
    assert_eq!(letters[0]["attempts"], 12, "{dead}");
    assert!(
        letters[0]["last_error"].as_str().unwrap().contains("503"),
        "{dead}"
    );
    let position = letters[0]["position"].as_i64().unwrap();
    // Nothing is given up for good: sent again once the platform is back.
    shared.lock().unwrap().refuse_first = 0;
    let (status, again) = post(
        &sandbox,
        &admin,
        &format!("/api/v1/deliveries/{position}/redeliver"),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    // Sent again at once (by this pass, or by the relay running beside the
    // test, which the redelivery woke).
    // (A step of the ticket due meanwhile — the overdue sweep's reminder —
    // may go with it: the platform is back.)
    let sent_again = || {
        shared
            .lock()
            .unwrap()
            .taken
            .iter()
            .any(|(id, _)| *id == position.to_string())
    };
    for _ in 0..1_000 {
        relay.answer_back().await.unwrap();
        if sent_again() {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(sent_again(), "the dead letter was sent again");
    let (status, _) = post(
        &sandbox,
        &admin,
        &format!("/api/v1/deliveries/{position}/redeliver"),
        json!({}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "only a dead letter is sent again"
    );
    let (status, _) = get(&sandbox, &desk, "/api/v1/deliveries/dead").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    server.abort();
    sandbox.stop().await;
}
