//! The gateway: the REST face of Fazhi for township apps, county systems,
//! dashboards and citizens. It authenticates callers, applies the
//! authorization matrix, rate limits and idempotency keys, calls the services
//! over gRPC (each call with a deadline and a signed internal identity), and
//! turns their answers and errors into JSON and RFC 9457 problem documents.

pub mod domain;
pub mod edge;
pub mod identity;
mod rest;
mod settings;

use std::{path::Path, sync::Arc, time::Duration};

use axum::{Router, extract::DefaultBodyLimit, routing::get};
use fazhi_platform::{
    DivisionCode,
    auth::{self, InternalKey, Role},
    config::GrpcClientSettings,
    grpc,
    shutdown::CancellationToken,
};
use fazhi_proto::{
    cases::v1::case_service_client::CaseServiceClient,
    complaints::v1::complaint_service_client::ComplaintServiceClient,
    training::v1::training_service_client::TrainingServiceClient,
};
use tokio::net::TcpListener;

pub use edge::problem::Problem;
use edge::{health, idempotency, limits, listener, observe, openapi, problem};
use fazhi_identity::{accounts, store};
pub use identity::authn::OidcSettings;
use identity::{authn, authz, login};
pub use settings::{AuthSettings, DEFAULT_BODY_LIMIT, DEFAULT_COUNTY, PublicSettings, Settings};

/// Largest gRPC message to or from the training service (whole lists).
const MAX_LIST_MESSAGE: usize = 72 * 1024 * 1024;

/// Selects the TLS crypto provider (ring) for HTTPS clients in this process,
/// such as the JWKS fetch; harmless when one is installed already.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Where the services are.
#[derive(Debug, Clone)]
pub struct Upstreams {
    pub cases: String,
    pub complaints: String,
    pub training: String,
}

/// Identity, limits and the gateway's own records, shared by every request.
pub struct Gate {
    pub store: store::Store,
    pub idempotency: idempotency::store::IdempotencyStore,
    pub authn: authn::Authenticator,
    pub internal: InternalKey,
    pub settings: Settings,
    login: login::LoginThrottle,
    public_per_client: limits::Limit,
    /// Wrong guesses of a tracking code's phone digits, per code.
    pub tracking_guesses: limits::Limit,
    uploads: Arc<tokio::sync::Semaphore>,
    record_uploads: Arc<limits::Slots>,
    trusted_proxies: Vec<authz::Cidr>,
    /// Set on shutdown: readiness answers 503 while requests are still served.
    draining: std::sync::atomic::AtomicBool,
    /// Where "now" comes from for everything the gateway stamps or counts.
    pub clock: fazhi_platform::clock::SharedClock,
}

impl Gate {
    /// Opens the gateway database, loads secrets and creates the bootstrap
    /// administrator if there is no account yet.
    pub async fn open(
        settings: &Settings,
        data_dir: &Path,
        internal: InternalKey,
    ) -> anyhow::Result<Self> {
        let county = DivisionCode::parse(&settings.county)
            .map_err(|e| anyhow::anyhow!("gateway.county {:?} {e}", settings.county))?;
        let trusted_proxies = settings
            .trusted_proxies
            .iter()
            .map(|p| authz::Cidr::parse(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("gateway.trusted_proxies: {e}"))?;
        let store = store::Store::open(settings.database_url.as_deref(), data_dir).await?;
        let secret =
            auth::secret_from(settings.auth.token_secret.as_deref(), data_dir, "token.key")?;
        let authn = authn::Authenticator::new(
            store.clone(),
            county.clone(),
            secret.as_bytes(),
            Duration::from_secs(settings.auth.token_ttl_secs),
            &settings.auth.oidc,
        )?
        .with_api_key_cache(Duration::from_secs(settings.auth.api_key_cache_secs));
        // Gateways sharing a PostgreSQL database share their limits in it;
        // one gateway on SQLite counts in memory.
        let shared = (store.database().backend() == fazhi_platform::db::Backend::Postgres)
            .then(|| store.clone());
        let gate = Self {
            idempotency: idempotency::store::IdempotencyStore::new(store.database().clone()),
            store,
            authn,
            internal,
            settings: settings.clone(),
            login: login::LoginThrottle::new(&settings.auth, shared.clone()),
            public_per_client: limits::Limit::new(
                "public.client",
                settings.public.requests_per_minute,
                Duration::from_secs(60),
                shared.clone(),
            ),
            tracking_guesses: limits::Limit::new(
                "public.tracking_code",
                settings.public.tracking_guesses_per_hour,
                Duration::from_secs(3600),
                shared,
            ),
            trusted_proxies,
            uploads: Arc::new(tokio::sync::Semaphore::new(
                settings.concurrent_uploads.max(1),
            )),
            record_uploads: Arc::new(limits::Slots::new(
                settings.record_uploads,
                settings.record_uploads_per_caller,
            )),
            draining: std::sync::atomic::AtomicBool::new(false),
            clock: fazhi_platform::clock::system(),
        };
        gate.bootstrap(&county).await?;
        Ok(gate)
    }

    /// The gate reading `clock`: stamps, windows, sweeps and the year.
    pub fn with_clock(mut self, clock: fazhi_platform::clock::SharedClock) -> Self {
        self.clock = clock.clone();
        self.login.set_clock(clock.clone());
        self.public_per_client.set_clock(clock.clone());
        self.tracking_guesses.set_clock(clock.clone());
        self.store = self.store.with_clock(clock.clone());
        self.authn = self.authn.with_clock(clock);
        self
    }

    /// The first administrator, when there is no account at all.
    async fn bootstrap(&self, county: &DivisionCode) -> anyhow::Result<()> {
        if self.store.count_accounts().await? > 0 {
            return Ok(());
        }
        // FAZHI_ADMIN_PASSWORD, or the file FAZHI_ADMIN_PASSWORD_FILE names.
        let given = match std::env::var("FAZHI_ADMIN_PASSWORD_FILE") {
            Ok(path) => Some(
                std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("FAZHI_ADMIN_PASSWORD_FILE: reading {path}: {e}"))?
                    .trim_end_matches(['\r', '\n'])
                    .to_owned(),
            ),
            Err(_) => std::env::var("FAZHI_ADMIN_PASSWORD").ok(),
        };
        let (password, generated) = match given {
            Some(password) if !password.is_empty() => (password, false),
            _ => (accounts::generate_password(), true),
        };
        accounts::check_password(&password)
            .map_err(|e| anyhow::anyhow!("FAZHI_ADMIN_PASSWORD: {}", e.message))?;
        let now = self.clock.now();
        let account = accounts::Account {
            id: uuid::Uuid::now_v7().to_string(),
            username: "admin".into(),
            password_hash: accounts::hash_password(&password)?,
            roles: vec![Role::Admin],
            division: county.clone(),
            person_id: None,
            disabled: false,
            created_at: now,
            updated_at: now,
            version: 1,
            token_version: 1,
        };
        match self.store.insert_account(&account, None).await {
            Ok(()) => {}
            // Another gateway sharing the database got there first.
            Err(err) if err.kind == fazhi_platform::ErrorKind::AlreadyExists => return Ok(()),
            Err(err) => return Err(anyhow::anyhow!("creating the bootstrap account: {err}")),
        }
        tracing::info!(division = %county, "created the bootstrap account admin");
        if generated {
            eprintln!(
                "\n  Fazhi created the administrator account.\n  username: admin\n  password: {password}\n  (shown once; set FAZHI_ADMIN_PASSWORD before the first start to choose it)\n"
            );
        }
        Ok(())
    }

    /// From now on readiness answers 503, so load balancers send new
    /// requests to other gateways while this one finishes its own.
    pub fn start_draining(&self) {
        self.draining
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Deletes idempotency records past their retention and rate-limit
    /// windows long passed, every hour until `shutdown`.
    pub async fn housekeeping(self: Arc<Self>, shutdown: CancellationToken) {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = every.tick() => {}
            }
            let before = self.clock.now() - idempotency::retention(&self.settings);
            match self.idempotency.purge(before).await {
                Ok(n) if n > 0 => tracing::info!(purged = n, "expired idempotency keys deleted"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "purging idempotency keys failed"),
            }
            // Windows are at most the failure window or a minute long.
            let longest = Duration::from_secs(self.settings.auth.failure_window_secs.max(60));
            let before =
                self.clock.now() - chrono::Duration::from_std(longest * 2).unwrap_or_default();
            if let Err(err) = self.store.purge_events(before).await {
                tracing::warn!(error = %err, "purging rate-limit windows failed");
            }
        }
    }
}

/// The channels the gateway calls the services on.
pub struct Channels {
    pub complaints: grpc::Channel,
    pub cases: grpc::Channel,
    /// The cases service again, with the longer deadline of a transfer.
    pub record_content: grpc::Channel,
    pub training: grpc::Channel,
}

impl Channels {
    /// Lazily connecting channels to the services at `upstreams` (record
    /// content with the longer deadline of a transfer).
    pub fn connect(
        upstreams: &Upstreams,
        settings: &GrpcClientSettings,
        gateway: &Settings,
    ) -> anyhow::Result<Self> {
        let transfer = transfer(settings, gateway);
        Ok(Self {
            complaints: grpc::connect_lazy(&upstreams.complaints, settings)?,
            cases: grpc::connect_lazy(&upstreams.cases, settings)?,
            record_content: grpc::connect_lazy(&upstreams.cases, &transfer)?,
            training: grpc::connect_lazy(&upstreams.training, settings)?,
        })
    }
}

/// The client settings of a record's transfer: the longer deadline.
pub fn transfer(settings: &GrpcClientSettings, gateway: &Settings) -> GrpcClientSettings {
    GrpcClientSettings {
        deadline_ms: gateway.record_transfer_secs.max(1) * 1000,
        ..settings.clone()
    }
}

/// Clients of every service plus the gate; cloning shares the connections.
#[derive(Clone)]
pub struct AppState {
    complaints: ComplaintServiceClient<grpc::Channel>,
    cases: CaseServiceClient<grpc::Channel>,
    /// The cases service for streaming record content, with the longer
    /// deadline of a transfer.
    record_content: CaseServiceClient<grpc::Channel>,
    training: TrainingServiceClient<grpc::Channel>,
    channels: Vec<(&'static str, &'static str, grpc::Channel)>,
    gate: Arc<Gate>,
    /// The holiday calendar deadlines count on, for readiness to warn of
    /// years it does not cover.
    calendar: Option<Arc<fazhi_calendar::Calendar>>,
}

impl AppState {
    /// Lazily connecting clients: a service that is down makes its routes
    /// answer 503, not the gateway fail to start.
    pub fn connect(
        upstreams: &Upstreams,
        settings: &GrpcClientSettings,
        gate: Arc<Gate>,
    ) -> anyhow::Result<Self> {
        let channels = Channels::connect(upstreams, settings, &gate.settings)?;
        Ok(Self::from_channels(channels, gate))
    }

    /// Clients over channels made by the caller (to services in this
    /// process, say: [`grpc::connect_local`]).
    pub fn from_channels(channels: Channels, gate: Arc<Gate>) -> Self {
        let Channels {
            complaints,
            cases,
            record_content,
            training,
        } = channels;
        Self {
            complaints: ComplaintServiceClient::new(complaints.clone())
                .max_encoding_message_size(MAX_LIST_MESSAGE),
            cases: CaseServiceClient::new(cases.clone())
                .max_encoding_message_size(MAX_LIST_MESSAGE),
            record_content: CaseServiceClient::new(record_content),
            training: TrainingServiceClient::new(training.clone())
                .max_decoding_message_size(MAX_LIST_MESSAGE)
                .max_encoding_message_size(MAX_LIST_MESSAGE),
            channels: vec![
                ("cases", "fazhi.cases.v1.CaseService", cases),
                (
                    "complaints",
                    "fazhi.complaints.v1.ComplaintService",
                    complaints,
                ),
                ("training", "fazhi.training.v1.TrainingService", training),
            ],
            gate,
            calendar: None,
        }
    }

    /// The calendar the services count deadlines on.
    pub fn with_calendar(mut self, calendar: Arc<fazhi_calendar::Calendar>) -> Self {
        self.calendar = Some(calendar);
        self
    }
}

impl AppState {
    /// `msg` as a service request carrying the caller's signed identity.
    pub(crate) fn signed<T>(&self, identity: &authn::Identity, msg: T) -> tonic::Request<T> {
        self.gate.internal.request(&identity.caller, msg)
    }

    pub fn gate(&self) -> &Arc<Gate> {
        &self.gate
    }
}

pub use rest::oversight_metrics::refresh as refresh_oversight_metrics;

/// The gateway as its settings make it, like every service's `build`: its
/// gate (accounts, keys, limits and its own records, opened and migrated),
/// the clients of the services it calls, and the REST router.
pub struct Gateway {
    pub gate: Arc<Gate>,
    pub state: AppState,
    pub router: Router,
}

/// Builds the gateway from its settings, calling the services over
/// `channels` ([`Channels::connect`] to other processes, [`grpc::connect_local`]
/// in this one) and reading `clock` for "now".
pub async fn build(
    settings: &Settings,
    data_dir: &Path,
    internal: fazhi_platform::auth::InternalKey,
    channels: Channels,
    calendar: Arc<fazhi_calendar::Calendar>,
    clock: fazhi_platform::clock::SharedClock,
) -> anyhow::Result<Gateway> {
    let gate = Arc::new(
        Gate::open(settings, data_dir, internal)
            .await?
            .with_clock(clock),
    );
    let state = AppState::from_channels(channels, gate.clone()).with_calendar(calendar);
    let router = router(state.clone());
    Ok(Gateway {
        gate,
        state,
        router,
    })
}

/// Every documented route, composed from the rooms that own them.
pub fn api_router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    rest::routes().merge(identity::routes())
}

/// The whole REST API.
pub fn router(state: AppState) -> Router {
    fazhi_platform::metrics::install();
    let body_limit = state.gate.settings.body_limit_bytes;
    let request_timeout = Duration::from_secs(state.gate.settings.request_timeout_secs.max(1));
    let transfer_timeout = Duration::from_secs(state.gate.settings.record_transfer_secs.max(1));
    let (api, doc) = api_router().split_for_parts();
    let doc = openapi::finish(doc);
    let mut router = api
        .merge(openapi::docs_router(doc))
        .merge(crate::edge::dashboard::router())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/statusz", get(health::statusz));
    if state.gate.settings.metrics_on_rest {
        router = router.merge(fazhi_platform::metrics::router());
    }
    router
        .fallback(problem::not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::idempotency,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authz::authorize,
        ))
        .with_state(state)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let limit = if authz::is_record_content(request.uri().path()) {
                    transfer_timeout
                } else {
                    request_timeout
                };
                problem::within(limit, next.run(request))
            },
        ))
        .layer(axum::middleware::from_fn(problem::every_answer))
        .layer(axum::middleware::from_fn(observe::observe))
}

/// Serves `router` on `listener` until `shutdown` and `drain` after it,
/// with the connection bounds of `settings`, then lets in-flight requests
/// finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: &Settings,
    drain: Duration,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let limits = listener::ConnectionLimits {
        header_read_timeout: Duration::from_secs(settings.header_read_timeout_secs.max(1)),
        max_connections: settings.max_connections,
    };
    listener::serve(listener, router, limits, drain, shutdown).await
}

/// How long readiness waits for each service's health answer.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);
