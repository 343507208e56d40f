//! The training service (培训、考试、执法证): people who may enforce the law,
//! their training hours and exams, their enforcement certificates with the
//! annual review, and public legal-education events — 执法必持证、持证必培训、
//! 培训必考试.
//!
//! `domain` holds the rules and has no I/O; `store` keeps the records;
//! `grpc` exposes `fazhi.training.v1.TrainingService`.

pub mod domain;
mod grpc;
pub mod lists;
pub use fazhi_sheet as sheet;
pub mod store;

use std::path::Path;

use fazhi_platform::config::ServiceSettings;
use fazhi_proto::training::v1::training_service_server::TrainingServiceServer;
use tonic::service::Routes;

pub use domain::TrainingRules;
pub use grpc::TrainingApi;

/// Largest message in or out: imported and exported lists travel whole.
pub const MAX_MESSAGE: usize = 72 * 1024 * 1024;

/// Full gRPC name of the service, as health checks ask for it.
pub const SERVICE_NAME: &str = "fazhi.training.v1.TrainingService";

/// Opens the store (migrating it) and assembles the gRPC service.
pub async fn build(
    settings: &ServiceSettings,
    rules: TrainingRules,
    data_dir: &Path,
    clock: fazhi_platform::clock::SharedClock,
) -> anyhow::Result<fazhi_platform::grpc::Service> {
    let store = store::Store::open(settings.database_url.as_deref(), data_dir)
        .await?
        .with_clock(clock.clone());
    let database = store.database().clone();
    Ok(fazhi_platform::grpc::Service {
        name: SERVICE_NAME,
        routes: Routes::new(
            TrainingServiceServer::new(TrainingApi::new(store, rules, clock))
                .max_decoding_message_size(MAX_MESSAGE)
                .max_encoding_message_size(MAX_MESSAGE),
        ),
        database,
    })
}
