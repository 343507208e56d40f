//! The training service (培训、考试、执法证): people, training hours, exams,
//! enforcement certificates and outreach events. This first slice keeps people
//! and certificates and the figures oversight reads from them.

pub mod domain;
pub mod store;

use std::path::Path;

use fazhi_platform::{
    DivisionCode,
    auth::{self, Permission},
    config::ServiceSettings,
    time,
};
use fazhi_proto::training::v1::{
    self as pb,
    training_service_server::{TrainingService, TrainingServiceServer},
};
use tonic::{Request, Response, Status, service::Routes};

/// Full gRPC name of the service, as health checks ask for it.
pub const SERVICE_NAME: &str = "fazhi.training.v1.TrainingService";

/// Opens the store (migrating it) and assembles the gRPC service.
pub async fn build(
    settings: &ServiceSettings,
    data_dir: &Path,
) -> anyhow::Result<fazhi_platform::grpc::Service> {
    let store = store::Store::open(settings.database_url.as_deref(), data_dir).await?;
    let database = store.database().clone();
    Ok(fazhi_platform::grpc::Service {
        name: SERVICE_NAME,
        routes: Routes::new(TrainingServiceServer::new(TrainingApi { store })),
        database,
    })
}

struct TrainingApi {
    store: store::Store,
}

#[tonic::async_trait]
impl TrainingService for TrainingApi {
    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::TrainingStats>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::OversightRead)?;
        let r = request.into_inner();
        let division = caller.narrow(
            "division_code",
            DivisionCode::parse_optional_field("division_code", &r.division_code)?,
        )?;
        let period = time::period_from_proto(r.period.as_ref(), "period")?;
        // Holders are counted as of the end of the period (today when open-ended).
        let as_of = time::china_date(period.end.unwrap_or_else(time::now));
        let counts = self.store.counts(Some(&division), as_of).await?;
        Ok(Response::new(pb::TrainingStats {
            people: counts.people,
            enforcement_staff: counts.enforcement_staff,
            certificate_holders: counts.certificate_holders,
            certificate_holders_section_level: counts.certificate_holders_section_level,
        }))
    }
}
