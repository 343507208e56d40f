//! `cargo run --release -p fazhi-bench --features run`: drives each of
//! Fazhi's performance goals on a fresh release `fazhi serve`, and measures
//! its ceiling in the same run — the same work straight on the store, or on
//! a bare SQLite file — printing both side by side.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use clap::Parser;
use tokio::process::Command;

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
mod training;
mod wal;

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

/// The secret the benchmark's system signs internal identity tokens with, so
/// the benchmark can call a service directly as the gateway would.
const INTERNAL_SECRET: &str = "fazhi-bench-internal-secret-of-32-bytes-or-more";

/// The whole system serving over a data directory, and an API key of one
/// role (county-wide) to call it with.
struct System {
    server: tokio::process::Child,
    pid: u32,
    base: String,
    /// The complaints service's gRPC port, reached with [`INTERNAL_SECRET`].
    complaints_port: u16,
    /// Every service's gRPC port by name (`cases`, `complaints`, `training`).
    ports: std::collections::HashMap<String, u16>,
    api_key: String,
    client: reqwest::Client,
}

impl System {
    async fn start(
        binary: &Path,
        data: &Path,
        role: &str,
        concurrency: usize,
    ) -> anyhow::Result<Self> {
        Self::start_with(binary, data, role, concurrency, &[]).await
    }

    /// As [`System::start`], with settings of the run in `env`.
    async fn start_with(
        binary: &Path,
        data: &Path,
        role: &str,
        concurrency: usize,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let created = Command::new(binary)
            .args([
                "apikey",
                "create",
                "--name",
                "benchmark",
                "--role",
                role,
                "--division",
                "411624",
                "--data-dir",
            ])
            .arg(data)
            .envs(env.iter().copied())
            .output()
            .await
            .context("creating the benchmark's API key")?;
        anyhow::ensure!(
            created.status.success(),
            "fazhi apikey create failed: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        let api_key = String::from_utf8(created.stdout)?
            .lines()
            .last()
            .context("fazhi apikey create printed the key")?
            .trim()
            .to_owned();
        let mut server = Command::new(binary)
            .args(["serve", "--data-dir"])
            .arg(data)
            .env("FAZHI_GATEWAY__LISTEN", "127.0.0.1:0")
            .env("FAZHI_CASES__LISTEN", "127.0.0.1:0")
            .env("FAZHI_COMPLAINTS__LISTEN", "127.0.0.1:0")
            .env("FAZHI_INTERNAL_TOKEN__SECRET", INTERNAL_SECRET)
            .env("FAZHI_TRAINING__LISTEN", "127.0.0.1:0")
            .env("FAZHI_METRICS__LISTEN", "127.0.0.1:0")
            .env("FAZHI_LOG__FILTER", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let pid = server.id().context("the server has a pid")?;
        let bound = listening(&mut server).await?;
        let port = |name: &str| {
            bound
                .get(name)
                .map(std::net::SocketAddr::port)
                .with_context(|| format!("fazhi serve did not say where {name} listens"))
        };
        let complaints_port = port("complaints")?;
        let ports = ["cases", "complaints", "training"]
            .into_iter()
            .map(|name| Ok((name.to_owned(), port(name)?)))
            .collect::<anyhow::Result<_>>()?;
        let base = format!("http://127.0.0.1:{}", port("rest")?);
        // Only needed when a workspace build unifies reqwest's TLS features.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(concurrency)
            .build()?;
        wait_ready(&client, &base).await?;
        Ok(Self {
            server,
            pid,
            base,
            complaints_port,
            ports,
            api_key,
            client,
        })
    }

    /// The complaints service called directly, as the gateway calls it: a
    /// client, and the signed identity of a county-wide caller in `role`.
    fn complaints_direct(
        &self,
        role: fazhi_platform::auth::Role,
    ) -> anyhow::Result<(
        fazhi_proto::complaints::v1::complaint_service_client::ComplaintServiceClient<
            fazhi_platform::grpc::Channel,
        >,
        Signed,
    )> {
        let (channel, signed) = self.direct("complaints", role)?;
        Ok((
            fazhi_proto::complaints::v1::complaint_service_client::ComplaintServiceClient::new(
                channel,
            ),
            signed,
        ))
    }

    /// A channel to service `name` and the signed identity of a county-wide
    /// caller in `role`, as the gateway calls it.
    fn direct(
        &self,
        name: &str,
        role: fazhi_platform::auth::Role,
    ) -> anyhow::Result<(fazhi_platform::grpc::Channel, Signed)> {
        use fazhi_platform::{DivisionCode, auth, config::GrpcClientSettings, grpc};
        let port = self
            .ports
            .get(name)
            .with_context(|| format!("no port for {name}"))?;
        let channel = grpc::connect_lazy(
            &format!("http://127.0.0.1:{port}"),
            &GrpcClientSettings::default(),
        )?;
        let key = auth::InternalKey::new(INTERNAL_SECRET.as_bytes(), Duration::from_secs(60))?;
        let caller = auth::Caller {
            subject: "api_key:benchmark".into(),
            roles: vec![role],
            scope: DivisionCode::parse("411624").map_err(anyhow::Error::msg)?,
            source: None,
        };
        Ok((channel, Signed { key, caller }))
    }

    /// SIGTERM, and up to 10 s to drain.
    async fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.server.wait()).await;
    }
}

/// A caller's identity signed as the gateway signs it.
#[derive(Clone)]
struct Signed {
    key: fazhi_platform::auth::InternalKey,
    caller: fazhi_platform::auth::Caller,
}

impl Signed {
    fn request<T>(&self, message: T) -> tonic::Request<T> {
        self.key.request(&self.caller, message)
    }
}

/// The addresses a `fazhi serve` started on port 0 says it bound, by name
/// (`rest`, `cases`, …), from its `listening …` line; the rest of what it
/// prints is drained.
async fn listening(
    child: &mut tokio::process::Child,
) -> anyhow::Result<std::collections::HashMap<String, std::net::SocketAddr>> {
    use tokio::io::AsyncBufReadExt;
    let stdout = child.stdout.take().context("stdout is piped")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let line = tokio::time::timeout_at(deadline, lines.next_line())
            .await
            .context("fazhi serve did not say where it listens within 60 s")??
            .context("fazhi serve stopped before it listened")?;
        let Some(rest) = line.strip_prefix("listening") else {
            continue;
        };
        let bound = rest
            .split_whitespace()
            .filter_map(|part| part.split_once('='))
            .filter_map(|(name, addr)| Some((name.to_owned(), addr.parse().ok()?)))
            .collect();
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        return Ok(bound);
    }
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

async fn wait_ready(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("fazhi did not become ready within 30 s")
}

/// The release `fazhi` beside this binary, built first if it is missing.
fn release_binary() -> anyhow::Result<PathBuf> {
    let here = std::env::current_exe()?;
    let binary = here.with_file_name("fazhi");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["build", "--release", "-p", "fazhi"])
        .status()?;
    if !status.success() || !binary.exists() {
        bail!(
            "could not build the release fazhi binary at {}",
            binary.display()
        );
    }
    Ok(binary)
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

/// Peak resident set (VmHWM) of a process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
