//! The complaints database's write-ahead log under a sustained push with
//! readers beside it: its largest size, sampled every 100 ms, against the
//! bound it is kept under (`database.wal_limit_mib`).

use std::{path::Path, sync::Arc, time::Duration};

use super::{Args, System, drive, report};

pub async fn run(binary: &Path, args: &Args) -> anyhow::Result<()> {
    const PER_PUSH: usize = 1_000;
    const PUSHERS: usize = 2;
    const READERS: usize = 4;
    let data = tempfile::tempdir()?;
    let system = System::start(binary, data.path(), "staff", PUSHERS + READERS).await?;
    let wal = data.path().join("complaints.db-wal");
    let largest = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let sampling = fazhi_platform::shutdown::CancellationToken::new();
    let sampler = {
        let (wal, largest, stop) = (wal.clone(), largest.clone(), sampling.clone());
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(Duration::from_millis(100));
            while !stop.is_cancelled() {
                ticks.tick().await;
                let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
                largest.fetch_max(size, std::sync::atomic::Ordering::Relaxed);
            }
        })
    };
    let (client, base, api_key) = (
        system.client.clone(),
        system.base.clone(),
        system.api_key.clone(),
    );
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let push = {
        let (client, base, api_key) = (client.clone(), base.clone(), api_key.clone());
        drive(PUSHERS, args.seconds, move || {
            let (client, base, api_key, counter) = (
                client.clone(),
                base.clone(),
                api_key.clone(),
                counter.clone(),
            );
            async move {
                let first = counter.fetch_add(PER_PUSH, std::sync::atomic::Ordering::Relaxed);
                let items: Vec<serde_json::Value> = (first..first + PER_PUSH)
                    .map(|n| {
                        let mut item = super::complaints::body();
                        let fields = item.as_object_mut().expect("an object");
                        fields.insert("source".into(), "county_12345".into());
                        fields.insert("external_id".into(), format!("W{n:09}").into());
                        // Spread over the year's days, as a township's past comes in.
                        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                            + chrono::Duration::days((n / PER_PUSH % 300) as i64);
                        fields.insert("received_at".into(), format!("{day}T09:30:00+08:00").into());
                        item
                    })
                    .collect();
                let response = client
                    .post(format!("{base}/api/v1/complaints:batch"))
                    .header("x-api-key", api_key)
                    .json(&serde_json::json!({ "items": items }))
                    .send()
                    .await
                    .map_err(|_| ())?;
                response.status().is_success().then_some(()).ok_or(())
            }
        })
    };
    let read = drive(READERS, args.seconds, move || {
        let (client, base, api_key) = (client.clone(), base.clone(), api_key.clone());
        async move {
            let response = client
                .get(format!(
                    "{base}/api/v1/complaints?division=411624&page_size=50"
                ))
                .header("x-api-key", api_key)
                .send()
                .await
                .map_err(|_| ())?;
            response.status().is_success().then_some(()).ok_or(())
        }
    });
    let (push, read) = tokio::join!(push, read);
    sampling.cancel();
    sampler.await?;
    let database = std::fs::metadata(data.path().join("complaints.db")).map_or(0, |m| m.len());
    system.stop().await;
    println!();
    report(
        &format!("sustained push ({PER_PUSH} per push, {PUSHERS} at once) with {READERS} readers"),
        &push,
    );
    report("readers beside it: GET /api/v1/complaints", &read);
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    let largest = largest.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "goal: WAL ≤ 64 MiB throughout — largest {:.1} MiB (bound {} MiB) over {} s, {:.0} complaints/s; database {:.1} MiB",
        mib(largest),
        fazhi_platform::db::DEFAULT_WAL_LIMIT_BYTES >> 20,
        args.seconds,
        push.rate() * PER_PUSH as f64,
        mib(database)
    );
    Ok(())
}
