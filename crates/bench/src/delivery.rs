//! Answering back (回传) under load: 32 clients take steps on a platform's
//! tickets as fast as the server takes them, while the relay delivers each
//! step, signed, to a receiver in this process. Goal: deliveries per second
//! at least the steps per second, p99 from a step's commit to its delivery
//! ≤ 1 s; the ceiling beside it is the step rate itself.

use std::{
    path::Path,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{Router, body::Bytes, extract::State, http::StatusCode, routing};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::{Args, System, drive, report};

/// The bootstrap administrator's password for the run.
const ADMIN_PASSWORD: &str = "benchmark administrator password";
/// Tickets per client: a client takes a step on one while the rest wait.
const TICKETS_PER_CLIENT: usize = 4;

/// Every delivery the receiver took: when its step was taken, when it came.
#[derive(Default)]
struct Heard {
    arrivals: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

async fn hook(State(heard): State<Arc<Mutex<Heard>>>, body: Bytes) -> StatusCode {
    let now = Utc::now();
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let Some(at) = event["at"]
        .as_str()
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
    else {
        return StatusCode::BAD_REQUEST;
    };
    heard
        .lock()
        .unwrap()
        .arrivals
        .push((at.with_timezone(&Utc), now));
    StatusCode::NO_CONTENT
}

pub async fn run(binary: &Path, args: &Args) -> anyhow::Result<()> {
    let heard = Arc::new(Mutex::new(Heard::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/hook", listener.local_addr()?);
    let app = Router::new()
        .route("/hook", routing::post(hook))
        .with_state(heard.clone());
    let receiver = tokio::spawn(async move { axum::serve(listener, app).await });

    let data = tempfile::tempdir()?;
    // A county leader's key pushes the tickets and urges them (督办, a step
    // it may take again and again); the county's administrator registers
    // the platform's endpoint.
    let system = System::start_with(
        binary,
        data.path(),
        "leader",
        args.concurrency,
        &[
            (
                "FAZHI_RULES__COMPLAINTS__DELIVERY_ALLOWED_HOSTS",
                "[\"127.0.0.1\"]",
            ),
            ("FAZHI_ADMIN_PASSWORD", ADMIN_PASSWORD),
        ],
    )
    .await?;
    let (client, base, key) = (
        system.client.clone(),
        system.base.clone(),
        system.api_key.clone(),
    );
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": "admin", "password": ADMIN_PASSWORD }))
        .send()
        .await?
        .json()
        .await?;
    let admin = login["access_token"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("logging in as the administrator: {login}"))?;
    let registered = client
        .put(format!("{base}/api/v1/delivery-endpoints/county_12345"))
        .bearer_auth(admin)
        .json(&json!({ "url": hook_url }))
        .send()
        .await?;
    anyhow::ensure!(
        registered.status().is_success(),
        "registering the endpoint: {}",
        registered.text().await?
    );
    let received = fazhi_platform::time::to_rfc3339(Utc::now() - chrono::Duration::hours(1));
    let tickets = args.concurrency * TICKETS_PER_CLIENT;
    let items: Vec<Value> = (0..tickets)
        .map(|n| {
            json!({
                "source": "county_12345", "external_id": format!("BENCH-{n}"),
                "received_at": received, "channel": "hotline_12345", "type": "complaint",
                "category": "illegal_construction", "content": "西关村有人在耕地上违法建房",
                "address": "老城镇西关村", "division_code": "411624100",
                "complainant_phone": "13812341234",
            })
        })
        .collect();
    let pushed: Value = client
        .post(format!("{base}/api/v1/complaints:batch"))
        .header("x-api-key", &key)
        .json(&json!({ "items": items }))
        .send()
        .await?
        .json()
        .await?;
    let ids: Vec<Arc<tokio::sync::Mutex<(String, i64)>>> = pushed["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|r| r["id"].as_str())
                .map(|id| Arc::new(tokio::sync::Mutex::new((id.to_owned(), 1))))
                .collect()
        })
        .unwrap_or_default();
    anyhow::ensure!(ids.len() == tickets, "the push answered {pushed}");

    let ids = Arc::new(ids);
    let next = Arc::new(AtomicUsize::new(0));
    // Every step taken, the warm-up's too: each is delivered.
    let taken = Arc::new(AtomicUsize::new(0));
    let counted = taken.clone();
    let started = Instant::now();
    let steps = drive(args.concurrency, args.seconds, move || {
        let (client, base, key, ids, next, counted) = (
            client.clone(),
            base.clone(),
            key.clone(),
            ids.clone(),
            next.clone(),
            counted.clone(),
        );
        async move {
            // The next ticket nobody is stepping on.
            let mut ticket = loop {
                let i = next.fetch_add(1, Ordering::Relaxed) % ids.len();
                if let Ok(t) = ids[i].clone().try_lock_owned() {
                    break t;
                }
            };
            let answer = client
                .post(format!("{base}/api/v1/complaints/{}/supervise", ticket.0))
                .header("x-api-key", key)
                .json(&json!({ "version": ticket.1 }))
                .send()
                .await
                .map_err(|_| ())?;
            if !answer.status().is_success() {
                return Err(());
            }
            let after: Value = answer.json().await.map_err(|_| ())?;
            ticket.1 = after["version"].as_i64().ok_or(())?;
            counted.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    })
    .await;
    let stepped = started.elapsed();
    let taken = taken.load(Ordering::Relaxed);
    heard_all(&heard, taken).await;
    let drained = started.elapsed();
    system.stop().await;
    receiver.abort();

    let heard = heard.lock().unwrap();
    let mut lags: Vec<Duration> = heard
        .arrivals
        .iter()
        .map(|(at, came)| (*came - *at).to_std().unwrap_or_default())
        .collect();
    lags.sort();
    let lag = |p: f64| {
        lags.get(((lags.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1000.0
    };
    report(
        &format!(
            "steps (督办) on {tickets} pushed tickets through REST, {} clients — the ceiling",
            args.concurrency
        ),
        &steps,
    );
    let step_rate = taken as f64 / stepped.as_secs_f64();
    let delivery_rate = heard.arrivals.len() as f64 / drained.as_secs_f64();
    println!("deliveries to a receiver on this machine");
    println!(
        "  delivered         {} of {taken} steps in {:.1} s ({:.0} /s; steps {:.0} /s)",
        heard.arrivals.len(),
        drained.as_secs_f64(),
        delivery_rate,
        step_rate
    );
    println!(
        "  step to delivery  p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lag(0.50),
        lag(0.99),
        lag(1.0)
    );
    println!(
        "goal: deliveries/s ≥ steps/s and p99 step-to-delivery ≤ 1 s — {:.0} /s vs {:.0} /s, p99 {:.0} ms",
        delivery_rate,
        step_rate,
        lag(0.99)
    );
    Ok(())
}

/// Waits (at most a minute) until the receiver heard `steps` deliveries.
async fn heard_all(heard: &Arc<Mutex<Heard>>, steps: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while heard.lock().unwrap().arrivals.len() < steps && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
