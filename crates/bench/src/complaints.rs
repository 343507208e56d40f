//! Complaint intake and figures, each beside its ceiling from the same run:
//! - single intake through REST at the given concurrency, against a bare
//!   SQLite file committing one row per transaction (goal: ≥ 1.5× that,
//!   p99 ≤ 10 ms) or, on PostgreSQL, pgbench's one-row insert (goal: ≥ 0.5×),
//!   against the store's own group-committed insert, and against bare axum
//!   and tonic round trips on loopback;
//! - the county 12345 platform's batch push, 1,000 per request (goal:
//!   ≥ 20,000 complaints/s), against the store's push of the same batches;
//! - the complaint figures of a county year through REST over 10,000 and
//!   over 1,000,000 complaints (goal: ≤ 100 ms, and no more than 2× the
//!   10,000 figure), against the same sum straight on the store.

use std::{path::Path, sync::Arc};

use chrono::{TimeZone, Utc};
use fazhi_calendar::Calendar;
use fazhi_complaints::{
    domain::{self, Channel, NewComplaint, ReplyRules, RequestType},
    store::{Store, push::Create},
};

use crate::{
    Args, Run, System,
    backend::{fresh_store, per_row, start},
    bare, drive, peak_rss_kib, post_created, report,
};

/// Townships of the seeded county (411624100 … 411624119).
const TOWNSHIPS: usize = 20;
/// The year the figures are asked for.
const YEAR: i32 = 2025;

pub(crate) fn new_complaint(township: usize, phone: &str) -> NewComplaint {
    NewComplaint {
        channel: Channel::Hotline12345,
        request_type: RequestType::Complaint,
        category: "illegal_construction".into(),
        content: "西关村有人在耕地上违法建房，请尽快处理".into(),
        address: "老城镇西关村".into(),
        division_code: format!("411624{:03}", 100 + township),
        complainant_name: Some("张三".into()),
        complainant_phone: Some(phone.into()),
        urgent: false,
        concerns_unit: None,
        concerns_officer: None,
    }
}

pub(crate) fn body() -> serde_json::Value {
    serde_json::json!({
        "channel": "hotline_12345",
        "type": "complaint",
        "category": "illegal_construction",
        "content": "西关村有人在耕地上违法建房，请尽快处理",
        "address": "老城镇西关村",
        "division_code": "411624100",
        "complainant_name": "张三",
        "complainant_phone": "13812341234"
    })
}

pub async fn run(binary: &Path, args: &Args) -> anyhow::Result<()> {
    single(binary, args).await?;
    batch(binary, args).await?;
    if args.postgres.is_some() {
        println!("\n(the figures over a million complaints are measured on SQLite only)");
        return Ok(());
    }
    figures(binary, args).await
}

/// One complaint per request, beside the transports' bare round trips and
/// the two ceilings of the store.
async fn single(binary: &Path, args: &Args) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let (system, fleet) = start(binary, data.path(), args.concurrency, args).await?;
    let (client, pid) = (system.client.clone(), system.pid);
    let url = format!("{}/api/v1/complaints", system.base);
    let api_key = system.api_key.clone();
    let payload = serde_json::to_vec(&body())?;
    let rest = drive(args.concurrency, args.seconds, move || {
        let (client, url, body, api_key) = (
            client.clone(),
            url.clone(),
            payload.clone(),
            api_key.clone(),
        );
        async move { post_created(&client, &url, Some(&api_key), body).await }
    })
    .await;
    let peak_rss = peak_rss_kib(pid);
    let direct = grpc_direct(&system, args).await?;
    system.stop().await;

    drop(fleet);
    let bare_http =
        bare::axum_post(args.concurrency, args.seconds, serde_json::to_vec(&body())?).await?;
    let bare_grpc = bare::tonic_check(args.concurrency, args.seconds).await?;
    let row = String::from_utf8(serde_json::to_vec(&body())?)?;
    let (per_row, ceiling) = per_row(args, row).await?;

    let (store, _store_db) = fresh_store(args).await?;
    let calendar = Arc::new(Calendar::official());
    let grouped = drive(args.concurrency, args.seconds, move || {
        let (store, calendar) = (store.clone(), calendar.clone());
        async move {
            let complaint = domain::intake(
                new_complaint(0, "13812341234"),
                fazhi_platform::time::now(),
                &calendar,
                &ReplyRules::default(),
                uuid::Uuid::now_v7().to_string(),
                domain::new_tracking_code(),
            )
            .map_err(|_| ())?;
            store
                .insert(complaint, None)
                .await
                .map(|_| ())
                .map_err(|_| ())
        }
    })
    .await;

    println!();
    report(
        "REST POST /api/v1/complaints (gateway → gRPC → store)",
        &rest,
    );
    match peak_rss {
        Some(kib) => println!("  server peak RSS   {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  server peak RSS   unavailable"),
    }
    report(
        "the same intake over gRPC straight to the complaints service (no gateway)",
        &direct,
    );
    report(
        "ceiling: bare axum on loopback, the same POST answered 201 without work",
        &bare_http,
    );
    report(
        "ceiling: bare tonic on loopback, a health check per call on Fazhi's client channel",
        &bare_grpc,
    );
    report(ceiling, &per_row);
    report(
        "the store's own insert (group commit, running totals)",
        &grouped,
    );
    let goal = if args.postgres.is_some() {
        "on PostgreSQL ≥ 0.5× pgbench's one-row insert"
    } else {
        "≥ 1.5× the per-row ceiling"
    };
    println!(
        "goal: REST {goal}, p99 ≤ 10 ms — {:.2}×, p99 {:.2} ms",
        rest.rate() / per_row.rate(),
        p99(&rest)
    );
    let wanted = if args.postgres.is_some() { 0.5 } else { 1.5 };
    let ratio = rest.rate() / per_row.rate();
    if p99(&rest) > 10.0 || ratio < wanted {
        println!(
            "why: {:.2}× the ceiling (goal {wanted}×), p99 {:.2} ms (goal 10 ms). Measured apart in the same run: \
             the store's own insert alone {:.0}/s, p50 {:.2} ms, p99 {:.2} ms (one durable commit per group; a bare \
             one-row commit takes p50 {:.2} ms on this disk); the service over gRPC without the gateway p50 {:.2} ms, \
             p99 {:.2} ms; REST p50 {:.2} ms; bare axum and bare tonic p50 {:.2} and {:.2} ms. The transports \
             take about a millisecond; the rest of the time is the store's commits and the work around each.",
            ratio,
            p99(&rest),
            grouped.rate(),
            grouped.ms(0.5),
            p99(&grouped),
            per_row.ms(0.5),
            direct.ms(0.5),
            direct.ms(0.99),
            rest.ms(0.5),
            bare_http.ms(0.5),
            bare_grpc.ms(0.5),
        );
    }
    Ok(())
}

/// `CreateComplaint` called on the complaints service as the gateway calls
/// it (a signed identity, the same body), to split the REST path's cost.
async fn grpc_direct(system: &System, args: &Args) -> anyhow::Result<Run> {
    use fazhi_proto::complaints::v1 as pb;
    let (client, signed) = system.complaints_direct(fazhi_platform::auth::Role::Staff)?;
    Ok(drive(args.concurrency, args.seconds, move || {
        let mut client = client.clone();
        let request = signed.request(pb::CreateComplaintRequest {
            channel: pb::Channel::Hotline12345 as i32,
            r#type: pb::RequestType::Complaint as i32,
            category: "illegal_construction".into(),
            content: "西关村有人在耕地上违法建房，请尽快处理".into(),
            address: "老城镇西关村".into(),
            division_code: "411624100".into(),
            complainant_name: Some("张三".into()),
            complainant_phone: Some("13812341234".into()),
            ..Default::default()
        });
        async move {
            client
                .create_complaint(request)
                .await
                .map(|_| ())
                .map_err(|_| ())
        }
    })
    .await)
}

fn p99(run: &Run) -> f64 {
    run.percentile(0.99).as_secs_f64() * 1000.0
}

/// Pushes of 1,000 tickets through REST, and the store's push of the same.
async fn batch(binary: &Path, args: &Args) -> anyhow::Result<()> {
    const PER_PUSH: usize = 1_000;
    // Two pushes at once: the gateway handles that many uploads together.
    const PUSHERS: usize = 2;
    let data = tempfile::tempdir()?;
    let (system, fleet) = start(binary, data.path(), PUSHERS, args).await?;
    let client = system.client.clone();
    let url = format!("{}/api/v1/complaints:batch", system.base);
    let api_key = system.api_key.clone();
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let rest = drive(PUSHERS, args.seconds, move || {
        let (client, url, api_key, counter) = (
            client.clone(),
            url.clone(),
            api_key.clone(),
            counter.clone(),
        );
        async move {
            let first = counter.fetch_add(PER_PUSH, std::sync::atomic::Ordering::Relaxed);
            let items: Vec<serde_json::Value> = (first..first + PER_PUSH)
                .map(|n| {
                    let mut item = body();
                    let fields = item.as_object_mut().expect("an object");
                    fields.insert("source".into(), "county_12345".into());
                    fields.insert("external_id".into(), format!("SQ{n:09}").into());
                    fields.insert("received_at".into(), "2026-11-02T09:30:00+08:00".into());
                    item
                })
                .collect();
            let response = client
                .post(&url)
                .header("x-api-key", api_key)
                .json(&serde_json::json!({ "items": items }))
                .send()
                .await
                .map_err(|_| ())?;
            let answer: serde_json::Value = response.json().await.map_err(|_| ())?;
            (answer["created"].as_u64() == Some(PER_PUSH as u64))
                .then_some(())
                .ok_or(())
        }
    })
    .await;
    system.stop().await;
    drop(fleet);

    let (store, _store_db) = fresh_store(args).await?;
    let calendar = Arc::new(Calendar::official());
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stored = drive(PUSHERS, args.seconds, move || {
        let (store, calendar, next) = (store.clone(), calendar.clone(), next.clone());
        async move {
            let first = next.fetch_add(PER_PUSH, std::sync::atomic::Ordering::Relaxed);
            let batch = tickets(&calendar, first, PER_PUSH, Utc::now())?;
            store.push(batch, &[], "bench").await.map_err(|_| ())
        }
    })
    .await;

    println!();
    report(
        &format!("REST POST /api/v1/complaints:batch ({PER_PUSH} per push, {PUSHERS} at once)"),
        &rest,
    );
    report("ceiling: the store's push of the same batches", &stored);
    let (pushed, ceiling) = (
        rest.rate() * PER_PUSH as f64,
        stored.rate() * PER_PUSH as f64,
    );
    println!("goal: ≥ 20,000 complaints/s — {pushed:.0}/s (ceiling {ceiling:.0}/s)");
    if pushed < 20_000.0 {
        println!(
            "why: {pushed:.0}/s, {:.0}% short of 20,000/s; the store's own push of the same batches, measured \
             apart, reaches {ceiling:.0}/s, itself short of the goal: each ticket is a complaint row, its events \
             and the day's running totals written by one writer; a push of {PER_PUSH} takes p50 {:.0} ms on the \
             store and {:.0} ms through REST.",
            (1.0 - pushed / 20_000.0) * 100.0,
            stored.ms(0.5),
            rest.ms(0.5),
        );
    }
    Ok(())
}

/// `count` new tickets for the township `township % TOWNSHIPS`, received at `at`.
fn tickets(
    calendar: &Calendar,
    start: usize,
    count: usize,
    at: chrono::DateTime<Utc>,
) -> Result<Vec<Create>, ()> {
    (start..start + count)
        .map(|n| {
            let complaint = domain::intake(
                new_complaint(n % TOWNSHIPS, &format!("138{:08}", n % 100_000_000)),
                at,
                calendar,
                &ReplyRules::default(),
                uuid::Uuid::now_v7().to_string(),
                domain::new_tracking_code(),
            )
            .map_err(|_| ())?;
            Ok(Create {
                complaint,
                source: "seed".into(),
                external_id: format!("S{n:09}"),
            })
        })
        .collect()
}

/// Seeds `total` complaints spread over the year's days and the townships.
pub(crate) async fn seed(data: &Path, total: usize) -> anyhow::Result<()> {
    let store = Store::open(None, data).await?;
    let calendar = Calendar::official();
    let start = Utc
        .with_ymd_and_hms(YEAR, 1, 1, 1, 0, 0)
        .single()
        .expect("a day");
    // Every day of the year gets its share, as a real county's do: the
    // running totals then hold the same days whatever the total.
    const PER_BATCH: usize = 5_000;
    let mut made = 0;
    for day in 0..365 {
        let mut todays = total / 365 + usize::from(day < total % 365);
        let at = start + chrono::Duration::days(day as i64);
        while todays > 0 {
            let n = todays.min(PER_BATCH);
            let batch = tickets(&calendar, made, n, at)
                .map_err(|()| anyhow::anyhow!("a seed ticket was refused"))?;
            store.push(batch, &[], "seed").await?;
            made += n;
            todays -= n;
        }
    }
    store.database().close().await;
    Ok(())
}

/// The county-year complaint figures through REST over `total` complaints,
/// and the same sum on the store.
async fn figures_over(binary: &Path, args: &Args, total: usize) -> anyhow::Result<(Run, Run, Run)> {
    let data = tempfile::tempdir()?;
    let seeding = std::time::Instant::now();
    seed(data.path(), total).await?;
    println!(
        "\nseeded {total} complaints over {TOWNSHIPS} townships and {YEAR} in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let system = System::start(binary, data.path(), "county_overseer", 1).await?;
    let client = system.client.clone();
    let url = format!(
        "{}/api/v1/oversight/summary?division=411624&year={YEAR}",
        system.base
    );
    let api_key = system.api_key.clone();
    let expected = total as i64;
    let rest = drive(1, args.seconds, move || {
        let (client, url, api_key) = (client.clone(), url.clone(), api_key.clone());
        async move {
            let summary: serde_json::Value = client
                .get(&url)
                .header("x-api-key", api_key)
                .send()
                .await
                .map_err(|_| ())?
                .json()
                .await
                .map_err(|_| ())?;
            (summary["complaints"]["received"].as_i64() == Some(expected))
                .then_some(())
                .ok_or(())
        }
    })
    .await;
    let grpc = get_stats(&system, args, expected).await?;
    system.stop().await;

    let store = Store::open(None, data.path()).await?;
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(YEAR, 1, 1).expect("a day"),
        chrono::NaiveDate::from_ymd_opt(YEAR, 12, 31).expect("a day"),
    );
    let on_store = drive(1, args.seconds.min(5), move || {
        let store = store.clone();
        async move {
            let sums = store
                .figures("411624", "411625", from, to)
                .await
                .map_err(|_| ())?;
            (sums.get("received") == Some(&expected))
                .then_some(())
                .ok_or(())
        }
    })
    .await;
    Ok((rest, on_store, grpc))
}

/// `GetStats` for the county year called on the complaints service as the
/// gateway calls it.
async fn get_stats(system: &System, args: &Args, expected: i64) -> anyhow::Result<Run> {
    use fazhi_proto::common::v1::TimeRange;
    use fazhi_proto::complaints::v1 as pb;
    let (client, signed) = system.complaints_direct(fazhi_platform::auth::Role::CountyOverseer)?;
    let period = TimeRange {
        start: Some(fazhi_platform::time::to_timestamp(
            fazhi_platform::time::start_of_china_day(
                chrono::NaiveDate::from_ymd_opt(YEAR, 1, 1).expect("a day"),
            ),
        )),
        end: Some(fazhi_platform::time::to_timestamp(
            fazhi_platform::time::start_of_china_day(
                chrono::NaiveDate::from_ymd_opt(YEAR + 1, 1, 1).expect("a day"),
            ),
        )),
    };
    Ok(drive(1, args.seconds, move || {
        let mut client = client.clone();
        let request = signed.request(pb::GetStatsRequest {
            division_code: "411624".into(),
            period: Some(period),
        });
        async move {
            let stats = client.get_stats(request).await.map_err(|_| ())?;
            (stats.into_inner().received == expected)
                .then_some(())
                .ok_or(())
        }
    })
    .await)
}

async fn figures(binary: &Path, args: &Args) -> anyhow::Result<()> {
    let (small, small_store, _) = figures_over(binary, args, 10_000).await?;
    let (large, large_store, stats) = figures_over(binary, args, 1_000_000).await?;
    println!();
    report(
        "REST oversight summary, county year, 10,000 complaints",
        &small,
    );
    report("ceiling: the same sums on the store, 10,000", &small_store);
    report(
        "REST oversight summary, county year, 1,000,000 complaints",
        &large,
    );
    report(
        "ceiling: the same sums on the store, 1,000,000",
        &large_store,
    );
    report("gRPC GetStats, county year, 1,000,000 complaints", &stats);
    println!(
        "goal: GetStats p99 ≤ 20 ms at 1,000,000 — {:.2} ms (ceiling, the store's sums: {:.2} ms)",
        p99(&stats),
        p99(&large_store)
    );
    println!(
        "goal: ≤ 100 ms over 1,000,000 and ≤ 2× the 10,000 figure — p99 {:.2} ms vs {:.2} ms ({:.2}×; ceiling {:.2} ms)",
        p99(&large),
        p99(&small),
        p99(&large) / p99(&small).max(0.001),
        p99(&large_store)
    );
    Ok(())
}
