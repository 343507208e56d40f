//! Fazhi as a county data centre runs it: every service its own
//! `fazhi serve <service>` process, as many replicas of each as asked, every
//! replica of a service on that service's one PostgreSQL database, and each
//! caller spreading its calls over the replicas it is given.

use std::{
    path::PathBuf,
    process::{ExitStatus, Stdio},
    time::{Duration, Instant},
};

use fazhi_platform::{config::GrpcClientSettings, grpc};
use fazhi_testkit::TestDatabase;
use tokio::process::{Child, Command};

use crate::{COUNTY, Listening, fazhi_binary, read_listening};

/// The bootstrap administrator's password in every fleet.
pub const ADMIN_PASSWORD: &str = "fleet test administrator";

/// One `fazhi serve <service>` process and the ports it keeps across
/// restarts: it binds port 0 on its first start and says which ports it got;
/// a restart binds those again.
pub struct Replica {
    pub service: &'static str,
    /// REST for a gateway, gRPC for a service (0 until it first started).
    pub port: u16,
    /// Where its metrics are served (a gateway's REST port).
    pub metrics_port: u16,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Replica {
    /// `http://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the process (again, after it stopped) on the same ports.
    pub fn spawn(&mut self) {
        let own = match self.service {
            "gateway" => "FAZHI_GATEWAY__LISTEN".to_owned(),
            service => format!("FAZHI_{}__LISTEN", service.to_ascii_uppercase()),
        };
        let mut command = Command::new(fazhi_binary());
        if self.service != "gateway" {
            // A gateway serves its metrics on its REST port.
            command.env(
                "FAZHI_METRICS__LISTEN",
                format!("127.0.0.1:{}", self.metrics_port),
            );
        }
        command
            .args(["serve", self.service])
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env(own, format!("127.0.0.1:{}", self.port))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        self.child = Some(command.spawn().expect("the fazhi binary starts"));
    }

    /// Waits until the replica answers as ready: a gateway's `/readyz`, a
    /// service's gRPC health. First reads the ports the process says it bound.
    pub async fn wait_ready(&mut self) {
        self.read_ports().await;
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = reqwest::Client::new();
        let channel = grpc::connect_lazy(&self.url(), &GrpcClientSettings::default())
            .expect("a channel to the replica");
        loop {
            let ready = match self.service {
                "gateway" => client
                    .get(format!("{}/readyz", self.url()))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success()),
                _ => grpc::check_health(channel.clone(), "")
                    .await
                    .unwrap_or(false),
            };
            if ready {
                return;
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!(
                    "the {} replica on port {} exited at start: {status}",
                    self.service, self.port
                );
            }
            assert!(
                Instant::now() < deadline,
                "the {} replica on port {} was not ready within 60 s",
                self.service,
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The ports from the process's `listening …` line, kept for restarts.
    async fn read_ports(&mut self) {
        let child = self.child.as_mut().expect("the replica runs");
        let (listening, printed) = read_listening(child, Duration::from_secs(60)).await;
        let Listening {
            rest,
            cases,
            complaints,
            training,
            metrics,
        } = listening;
        let own = match self.service {
            "gateway" => rest,
            "cases" => cases,
            "complaints" => complaints,
            _ => training,
        };
        let (own, metrics) = own
            .map(|own| (own, metrics.unwrap_or(own)))
            .unwrap_or_else(|| {
                panic!(
                    "the {} replica did not say where it listens: {printed:?}",
                    self.service
                )
            });
        assert!(
            self.port == 0 || self.port == own.port(),
            "a restarted replica keeps its port"
        );
        self.port = own.port();
        self.metrics_port = metrics.port();
    }

    /// Sends SIGTERM, as an orchestrator stopping the process does.
    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// Sends SIGKILL: the process dies at once, mid-write, as a crash or
    /// the kernel's out-of-memory killer leaves it.
    pub fn kill(&self) {
        self.signal("KILL");
    }

    fn signal(&self, name: &str) {
        let pid = self
            .child
            .as_ref()
            .and_then(Child::id)
            .expect("the replica runs");
        let sent = std::process::Command::new("kill")
            .args([format!("-{name}"), pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIG{name} was not delivered");
    }

    /// Waits for the process to exit; its status and how long it took.
    pub async fn exited(&mut self, within: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        let child = self.child.as_mut().expect("the replica runs");
        let status = tokio::time::timeout(within, child.wait())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the {} replica did not exit within {within:?}",
                    self.service
                )
            })
            .expect("waiting for the replica");
        self.child = None;
        (status, started.elapsed())
    }
}

/// Every replica of one deployment.
pub struct Fleet {
    pub gateways: Vec<Replica>,
    pub cases: Vec<Replica>,
    pub complaints: Vec<Replica>,
    pub training: Vec<Replica>,
    /// Databases by service (gateway included), kept until the fleet ends.
    pub databases: Vec<(&'static str, TestDatabase)>,
    _data_dir: tempfile::TempDir,
}

impl Fleet {
    /// `replicas` processes of each service on PostgreSQL, started and
    /// ready; one of each may run on SQLite files instead when no PostgreSQL
    /// is configured for tests, else `None`. `env` is added to every
    /// process (tracing export, say).
    pub async fn start(replicas: usize, env: &[(&str, &str)]) -> Option<Self> {
        fazhi_gateway::install_tls_provider();
        let postgres = std::env::var_os(fazhi_testkit::POSTGRES_URL_VAR).is_some();
        if !postgres && replicas > 1 {
            return None;
        }
        let data_dir = tempfile::tempdir().expect("a data directory");
        let mut databases = Vec::new();
        let mut common: Vec<(String, String)> = vec![
            ("FAZHI_DATA_DIR".into(), path_text(data_dir.path().into())),
            ("FAZHI_GATEWAY__COUNTY".into(), COUNTY.into()),
            ("FAZHI_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
            (
                "FAZHI_INTERNAL_TOKEN__SECRET".into(),
                "fleet internal secret of at least thirty-two bytes".into(),
            ),
            (
                "FAZHI_GATEWAY__AUTH__TOKEN_SECRET".into(),
                "fleet access-token secret of at least thirty-two bytes".into(),
            ),
            ("FAZHI_SHUTDOWN__DRAIN_MS".into(), "1000".into()),
            ("FAZHI_GRPC__DEADLINE_MS".into(), "5000".into()),
            ("FAZHI_LOG__FILTER".into(), "warn".into()),
        ];
        for (key, value) in env {
            common.push(((*key).into(), (*value).into()));
        }
        for service in ["gateway", "cases", "complaints", "training"] {
            if !postgres {
                break;
            }
            let database = fazhi_testkit::postgres()
                .await
                .expect("PostgreSQL is configured");
            common.push((
                format!("FAZHI_{}__DATABASE_URL", service.to_ascii_uppercase()),
                database.url().expect("a PostgreSQL URL").to_owned(),
            ));
            databases.push((service, database));
        }
        let plan = |service: &'static str| -> Vec<Replica> {
            (0..replicas)
                .map(|_| Replica {
                    service,
                    port: 0,
                    metrics_port: 0,
                    env: Vec::new(),
                    child: None,
                })
                .collect()
        };
        let (mut gateways, mut cases, mut complaints, mut training) = (
            plan("gateway"),
            plan("cases"),
            plan("complaints"),
            plan("training"),
        );
        // Services first, each group's addresses then given to those that
        // call it (complaints calls cases; the gateways call all three); the
        // first replica of each alone, so it migrates its database undisturbed.
        for group in [&mut training, &mut cases, &mut complaints, &mut gateways] {
            for replica in group.iter_mut() {
                replica.env = common.clone();
            }
            group[0].spawn();
            group[0].wait_ready().await;
            for replica in group.iter_mut().skip(1) {
                replica.spawn();
            }
            for replica in group.iter_mut().skip(1) {
                replica.wait_ready().await;
            }
            if group[0].service != "gateway" {
                let endpoints: Vec<String> = group.iter().map(Replica::url).collect();
                common.push((
                    format!("FAZHI_{}__ENDPOINT", group[0].service.to_ascii_uppercase()),
                    endpoints.join(","),
                ));
            }
        }
        Some(Self {
            gateways,
            cases,
            complaints,
            training,
            databases,
            _data_dir: data_dir,
        })
    }

    /// The replicas of `service`.
    pub fn replicas(&mut self, service: &str) -> &mut Vec<Replica> {
        match service {
            "gateway" => &mut self.gateways,
            "cases" => &mut self.cases,
            "complaints" => &mut self.complaints,
            _ => &mut self.training,
        }
    }

    /// The database URL of `service`.
    pub fn database_url(&self, service: &str) -> String {
        self.databases
            .iter()
            .find(|(s, _)| *s == service)
            .and_then(|(_, d)| d.url())
            .expect("the service's database")
            .to_owned()
    }

    /// Every gateway's REST base URL.
    pub fn gateway_urls(&self) -> Vec<String> {
        self.gateways.iter().map(Replica::url).collect()
    }
}

fn path_text(path: PathBuf) -> String {
    path.to_string_lossy().into_owned()
}
