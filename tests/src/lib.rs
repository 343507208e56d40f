//! The end-to-end sandbox: every Fazhi service started inside the test
//! process on ephemeral ports, each with a fresh database, driven over real
//! sockets; and helpers to run the real `fazhi` binary.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use fazhi::{
    cluster::{self, Role, Running},
    settings::Settings,
};
use fazhi_platform::{config::ServiceSettings, shutdown::CancellationToken};
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
    pub client: reqwest::Client,
    pub settings: Settings,
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
        fazhi_platform::telemetry::init_for_tests();
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
        adjust(&mut settings);
        let running = cluster::start(&settings, Role::All, CancellationToken::new())
            .await
            .expect("the sandbox starts");
        Self {
            backend,
            rest: format!("http://{}", running.gateway.expect("the gateway runs")),
            cases: running.cases.expect("cases runs"),
            complaints: running.complaints.expect("complaints runs"),
            training: running.training.expect("training runs"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            settings,
            running: Some(running),
            _databases: databases,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.rest)
    }

    /// `GET {path}`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the gateway answers")
    }

    /// `GET {path}`, read as JSON.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.expect("a JSON body")
    }

    /// `POST /api/v1/complaints` with `body`.
    pub async fn post_complaint(&self, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/complaints"))
            .json(body)
            .send()
            .await
            .expect("the gateway answers")
    }

    /// Stops every server and waits for them to finish.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.expect("the sandbox stops cleanly");
        }
    }
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
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
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
