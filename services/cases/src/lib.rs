//! The enforcement cases service (行政执法案件): leads, filing, investigation,
//! review, decision, service, execution and publicity. This first slice keeps
//! the case table and the figures oversight reads from it.

pub mod store;

use std::path::Path;

use fazhi_platform::{
    DivisionCode,
    auth::{self, Permission},
    config::ServiceSettings,
    time,
};
use fazhi_proto::cases::v1::{
    self as pb,
    case_service_server::{CaseService, CaseServiceServer},
};
use tonic::{Request, Response, Status, service::Routes};

/// Full gRPC name of the service, as health checks ask for it.
pub const SERVICE_NAME: &str = "fazhi.cases.v1.CaseService";

/// Opens the store (migrating it) and assembles the gRPC service.
pub async fn build(
    settings: &ServiceSettings,
    data_dir: &Path,
) -> anyhow::Result<fazhi_platform::grpc::Service> {
    let store = store::Store::open(settings.database_url.as_deref(), data_dir).await?;
    let database = store.database().clone();
    Ok(fazhi_platform::grpc::Service {
        name: SERVICE_NAME,
        routes: Routes::new(CaseServiceServer::new(CasesApi { store })),
        database,
    })
}

struct CasesApi {
    store: store::Store,
}

#[tonic::async_trait]
impl CaseService for CasesApi {
    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::CaseStats>, Status> {
        let caller = auth::caller(&request)?;
        caller.require(Permission::OversightRead)?;
        let r = request.into_inner();
        let division = caller.narrow(
            "division_code",
            DivisionCode::parse_optional_field("division_code", &r.division_code)?,
        )?;
        let period = time::period_from_proto(r.period.as_ref(), "period")?;
        let counts = self.store.counts(Some(&division), period).await?;
        Ok(Response::new(pb::CaseStats {
            total: counts.total,
            filed: counts.filed,
            decided: counts.decided,
            closed: counts.closed,
        }))
    }
}
