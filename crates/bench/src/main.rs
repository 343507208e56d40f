//! `cargo run --release -p fazhi-bench --features run`: drives each of
//! Fazhi's performance goals on a fresh release `fazhi serve`, and measures
//! its ceiling in the same run — the same work straight on the store, on a
//! bare SQLite file or pgbench, or a bare axum or tonic round trip — printing
//! both side by side.

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use anyhow::bail;
use clap::Parser;

mod backend;
mod bare;
mod cases;
mod complaints;
mod delivery;
mod feed;
mod figures;
mod import;
mod oversight;
mod report;
mod screen;
mod system;
mod training;
mod wal;

use system::{INTERNAL_SECRET, System, listening, peak_rss_kib, release_binary};

// The same allocator as the `fazhi` binary, so the ceiling is measured like for like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(about = "Throughput and latency of Fazhi's goals, each against the store's own ceiling")]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Seconds of measured load per phase (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Only these benchmarks (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Bench>,
    /// Complaints in the oversight benchmark's county (a tenth as many
    /// cases, a hundredth as many people).
    #[arg(long, default_value_t = 1_000_000)]
    complaints: usize,
    /// Oversight only: seed the county into this directory once, and reuse
    /// it on later runs (the seeding of a million complaints takes minutes).
    #[arg(long)]
    keep: Option<PathBuf>,
    /// Complaint intake and pushes on PostgreSQL at this admin URL (e.g.
    /// postgres://postgres@127.0.0.1:5432/postgres): every system on fresh
    /// databases of its own, pgbench's one-row insert the ceiling.
    #[arg(long)]
    postgres: Option<String>,
    /// `report`: run the benchmarks one by one and write BENCHMARKS.md.
    #[arg(value_enum)]
    mode: Option<Mode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Mode {
    /// Every benchmark asked for (`--only`, default all) and the county
    /// summary at 10,000, 100,000 and 1,000,000 complaints, each in a
    /// process of its own, written up in BENCHMARKS.md with an SVG.
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Bench {
    /// Complaint intake (one and 1,000 at a time) and the county's complaint figures through REST.
    Complaints,
    /// IsCertified, the annual review and the roster import over gRPC.
    Training,
    /// Training statistics of a past year through REST.
    Figures,
    /// Filing a case through REST, and a division's case figures.
    Cases,
    /// The county summary, the dashboard's first screen and the annual report over a county's records.
    Oversight,
    /// A page of 10,000 complaint steps from the feed over 1,000,000 complaints.
    Feed,
    Delivery,
    /// A ledger of 100,000 complaints with their workflow through `fazhi import complaints`.
    Import,
    /// The complaints database's write-ahead log under a sustained push with readers.
    Wal,
}

struct Run {
    completed: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.completed as f64 / self.elapsed.as_secs_f64()
    }

    /// The `p` percentile in milliseconds.
    fn ms(&self, p: f64) -> f64 {
        self.percentile(p).as_secs_f64() * 1000.0
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i]
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.mode == Some(Mode::Report) {
        return report::write(&args).await;
    }
    let binary = release_binary()?;
    println!(
        "fazhi-bench: {} concurrent clients, {} s per phase, durable commits",
        args.concurrency, args.seconds
    );

    let wanted = |bench| args.only.is_empty() || args.only.contains(&bench);
    if args.postgres.is_some()
        && (args.only.is_empty() || args.only.iter().any(|b| *b != Bench::Complaints))
    {
        bail!("--postgres runs the complaints benchmark only: add --only complaints");
    }
    if wanted(Bench::Complaints) {
        complaints::run(&binary, &args).await?;
    }
    if wanted(Bench::Training) {
        training::run(&binary, args.concurrency, args.seconds).await?;
    }
    if wanted(Bench::Figures) {
        figures::run(&binary, args.concurrency, args.seconds).await?;
    }
    if wanted(Bench::Cases) {
        cases::run(&binary, args.concurrency, args.seconds).await?;
    }
    if wanted(Bench::Oversight) {
        oversight::run(&binary, &args).await?;
    }
    if wanted(Bench::Feed) {
        feed::run(&binary, &args).await?;
    }
    if wanted(Bench::Delivery) {
        delivery::run(&binary, &args).await?;
    }
    if wanted(Bench::Import) {
        import::run(&binary, &args).await?;
    }
    if wanted(Bench::Wal) {
        wal::run(&binary, &args).await?;
    }
    Ok(())
}

fn report(title: &str, run: &Run) {
    println!("{title}");
    println!(
        "  throughput        {:.0} /s ({} in {:.1} s)",
        run.rate(),
        run.completed,
        run.elapsed.as_secs_f64()
    );
    println!(
        "  latency p50       {:.2} ms",
        run.percentile(0.50).as_secs_f64() * 1000.0
    );
    println!(
        "  latency p99       {:.2} ms",
        run.percentile(0.99).as_secs_f64() * 1000.0
    );
    println!("  errors            {}", run.errors);
}

/// Runs `op` from `concurrency` tasks: one second of warm-up, then `seconds`
/// measured. Every loop is bounded by the clock.
/// A GET with the bench's API key, answered with success and read whole.
pub(crate) async fn ok(client: reqwest::Client, url: String, key: String) -> Result<(), ()> {
    let response = client
        .get(url)
        .header("x-api-key", key)
        .send()
        .await
        .map_err(|_| ())?;
    if !response.status().is_success() {
        return Err(());
    }
    response.bytes().await.map(|_| ()).map_err(|_| ())
}

async fn drive<F, Fut>(concurrency: usize, seconds: u64, op: F) -> Run
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), ()>> + Send,
{
    let warm_until = Instant::now() + Duration::from_secs(1);
    let stop_at = warm_until + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let op = op.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0usize);
                loop {
                    let started = Instant::now();
                    if started >= stop_at {
                        break;
                    }
                    let result = op().await;
                    if started >= warm_until {
                        match result {
                            Ok(()) => latencies.push(started.elapsed()),
                            Err(()) => errors += 1,
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut run = Run {
        completed: 0,
        errors: 0,
        elapsed: Duration::from_secs(seconds),
        latencies: Vec::new(),
    };
    for task in tasks {
        if let Ok((latencies, errors)) = task.await {
            run.latencies.extend(latencies);
            run.errors += errors;
        }
    }
    run.completed = run.latencies.len();
    run.latencies.sort();
    run
}

/// Posts `body` as JSON (with `api_key`, if any) and expects 201 Created.
async fn post_created(
    client: &reqwest::Client,
    url: &str,
    api_key: Option<&str>,
    body: Vec<u8>,
) -> Result<(), ()> {
    let mut request = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(key) = api_key {
        request = request.header("x-api-key", key);
    }
    let response = request.send().await.map_err(|_| ())?;
    (response.status() == reqwest::StatusCode::CREATED)
        .then_some(())
        .ok_or(())
}
