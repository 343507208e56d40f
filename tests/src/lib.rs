//! The end-to-end sandbox: every Fazhi service started inside the test
//! process on ephemeral ports, each with a fresh database, driven over real
//! sockets; and helpers to run the real `fazhi` binary.

pub mod fleet;

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use fazhi::{
    cluster::{self, Role, Running},
    settings::Settings,
};
use fazhi_gateway::Gate;
use fazhi_identity::manage;
use fazhi_platform::{
    DivisionCode, auth::Caller, config::ServiceSettings, shutdown::CancellationToken,
};
use fazhi_testkit::TestDatabase;

/// Which storage the sandbox's services use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends to run end-to-end tests on: SQLite, and PostgreSQL when configured.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if std::env::var_os(fazhi_testkit::POSTGRES_URL_VAR).is_some() {
        all.push(Backend::Postgres);
    }
    all
}

/// Every service of one Fazhi deployment, running in this process.
pub struct Sandbox {
    pub backend: Backend,
    pub rest: String,
    pub cases: SocketAddr,
    pub complaints: SocketAddr,
    pub training: SocketAddr,
    /// The metrics listener, when metrics are not served on the REST port.
    pub metrics: Option<SocketAddr>,
    pub client: reqwest::Client,
    pub settings: Settings,
    /// Access token of the sandbox's default caller: a county account with
    /// the staff, leader and county_overseer roles.
    pub token: String,
    running: Option<Running>,
    _databases: Vec<TestDatabase>,
}

impl Sandbox {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts with `adjust` applied to the settings first (e.g. to point the
    /// gateway at a service that is down).
    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Self {
        Self::start_with_clock(backend, adjust, fazhi_platform::clock::system()).await
    }

    /// Starts with every service and the gateway reading `clock`: a test
    /// turns a [`fazhi_platform::clock::ManualClock`] instead of sleeping.
    pub async fn start_with_clock(
        backend: Backend,
        adjust: impl FnOnce(&mut Settings),
        clock: fazhi_platform::clock::SharedClock,
    ) -> Self {
        fazhi_platform::telemetry::init_for_tests();
        fazhi_gateway::install_tls_provider();
        let mut databases = Vec::new();
        let mut settings = Settings::default();
        settings.gateway.listen = "127.0.0.1:0".parse().unwrap();
        settings.metrics.listen = "127.0.0.1:0".parse().unwrap();
        settings.grpc.deadline_ms = 2_000;
        for service in [
            &mut settings.cases,
            &mut settings.complaints,
            &mut settings.training,
        ] {
            *service = ServiceSettings::on_port(0);
            let database = match backend {
                Backend::Sqlite => fazhi_testkit::sqlite(),
                Backend::Postgres => fazhi_testkit::postgres()
                    .await
                    .expect("PostgreSQL is configured"),
            };
            service.database_url = database.url().map(str::to_owned);
            databases.push(database);
        }
        settings.data_dir = databases[0].data_dir().to_path_buf();
        if backend == Backend::Postgres {
            let database = fazhi_testkit::postgres()
                .await
                .expect("PostgreSQL is configured");
            settings.gateway.database_url = database.url().map(str::to_owned);
            databases.push(database);
        }
        settings.gateway.county = COUNTY.into();
        adjust(&mut settings);
        let running =
            cluster::start_with_clock(&settings, Role::All, CancellationToken::new(), clock)
                .await
                .expect("the sandbox starts");
        let gate = running.gate.clone().expect("the gateway runs");
        let token = account_token(
            &gate,
            "county.default",
            &["staff", "leader", "county_overseer"],
            COUNTY,
        )
        .await;
        Self {
            backend,
            rest: format!("http://{}", running.gateway.expect("the gateway runs")),
            cases: running.cases.expect("cases runs"),
            complaints: running.complaints.expect("complaints runs"),
            training: running.training.expect("training runs"),
            metrics: running.metrics,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            settings,
            token,
            running: Some(running),
            _databases: databases,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.rest)
    }

    /// The gateway's identity store and authenticator.
    pub fn gate(&self) -> Arc<Gate> {
        self.running
            .as_ref()
            .and_then(|r| r.gate.clone())
            .expect("the gateway runs")
    }

    /// The complaints service's relay: its overdue sweep, run when the test
    /// chooses.
    pub fn complaints_relay(&self) -> fazhi_complaints::relay::Relay {
        self.running
            .as_ref()
            .and_then(|r| r.complaints_relay.clone())
            .expect("the complaints service runs")
    }

    /// Creates an account and returns an access token for it.
    pub async fn account(&self, username: &str, roles: &[&str], division: &str) -> String {
        account_token(&self.gate(), username, roles, division).await
    }

    /// `GET {path}` as the default caller.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_as(&self.token, path).await
    }

    /// `GET {path}` with `token` as the bearer credential ("" for none).
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the gateway answers")
    }

    /// `POST {path}` with a JSON body and `token` as the bearer credential ("" for none).
    pub async fn post_as(
        &self,
        token: &str,
        path: &str,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the gateway answers")
    }

    /// `GET {path}`, read as JSON.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.expect("a JSON body")
    }

    /// `POST /api/v1/complaints` with `body` as the default caller.
    pub async fn post_complaint(&self, body: &serde_json::Value) -> reqwest::Response {
        self.post_as(&self.token, "/api/v1/complaints", body).await
    }

    /// Stops every server and waits for them to finish.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("the sandbox stops cleanly");
        }
    }
}

/// The county of every sandbox (沈丘县) and two of its townships.
pub const COUNTY: &str = "411624";
pub const TOWNSHIP: &str = "411624100";
pub const OTHER_TOWNSHIP: &str = "411624101";

/// Creates an account straight in the gateway's store (as the command line
/// does) and mints its access token.
pub async fn account_token(gate: &Gate, username: &str, roles: &[&str], division: &str) -> String {
    let operator = Caller {
        subject: "test".into(),
        roles: vec![fazhi_platform::auth::Role::Admin],
        scope: DivisionCode::parse(COUNTY).unwrap(),
        source: None,
    };
    let account = manage::create_account(
        &gate.store,
        &operator,
        manage::NewAccount {
            username: username.into(),
            password: "a long test password".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            division_code: division.into(),
            person_id: None,
        },
    )
    .await
    .expect("the account is created");
    gate.authn.issue(&account).expect("a token").0
}

/// A new access token for an existing account (after its sessions were ended).
pub async fn fresh_token(gate: &Gate, username: &str) -> String {
    let account = gate
        .store
        .account_by_username(username)
        .await
        .expect("the store answers")
        .expect("the account exists");
    gate.authn.issue(&account).expect("a token").0
}

/// The `fazhi` binary built alongside this test (`cargo test --workspace`
/// builds it for the `fazhi` crate's own CLI tests); `FAZHI_BIN` overrides.
pub fn fazhi_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("FAZHI_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test knows its own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("tests run from target/<profile>/deps");
    let binary = profile_dir.join("fazhi");
    assert!(
        binary.exists(),
        "{} is missing: build it with `cargo build -p fazhi` (cargo test --workspace does) or set FAZHI_BIN",
        binary.display()
    );
    binary
}

/// A loopback port nothing listens on right now.
/// The addresses a `fazhi serve` started on port 0 bound, read from the
/// `listening …` line it prints on stdout once ready.
#[derive(Debug, Clone, Default)]
pub struct Listening {
    pub rest: Option<SocketAddr>,
    pub cases: Option<SocketAddr>,
    pub complaints: Option<SocketAddr>,
    pub training: Option<SocketAddr>,
    pub metrics: Option<SocketAddr>,
}

impl Listening {
    /// The line's addresses, when `line` is the `listening …` line.
    pub fn parse(line: &str) -> Option<Listening> {
        let rest = line.strip_prefix("listening")?;
        let mut found = Listening::default();
        for part in rest.split_whitespace() {
            let (name, addr) = part.split_once('=')?;
            let addr: SocketAddr = addr.parse().ok()?;
            match name {
                "rest" => found.rest = Some(addr),
                "cases" => found.cases = Some(addr),
                "complaints" => found.complaints = Some(addr),
                "training" => found.training = Some(addr),
                "metrics" => found.metrics = Some(addr),
                _ => {}
            }
        }
        Some(found)
    }

    /// The REST base URL.
    pub fn base(&self) -> String {
        format!("http://{}", self.rest.expect("the gateway runs"))
    }
}

/// Reads `child`'s stdout up to its `listening …` line (within `within`),
/// keeping every line before it; the rest of its output is drained.
pub async fn read_listening(
    child: &mut tokio::process::Child,
    within: Duration,
) -> (Listening, Vec<String>) {
    use tokio::io::AsyncBufReadExt;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, lines.next_line()).await {
            Ok(Ok(Some(line))) => {
                if let Some(listening) = Listening::parse(&line) {
                    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                    return (listening, printed);
                }
                printed.push(line);
            }
            other => {
                panic!("fazhi did not say where it listens ({other:?}); it printed {printed:?}")
            }
        }
    }
}

/// A valid intake body; callers change what they test.
pub fn complaint_body() -> serde_json::Value {
    serde_json::json!({
        "channel": "hotline_12345",
        "type": "complaint",
        "category": "illegal_construction",
        "content": "西关村有人在耕地上违法建房",
        "address": "老城镇西关村",
        "division_code": "411624100",
        "complainant_name": "张三",
        "complainant_phone": "13812341234"
    })
}
