//! Two replicas of every service on one PostgreSQL, each its own `fazhi
//! serve <service>` process: concurrent intake, steps and escalations lose
//! and duplicate nothing, every replica takes its share, the gateways share
//! their rate limits, and each replica restarted in turn under load goes
//! unnoticed by clients that retry with their idempotency keys.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use fazhi_e2e::{
    TOWNSHIP, complaint_body,
    fleet::{ADMIN_PASSWORD, Fleet},
};
use fazhi_platform::{config::GrpcClientSettings, grpc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A village of the township: a unit complaints are dispatched to.
const VILLAGE: &str = "411624100201";

/// A client of several gateways: each request goes to the next in turn, and
/// one a gateway did not take (refused, reset) is sent to the next with the
/// same idempotency key, as a township app behind a load balancer retries.
#[derive(Clone)]
pub(crate) struct Client {
    http: reqwest::Client,
    gateways: Arc<Vec<String>>,
    next: Arc<AtomicUsize>,
    token: String,
    /// Every 5xx answered, with what it was for.
    failures: Arc<Mutex<Vec<String>>>,
}

impl Client {
    pub(crate) fn new(gateways: Vec<String>) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            gateways: Arc::new(gateways),
            next: Arc::new(AtomicUsize::new(0)),
            token: String::new(),
            failures: Arc::default(),
        }
    }

    fn as_user(&self, token: String) -> Self {
        Self {
            token,
            ..self.clone()
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        for attempt in 0..40 {
            let i = self.next.fetch_add(1, Ordering::Relaxed) % self.gateways.len();
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.gateways[i]));
            if !self.token.is_empty() {
                request = request.bearer_auth(&self.token);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let value = response.json().await.unwrap_or(Value::Null);
                    if status.is_server_error() {
                        self.failures
                            .lock()
                            .unwrap()
                            .push(format!("{method} {path} → {status}: {value}"));
                    }
                    return (status, value);
                }
                // Not taken by that gateway (it is stopping or down):
                // another one, with the same key.
                Err(err) if attempt < 39 && (err.is_connect() || err.is_request()) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(err) => panic!("{method} {path}: {err}"),
            }
        }
        unreachable!("the loop returns or panics")
    }

    pub(crate) async fn post(
        &self,
        path: &str,
        body: &Value,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(body), key).await
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, None).await
    }

    async fn login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/auth/login",
            &json!({ "username": username, "password": password }),
            None,
        )
        .await
    }

    /// A township staff account, logged in.
    pub(crate) async fn township_staff(&self) -> Client {
        let (status, admin) = self.login("admin", ADMIN_PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{admin}");
        let admin = self.as_user(admin["access_token"].as_str().unwrap().to_owned());
        let (status, created) = admin
            .post(
                "/api/v1/accounts",
                &json!({
                    "username": "desk.staff", "password": "a long fleet password",
                    "roles": ["staff", "county_overseer"], "division_code": TOWNSHIP,
                }),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, staff) = self.login("desk.staff", "a long fleet password").await;
        assert_eq!(status, StatusCode::OK, "{staff}");
        self.as_user(staff["access_token"].as_str().unwrap().to_owned())
    }

    fn failures(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }
}

/// Takes `step` on complaint `id` at its current version.
async fn step(client: &Client, id: &str, step: &str, mut body: Value) -> (StatusCode, Value) {
    let (status, now) = client.get(&format!("/api/v1/complaints/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{now}");
    body["version"] = now["version"].clone();
    client
        .post(&format!("/api/v1/complaints/{id}/{step}"), &body, None)
        .await
}

fn escalation() -> Value {
    json!({
        "party": { "kind": "person", "name": "王五" },
        "act_on": "2025-06-01", "continuing": true, "note": "现场核实在建",
    })
}

/// One complaint taken in under `key` (sent twice, through different
/// gateways: the second answers the first's complaint), then escalated or
/// dispatched; its id and whether it was escalated.
async fn intake_and_step(client: &Client, key: &str, escalate: bool) -> (String, bool) {
    let (status, created) = client
        .post("/api/v1/complaints", &complaint_body(), Some(key))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, replayed) = client
        .post("/api/v1/complaints", &complaint_body(), Some(key))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{replayed}");
    assert_eq!(
        replayed["id"],
        id.as_str(),
        "a replay answers the first complaint"
    );
    let (status, stepped) = if escalate {
        step(client, &id, "escalate", escalation()).await
    } else {
        step(client, &id, "dispatch", json!({ "unit": VILLAGE })).await
    };
    assert_eq!(status, StatusCode::OK, "{stepped}");
    (id, escalate)
}

/// Counts one query's single number in `url`.
async fn count(url: &str, sql: &'static str) -> i64 {
    sqlx::any::install_default_drivers();
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut db).await.unwrap()
}

/// Calls each replica has served, read off its own `/metrics`.
async fn served(metrics_port: u16) -> f64 {
    let text = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| {
            l.starts_with("fazhi_grpc_server_requests_total{") && !l.contains("grpc.health")
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn two_replicas_of_every_service_share_the_work_and_lose_or_duplicate_nothing() {
    let limits = [
        ("FAZHI_GATEWAY__AUTH__MAX_FAILURES_PER_CLIENT", "3"),
        ("FAZHI_GATEWAY__PUBLIC__REQUESTS_PER_MINUTE", "5"),
    ];
    let Some(fleet) = Fleet::start(2, &limits).await else {
        return; // Needs PostgreSQL: every replica of a service shares one database.
    };
    let anyone = Client::new(fleet.gateway_urls());
    let staff = anyone.township_staff().await;

    // Eight clients at once, fifteen complaints each: half escalated,
    // half dispatched.
    let mut workers = Vec::new();
    for worker in 0..8 {
        let staff = staff.clone();
        workers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            for i in 0..15 {
                let key = format!("fleet-{worker}-{i}");
                done.push(intake_and_step(&staff, &key, (worker + i) % 2 == 0).await);
                if i % 5 == 0 {
                    let (status, summary) = staff
                        .get(&format!("/api/v1/oversight/summary?division={TOWNSHIP}"))
                        .await;
                    assert_eq!(status, StatusCode::OK, "{summary}");
                }
            }
            done
        }));
    }
    let mut complaints = Vec::new();
    for worker in workers {
        complaints.extend(worker.await.unwrap());
    }
    let escalated: Vec<&String> = complaints
        .iter()
        .filter(|(_, e)| *e)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(complaints.len(), 120);
    assert_eq!(escalated.len(), 60);

    // Every escalation becomes its lead, whichever relay delivers it.
    for id in &escalated {
        let mut lead = None;
        for _ in 0..300 {
            let (_, now) = staff.get(&format!("/api/v1/complaints/{id}")).await;
            if let Some(found) = now["handling"]["lead_id"].as_str() {
                lead = Some(found.to_owned());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(lead.is_some(), "complaint {id} has no lead after 30 s");
    }
    let complaints_db = fleet.database_url("complaints");
    let cases_db = fleet.database_url("cases");
    assert_eq!(
        count(&complaints_db, "SELECT COUNT(*) FROM complaints").await,
        120
    );
    assert_eq!(
        count(&complaints_db, "SELECT COUNT(*) FROM complaint_outbox").await,
        60
    );
    assert_eq!(
        count(
            &complaints_db,
            "SELECT COUNT(*) FROM complaint_outbox WHERE delivered_at IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &cases_db,
            "SELECT COUNT(*) FROM cases WHERE complaint_id <> ''"
        )
        .await,
        60,
        "one lead per escalation"
    );
    assert_eq!(
        count(
            &cases_db,
            "SELECT COUNT(DISTINCT complaint_id) FROM cases WHERE complaint_id <> ''"
        )
        .await,
        60
    );

    // Each replica of each service took calls.
    for replicas in [&fleet.cases, &fleet.complaints, &fleet.training] {
        for replica in replicas {
            let calls = served(replica.metrics_port).await;
            assert!(
                calls > 0.0,
                "the {} replica on {} served no call",
                replica.service,
                replica.port
            );
        }
    }

    // Failed logins from one address count across both gateways: three
    // allowed in all, the fourth refused by either.
    for _ in 0..3 {
        let (status, _) = anyone.login("desk.staff", "not the password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    for _ in 0..2 {
        let (status, refused) = anyone.login("desk.staff", "not the password").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{refused}");
    }
    // So do public requests: five a minute from one address, across both.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(anyone.get("/api/v1/public/complaints/ABCD2345EFGH").await.0);
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(refused, 2, "{statuses:?}");
    assert!(staff.failures().is_empty(), "{:#?}", staff.failures());
}

#[tokio::test]
async fn every_replica_restarted_in_turn_under_load_goes_unnoticed() {
    // Two seconds of draining: time enough, on a busy machine, to see each
    // replica say so before it stops taking connections.
    let Some(mut fleet) = Fleet::start(2, &[("FAZHI_SHUTDOWN__DRAIN_MS", "2000")]).await else {
        return; // Needs PostgreSQL: every replica of a service shares one database.
    };
    let staff = Client::new(fleet.gateway_urls()).township_staff().await;

    // Clients keep taking complaints in, each under its own key, while
    // every replica is restarted in turn.
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for worker in 0..4 {
        let (staff, stop) = (staff.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut taken = HashMap::new();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let key = format!("rolling-{worker}-{i}");
                let (status, created) = staff
                    .post("/api/v1/complaints", &complaint_body(), Some(&key))
                    .await;
                assert_eq!(status, StatusCode::CREATED, "{key}: {created}");
                let id = created["id"].as_str().unwrap().to_owned();
                let (status, read) = staff.get(&format!("/api/v1/complaints/{id}")).await;
                assert_eq!(status, StatusCode::OK, "{read}");
                taken.insert(key, id);
                i += 1;
            }
            taken
        }));
    }

    let mut stops = Vec::new();
    for service in ["training", "cases", "complaints", "gateway"] {
        for n in 0..2 {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let replica = &mut fleet.replicas(service)[n];
            replica.terminate();
            // It says so at once, while still answering.
            assert_draining(replica.service, &replica.url()).await;
            // Out by its shutdown deadline (10 s) at the latest; a process
            // still there after 15 s is stuck.
            let (status, took) = replica.exited(Duration::from_secs(15)).await;
            assert!(
                status.success(),
                "the {service} replica exited with {status}"
            );
            stops.push((service, took));
            replica.spawn();
            replica.wait_ready().await;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    eprintln!("SIGTERM to exit, each replica in turn (drain 2 s): {stops:?}");
    let mut taken = HashMap::new();
    for worker in workers {
        taken.extend(worker.await.unwrap());
    }

    assert!(
        staff.failures().is_empty(),
        "5xx answered: {:#?}",
        staff.failures()
    );
    let ids: HashSet<&String> = taken.values().collect();
    assert_eq!(
        ids.len(),
        taken.len(),
        "two keys were answered with one complaint"
    );
    let stored = count(
        &fleet.database_url("complaints"),
        "SELECT COUNT(*) FROM complaints",
    )
    .await;
    assert_eq!(
        stored,
        taken.len() as i64,
        "every complaint taken is stored once ({} taken, {stops:?})",
        taken.len()
    );
    assert!(
        taken.len() > 50,
        "the load kept going: {} complaints",
        taken.len()
    );
}

/// A replica told to stop reports it within its drain while still
/// answering: a service's health says NOT_SERVING, a gateway's readiness 503.
async fn assert_draining(service: &str, url: &str) {
    let channel = grpc::connect_lazy(url, &GrpcClientSettings::default()).unwrap();
    for _ in 0..100 {
        let draining = if service == "gateway" {
            match reqwest::get(format!("{url}/readyz")).await {
                Ok(response) => {
                    response.status() == StatusCode::SERVICE_UNAVAILABLE
                        && response.json::<Value>().await.unwrap()["status"] == "draining"
                }
                Err(_) => false,
            }
        } else {
            matches!(grpc::check_health(channel.clone(), "").await, Ok(false))
        };
        if draining {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the {service} replica at {url} did not report draining while it drained");
}

mod kill;
