//! The complaints service (诉求受理): requests from the 12345 hotline and every
//! other channel, their deadlines, workflow and the figures oversight reads.
//!
//! `domain` holds the rules and has no I/O; `store` keeps the records;
//! `grpc` exposes `fazhi.complaints.v1.ComplaintService`.

pub mod delivery;
pub mod domain;
mod grpc;
pub mod ledger;
pub mod relay;
pub mod store;

use std::{path::Path, sync::Arc};

use fazhi_calendar::Calendar;
use fazhi_platform::config::ServiceSettings;
use fazhi_proto::complaints::v1::complaint_service_server::ComplaintServiceServer;
use tonic::service::Routes;

pub use domain::ReplyRules;
pub use grpc::ComplaintsApi;

/// The largest message: a ledger of up to the upload limit (64 MiB by
/// default) with room to spare; a push of 1,000 tickets is far less.
pub const MAX_MESSAGE: usize = 72 * 1024 * 1024;

/// Full gRPC name of the service, as health checks ask for it.
pub const SERVICE_NAME: &str = "fazhi.complaints.v1.ComplaintService";

/// How the complaints service reaches the cases service (escalations).
pub struct Upstream {
    pub cases: fazhi_platform::grpc::Channel,
    pub key: fazhi_platform::auth::InternalKey,
}

/// Opens the store (migrating it) and assembles the gRPC service, and the
/// outbox relay that delivers its escalations (for the caller to run).
pub async fn build(
    settings: &ServiceSettings,
    rules: ReplyRules,
    calendar: Arc<Calendar>,
    data_dir: &Path,
    upstream: Upstream,
    clock: fazhi_platform::clock::SharedClock,
) -> anyhow::Result<(fazhi_platform::grpc::Service, relay::Relay)> {
    let store = store::Store::open(settings.database_url.as_deref(), data_dir)
        .await?
        .with_clock(clock.clone());
    // Totals kept by older rules of counting are rebuilt once, before serving.
    if let Some(recounted) = store.recount_figures(&calendar, &rules).await? {
        tracing::info!(
            complaints = recounted,
            "complaint figures recounted from the timelines by today's rules"
        );
    }
    let database = store.database().clone();
    let wake = Arc::new(tokio::sync::Notify::new());
    let relay = relay::Relay::new(
        store.clone(),
        upstream.cases,
        upstream.key,
        wake.clone(),
        std::time::Duration::from_secs(rules.overdue_sweep_secs.max(1)),
        clock.clone(),
        delivery::Deliverer::new(
            store.clone(),
            rules.delivery_allowed_hosts.clone(),
            clock.clone(),
        ),
    )
    .with_feed_retention(chrono::Duration::days(i64::from(
        rules.feed_retention_days.max(1),
    )));
    let api = ComplaintsApi::new(store, calendar, rules, wake, clock);
    Ok((
        fazhi_platform::grpc::Service {
            name: SERVICE_NAME,
            routes: Routes::new(
                ComplaintServiceServer::new(api)
                    .max_decoding_message_size(MAX_MESSAGE)
                    .max_encoding_message_size(MAX_MESSAGE),
            ),
            database,
        },
        relay,
    ))
}
