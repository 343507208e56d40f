//! The enforcement cases service (行政执法案件): the power list, leads and
//! filing — with every officer's certification asked of the training
//! service — and each case's hash-chained history; the figures oversight
//! reads from them.
//!
//! Laid out as every service is: `domain` holds the rules and has no I/O;
//! `store` keeps the records; `grpc` exposes `fazhi.cases.v1.CaseService`.

pub mod content;
pub mod documents;
pub mod domain;
mod grpc;
pub mod lists;
pub mod store;

use std::path::Path;

use fazhi_platform::config::ServiceSettings;
use fazhi_proto::cases::v1::case_service_server::CaseServiceServer;
use tonic::service::Routes;

pub use grpc::{CasesApi, Certifier};

/// The secret keying every case's history chain (HMAC-SHA256). Every
/// replica of the cases service must be given the same one.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct HistorySettings {
    /// 32+ bytes, kept outside the database; unset means one generated into
    /// `{data_dir}/history.key` (one process, or replicas sharing the
    /// directory).
    pub key: Option<String>,
}

impl HistorySettings {
    /// The key: the one given, or the data directory's.
    pub fn key(&self, data_dir: &Path) -> anyhow::Result<domain::HistoryKey> {
        let secret =
            fazhi_platform::auth::secret_from(self.key.as_deref(), data_dir, "history.key")?;
        Ok(domain::HistoryKey::new(&secret))
    }
}

/// The largest message: an imported power list, as large as the gateway's
/// upload limit allows.
pub const MAX_MESSAGE: usize = 32 * 1024 * 1024;

/// Full gRPC name of the service, as health checks ask for it.
pub const SERVICE_NAME: &str = "fazhi.cases.v1.CaseService";

/// Opens the store (migrating it) and assembles the gRPC service, which
/// asks the training service (through `certifier`) about officers.
#[allow(clippy::too_many_arguments)] // each a setting or a shared dependency, named at the call
pub async fn build(
    settings: &ServiceSettings,
    data_dir: &Path,
    content: &content::ContentSettings,
    history: &HistorySettings,
    certifier: Certifier,
    calendar: std::sync::Arc<fazhi_calendar::Calendar>,
    rules: domain::CaseRules,
    clock: fazhi_platform::clock::SharedClock,
) -> anyhow::Result<fazhi_platform::grpc::Service> {
    let store = store::Store::open_keyed(
        settings.database_url.as_deref(),
        data_dir,
        history.key(data_dir)?,
    )
    .await?
    .with_clock(clock.clone())
    .with_calendar(calendar.clone());
    if let Some(cases) = store.rewatch_once(&rules).await? {
        tracing::info!(
            cases,
            "open cases' warning days computed under the rules and calendar"
        );
    }
    let content = content::ContentStore::open(content, data_dir)?;
    let database = store.database().clone();
    Ok(fazhi_platform::grpc::Service {
        name: SERVICE_NAME,
        routes: Routes::new(
            CaseServiceServer::new(CasesApi::new(
                store, content, certifier, calendar, rules, clock,
            ))
            .max_decoding_message_size(MAX_MESSAGE)
            .max_encoding_message_size(MAX_MESSAGE),
        ),
        database,
    })
}
