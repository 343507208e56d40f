//! The system under measurement: a release `fazhi serve` over a data
//! directory, started with an API key of one role, reached through REST or
//! straight over gRPC as the gateway calls it, and stopped.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use tokio::process::Command;

/// The secret the benchmark's system signs internal identity tokens with, so
/// the benchmark can call a service directly as the gateway would.
pub(crate) const INTERNAL_SECRET: &str = "fazhi-bench-internal-secret-of-32-bytes-or-more";

/// The whole system serving over a data directory, and an API key of one
/// role (county-wide) to call it with.
pub(crate) struct System {
    server: tokio::process::Child,
    pub(crate) pid: u32,
    pub(crate) base: String,
    /// The complaints service's gRPC port, reached with [`INTERNAL_SECRET`].
    pub(crate) complaints_port: u16,
    /// Every service's gRPC port by name (`cases`, `complaints`, `training`).
    pub(crate) ports: std::collections::HashMap<String, u16>,
    pub(crate) api_key: String,
    pub(crate) client: reqwest::Client,
}

impl System {
    pub(crate) async fn start(
        binary: &Path,
        data: &Path,
        role: &str,
        concurrency: usize,
    ) -> anyhow::Result<Self> {
        Self::start_with(binary, data, role, concurrency, &[]).await
    }

    /// As [`System::start`], with settings of the run in `env`.
    pub(crate) async fn start_with(
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
    pub(crate) fn complaints_direct(
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
    pub(crate) fn direct(
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
    pub(crate) async fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.server.wait()).await;
    }
}

/// A caller's identity signed as the gateway signs it.
#[derive(Clone)]
pub(crate) struct Signed {
    key: fazhi_platform::auth::InternalKey,
    caller: fazhi_platform::auth::Caller,
}

impl Signed {
    pub(crate) fn request<T>(&self, message: T) -> tonic::Request<T> {
        self.key.request(&self.caller, message)
    }
}

/// The addresses a `fazhi serve` started on port 0 says it bound, by name
/// (`rest`, `cases`, …), from its `listening …` line; the rest of what it
/// prints is drained.
pub(crate) async fn listening(
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
pub(crate) fn release_binary() -> anyhow::Result<PathBuf> {
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

/// Peak resident set (VmHWM) of a process, in KiB.
pub(crate) fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
