//! Crash under load: every service its own process behind a gateway, and
//! while township staff take complaints in one at a time and in 12345
//! pushes, dispatch and escalate them, record and decline leads and register
//! officers, a process picked at random is killed (SIGKILL) at a random
//! moment and started again, cycle after cycle. Each client retries what was
//! not answered with the same key, as a township app does; a leader
//! imports the ledger five rows a file. Afterwards every
//! acknowledged write is there exactly once, every escalation became exactly
//! one lead, every case history verifies, and the county's figures — kept as
//! running totals — equal the counts the test makes from what it sent.
//!
//! `FAZHI_CRASH_CYCLES` sets the cycles (4 here, one per process on
//! average; 20 for the long run) and `FAZHI_CRASH_SEED` replays a run.

use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{FixedOffset, Utc};
use fazhi_e2e::{
    TOWNSHIP, complaint_body,
    fleet::{ADMIN_PASSWORD, Fleet},
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::authorization::id_number;
use crate::fixtures::lead;

const PROCESSES: [&str; 4] = ["gateway", "training", "cases", "complaints"];
/// A village of the township: a unit complaints are dispatched to.
const VILLAGE: &str = "411624100201";
/// How long one write may take to land, retries and restarts included.
const PATIENCE: Duration = Duration::from_secs(120);

/// splitmix64: random moments and processes, replayable from the seed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What a request carries.
#[derive(Clone, Copy)]
enum Payload<'a> {
    Json(&'a Value),
    Csv(&'a str),
}

/// A client that keeps sending one request, with its key, until it is
/// answered by a live system: through a refused connection, a 5xx (a
/// service restarting) and a 409 `idempotency_key_in_use` (the attempt a
/// killed gateway left unfinished, until it goes stale).
#[derive(Clone)]
struct Patient {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Patient {
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Payload<'_>>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let started = Instant::now();
        loop {
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base));
            if !self.token.is_empty() {
                request = request.bearer_auth(&self.token);
            }
            match body {
                Some(Payload::Json(body)) => request = request.json(body),
                Some(Payload::Csv(text)) => {
                    request = request
                        .header("content-type", "text/csv")
                        .body(text.to_owned());
                }
                None => {}
            }
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            let answer = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let value = response.json().await.unwrap_or(Value::Null);
                    let busy =
                        status == StatusCode::CONFLICT && value["code"] == "idempotency_key_in_use";
                    (!status.is_server_error() && !busy).then_some((status, value))
                }
                Err(_) => None,
            };
            if let Some(answer) = answer {
                return answer;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{method} {path} was not answered within {PATIENCE:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn post(&self, path: &str, body: &Value, key: Option<&str>) -> (StatusCode, Value) {
        self.send(Method::POST, path, Some(Payload::Json(body)), key)
            .await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None, None).await
    }

    /// Every item of a paged list, `field` naming the page's array.
    async fn all(&self, path: &str, field: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut token = String::new();
        loop {
            let (status, page) = self
                .get(&format!("{path}&page_size=200&page_token={token}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{path}: {page}");
            let rows = page[field]
                .as_array()
                .unwrap_or_else(|| panic!("{path} has no {field}: {page}"));
            items.extend(rows.iter().cloned());
            match page["next_page_token"].as_str() {
                Some(next) => token = next.to_owned(),
                None => return items,
            }
        }
    }
}

/// What the clients were told landed.
#[derive(Default)]
struct Acknowledged {
    singles: Vec<String>,
    pushed: Vec<String>,
    escalated: Vec<String>,
    dispatched: Vec<String>,
    leads: Vec<String>,
    declined: Vec<String>,
    people: Vec<String>,
    /// Ledger rows imported (the import answers counts, not ids).
    imported: usize,
}

type Shared = Arc<Mutex<Acknowledged>>;

fn now_text(offset_minutes: i64) -> String {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    (Utc::now() + chrono::Duration::minutes(offset_minutes))
        .with_timezone(&china)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Takes complaints in one by one, then dispatches or escalates each.
async fn intake_and_steps(worker: usize, client: Patient, stop: Arc<AtomicBool>, seen: Shared) {
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let key = format!("crash-single-{worker}-{i}");
        let (status, created) = client
            .post("/api/v1/complaints", &complaint_body(), Some(&key))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        seen.lock().unwrap().singles.push(id.clone());
        let escalate = i % 2 == 0;
        loop {
            let (status, now) = client.get(&format!("/api/v1/complaints/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{now}");
            // A step answered by a process that died before its answer
            // reached us has landed: the complaint moved on.
            if now["version"] != created["version"] {
                break;
            }
            let (path, mut body) = if escalate {
                let body = json!({
                    "party": { "kind": "person", "name": "王五" },
                    "act_on": "2026-06-01", "continuing": true, "note": "现场核实在建",
                });
                (format!("/api/v1/complaints/{id}/escalate"), body)
            } else {
                let body = json!({ "unit": VILLAGE });
                (format!("/api/v1/complaints/{id}/dispatch"), body)
            };
            body["version"] = now["version"].clone();
            let (status, answer) = client.post(&path, &body, None).await;
            match status {
                StatusCode::OK => break,
                StatusCode::CONFLICT => continue,
                _ => panic!("{path}: {status} {answer}"),
            }
        }
        let mut seen = seen.lock().unwrap();
        if escalate {
            seen.escalated.push(id);
        } else {
            seen.dispatched.push(id);
        }
        i += 1;
    }
}

/// The county 12345 platform pushing five tickets at a time.
async fn pushes(client: Patient, stop: Arc<AtomicBool>, seen: Shared) {
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let items: Vec<Value> = (0..5)
            .map(|j| {
                json!({
                    "source": "county_12345", "external_id": format!("CRASH-{i}-{j}"),
                    "received_at": now_text(-1), "due_at": now_text(14 * 24 * 60),
                    "channel": "hotline_12345", "type": "complaint",
                    "category": "illegal_construction", "content": "东关村夜间施工扰民",
                    "address": "老城镇东关村", "division_code": TOWNSHIP,
                    "complainant_name": "李四", "complainant_phone": "13812341234",
                })
            })
            .collect();
        let (status, answer) = client
            .post("/api/v1/complaints:batch", &json!({ "items": items }), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let mut seen = seen.lock().unwrap();
        for result in answer["results"].as_array().unwrap() {
            // Created now, or by an attempt whose answer was lost.
            let outcome = result["outcome"].as_str().unwrap();
            assert!(matches!(outcome, "created" | "unchanged"), "{answer}");
            seen.pushed.push(result["id"].as_str().unwrap().to_owned());
        }
        i += 1;
    }
}

/// The columns of a 12345 ledger (工单台账) as the import reads them.
const LEDGER_HEADER: &str = "工单编号,来源,受理时间,渠道,类型,分类,诉求内容,地址,区划代码,诉求人,电话,派单时间,承办单位,签收时间,退单时间,退单原因,延期批准时间,延期天数,答复时间,答复内容,回访时间,是否解决,满意度,办结时间,重复件原工单编号";

/// A township's leader bringing its ledger in, five rows a file: a file
/// sent again imports nothing twice (rows keyed by their ticket).
async fn imports(client: Patient, stop: Arc<AtomicBool>, seen: Shared) {
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let received = now_text(-2)[..16].replace('T', " ");
        let mut csv = format!("{LEDGER_HEADER}\n");
        for j in 0..5 {
            let mut cells: Vec<String> = vec![
                format!("CRASH{i:05}{j}"),
                "county-12345".into(),
                received.clone(),
                "12345热线".into(),
                "投诉".into(),
                "违法建设".into(),
                "南关村有人违法建房".into(),
                "老城镇南关村".into(),
                TOWNSHIP.into(),
                "王六".into(),
                "13812341234".into(),
            ];
            cells.resize(25, String::new());
            csv.push_str(&cells.join(","));
            csv.push('\n');
        }
        let path = "/api/v1/imports/complaints?format=csv";
        let (status, report) = client
            .send(Method::POST, path, Some(Payload::Csv(&csv)), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        // Imported now, or by an attempt whose answer was lost.
        let (imported, unchanged) = (report["imported"].as_u64(), report["unchanged"].as_u64());
        assert_eq!(
            imported.unwrap_or(0) + unchanged.unwrap_or(0),
            5,
            "{report}"
        );
        seen.lock().unwrap().imported += 5;
        i += 1;
    }
}

/// Leads recorded by hand, every other one declined.
async fn leads(client: Patient, stop: Arc<AtomicBool>, seen: Shared) {
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let key = format!("crash-lead-{i}");
        let (status, case) = client.post("/api/v1/cases", &lead(), Some(&key)).await;
        // 200: the lead a lost answer had recorded, found by the key.
        assert!(
            matches!(status, StatusCode::CREATED | StatusCode::OK),
            "{status} {case}"
        );
        let id = case["id"].as_str().unwrap().to_owned();
        seen.lock().unwrap().leads.push(id.clone());
        if i % 2 == 0 {
            loop {
                let (status, now) = client.get(&format!("/api/v1/cases/{id}")).await;
                assert_eq!(status, StatusCode::OK, "{now}");
                if now["status"] == "not_filed" {
                    break;
                }
                let body = json!({
                    "version": now["version"], "reason": "违法行为已过行政处罚时效",
                });
                let path = format!("/api/v1/cases/{id}/decline");
                let (status, answer) = client.post(&path, &body, None).await;
                match status {
                    StatusCode::OK => break,
                    StatusCode::CONFLICT => continue,
                    _ => panic!("{path}: {status} {answer}"),
                }
            }
            seen.lock().unwrap().declined.push(id);
        }
        i += 1;
    }
}

/// Officers registered with the training service.
async fn people(client: Patient, stop: Arc<AtomicBool>, seen: Shared) {
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let number = id_number(9_000 + i);
        let body = json!({
            "division_code": TOWNSHIP, "name": format!("执法队员{i}"), "id_number": number,
            "unit": "老城镇综合行政执法队", "employment": "civil_servant",
        });
        let key = format!("crash-person-{i}");
        let (status, answer) = client.post("/api/v1/people", &body, Some(&key)).await;
        // 409: registered by an attempt whose answer was lost.
        assert!(
            matches!(status, StatusCode::CREATED | StatusCode::CONFLICT),
            "{status} {answer}"
        );
        seen.lock().unwrap().people.push(number);
        i += 1;
    }
}

async fn login(client: &Patient, username: &str, password: &str) -> String {
    let (status, answer) = client
        .post(
            "/api/v1/auth/login",
            &json!({ "username": username, "password": password }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_acknowledged_write_survives_processes_killed_under_load() {
    let cycles: usize = std::env::var("FAZHI_CRASH_CYCLES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(4);
    let seed: u64 = std::env::var("FAZHI_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| Utc::now().timestamp_micros() as u64);
    println!("crash under load: {cycles} cycles, FAZHI_CRASH_SEED={seed}");
    let mut dice = Dice(seed);
    // A retry after a gateway was killed mid-request waits two seconds,
    // not a minute, for the attempt it left unfinished.
    let mut fleet = Fleet::start(1, &[("FAZHI_GATEWAY__IDEMPOTENCY_STALE_SECS", "2")])
        .await
        .expect("one process of each service starts");
    let base = fleet.gateway_urls().remove(0);
    let anyone = Patient {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        base,
        token: String::new(),
    };
    let admin = Patient {
        token: login(&anyone, "admin", ADMIN_PASSWORD).await,
        ..anyone.clone()
    };
    let (status, account) = admin
        .post(
            "/api/v1/accounts",
            &json!({
                "username": "crash.staff", "password": "a long crash-test password",
                "roles": ["staff", "leader", "county_overseer"], "division_code": TOWNSHIP,
            }),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{account}");
    let staff = Patient {
        token: login(&anyone, "crash.staff", "a long crash-test password").await,
        ..anyone.clone()
    };

    let stop = Arc::new(AtomicBool::new(false));
    let seen: Shared = Arc::default();
    let mut workers = Vec::new();
    for worker in 0..2 {
        workers.push(tokio::spawn(intake_and_steps(
            worker,
            staff.clone(),
            stop.clone(),
            seen.clone(),
        )));
    }
    workers.push(tokio::spawn(pushes(
        staff.clone(),
        stop.clone(),
        seen.clone(),
    )));
    workers.push(tokio::spawn(imports(
        staff.clone(),
        stop.clone(),
        seen.clone(),
    )));
    workers.push(tokio::spawn(leads(
        staff.clone(),
        stop.clone(),
        seen.clone(),
    )));
    workers.push(tokio::spawn(people(
        staff.clone(),
        stop.clone(),
        seen.clone(),
    )));

    for cycle in 0..cycles {
        tokio::time::sleep(Duration::from_millis(300 + dice.below(1_200))).await;
        let victim = PROCESSES[dice.below(PROCESSES.len() as u64) as usize];
        let replica = &mut fleet.replicas(victim)[0];
        replica.kill();
        replica.exited(Duration::from_secs(30)).await;
        println!("cycle {cycle}: {victim} killed");
        replica.spawn();
        replica.wait_ready().await;
    }
    // The work goes on a moment after the last restart, then stops.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.expect("a worker finished");
    }
    let seen = Arc::try_unwrap(seen).ok().unwrap().into_inner().unwrap();
    println!(
        "acknowledged: {} single, {} pushed, {} imported, {} escalated, {} dispatched, {} leads ({} declined), {} people",
        seen.singles.len(),
        seen.pushed.len(),
        seen.imported,
        seen.escalated.len(),
        seen.dispatched.len(),
        seen.leads.len(),
        seen.declined.len(),
        seen.people.len()
    );
    check(&staff, &seen).await;
}

/// Every acknowledged write there once, the escalations delivered once,
/// the histories whole, the running totals equal to the test's counts.
async fn check(staff: &Patient, seen: &Acknowledged) {
    let division = format!("?division={TOWNSHIP}");
    let complaints = staff
        .all(&format!("/api/v1/complaints{division}"), "complaints")
        .await;
    let stored: HashSet<&str> = complaints.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(stored.len(), complaints.len(), "a complaint listed twice");
    let sent: HashSet<&str> = seen
        .singles
        .iter()
        .chain(&seen.pushed)
        .map(String::as_str)
        .collect();
    assert_eq!(
        sent.len(),
        seen.singles.len() + seen.pushed.len(),
        "one id answered for two requests"
    );
    assert!(sent.is_subset(&stored), "acknowledged complaints lost");
    assert_eq!(
        stored.len(),
        sent.len() + seen.imported,
        "complaints lost or written twice"
    );

    // Each escalation's lead, delivered by the outbox once it could be.
    let started = Instant::now();
    for id in &seen.escalated {
        loop {
            let (_, now) = staff.get(&format!("/api/v1/complaints/{id}")).await;
            if now["handling"]["lead_id"].is_string() {
                break;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "complaint {id} has no lead: {now}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let cases = staff
        .all(&format!("/api/v1/cases{division}"), "cases")
        .await;
    let from_complaints: Vec<&str> = cases
        .iter()
        .filter_map(|c| c["complaint_id"].as_str())
        .filter(|c| !c.is_empty())
        .collect();
    let escalated: HashSet<&str> = seen.escalated.iter().map(String::as_str).collect();
    assert_eq!(
        from_complaints.len(),
        escalated.len(),
        "one lead per escalation, none twice"
    );
    assert_eq!(
        from_complaints.into_iter().collect::<HashSet<_>>(),
        escalated
    );
    assert_eq!(
        cases.len(),
        seen.escalated.len() + seen.leads.len(),
        "leads lost or recorded twice"
    );
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let (status, verified) = staff
            .get(&format!("/api/v1/cases/{id}/history/verify"))
            .await;
        assert_eq!(status, StatusCode::OK, "{verified}");
        assert_eq!(verified["intact"], true, "case {id}: {verified}");
    }

    let people = staff
        .all(&format!("/api/v1/people{division}"), "people")
        .await;
    assert_eq!(
        people.len(),
        seen.people.len(),
        "people lost or registered twice"
    );

    // The running totals against the test's own counts.
    let year = Utc::now()
        .with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8"))
        .format("%Y");
    let (status, summary) = staff
        .get(&format!("/api/v1/oversight/summary{division}&year={year}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["partial"], false, "{summary}");
    let figures = [
        (&summary["complaints"]["received"], stored.len()),
        (&summary["complaints"]["escalated"], seen.escalated.len()),
        (&summary["complaints"]["dispatched"], seen.dispatched.len()),
        (&summary["cases"]["total"], cases.len()),
        (&summary["cases"]["not_filed"], seen.declined.len()),
    ];
    for (figure, counted) in figures {
        assert_eq!(figure.as_u64(), Some(counted as u64), "{summary}");
    }
}
