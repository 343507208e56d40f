//! gRPC adapter: proto ↔ domain, scope checks, and store calls.

use fazhi_platform::{
    auth::{self, Permission},
    time,
};
use fazhi_proto::cases::v1::{self as pb, case_service_server::CaseService};
use tonic::{Request, Response, Status};

use crate::store::Store;

pub struct CasesApi {
    store: Store,
}

impl CasesApi {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
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
        let division = caller.narrow_code("division_code", &r.division_code)?;
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
