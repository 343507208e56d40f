//! gRPC adapter: proto ↔ domain, scope checks, and store calls. One file
//! per group of RPCs; the service trait below only hands each call to its
//! group.

mod cases;
mod certification;
mod convert;
mod power;

pub use certification::Certifier;
use convert::*;

use fazhi_platform::{
    Error,
    auth::{self, Caller, Permission},
    time,
};
use fazhi_proto::cases::v1::{self as pb, case_service_server::CaseService};
use tonic::{Request, Response, Status};

use crate::{domain::Case, store::Store};

/// Longest id worth looking up.
const MAX_ID_LEN: usize = 64;

pub struct CasesApi {
    store: Store,
    certifier: Certifier,
}

impl CasesApi {
    pub fn new(store: Store, certifier: Certifier) -> Self {
        Self { store, certifier }
    }

    /// The case, if it exists within the caller's divisions (NOT_FOUND otherwise).
    async fn case_in_scope(&self, caller: &Caller, id: &str) -> Result<Case, Error> {
        if id.is_empty() || id.len() > MAX_ID_LEN {
            return Err(Error::not_found("case"));
        }
        self.store
            .case(id)
            .await?
            .filter(|c| caller.sees(&c.division))
            .ok_or_else(|| Error::not_found("case"))
    }
}

#[tonic::async_trait]
impl CaseService for CasesApi {
    async fn create_power_item(
        &self,
        request: Request<pb::CreatePowerItemRequest>,
    ) -> Result<Response<pb::PowerItem>, Status> {
        power::create_power_item(self, request).await
    }

    async fn get_power_item(
        &self,
        request: Request<pb::GetPowerItemRequest>,
    ) -> Result<Response<pb::PowerItem>, Status> {
        power::get_power_item(self, request).await
    }

    async fn list_power_items(
        &self,
        request: Request<pb::ListPowerItemsRequest>,
    ) -> Result<Response<pb::ListPowerItemsResponse>, Status> {
        power::list_power_items(self, request).await
    }

    async fn create_lead(
        &self,
        request: Request<pb::CreateLeadRequest>,
    ) -> Result<Response<pb::CreateLeadResponse>, Status> {
        cases::create_lead(self, request).await
    }

    async fn get_case(
        &self,
        request: Request<pb::GetCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        cases::get_case(self, request).await
    }

    async fn list_cases(
        &self,
        request: Request<pb::ListCasesRequest>,
    ) -> Result<Response<pb::ListCasesResponse>, Status> {
        cases::list_cases(self, request).await
    }

    async fn file_case(
        &self,
        request: Request<pb::FileCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        cases::file_case(self, request).await
    }

    async fn decline_lead(
        &self,
        request: Request<pb::DeclineLeadRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        cases::decline_lead(self, request).await
    }

    async fn terminate_case(
        &self,
        request: Request<pb::TerminateCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        cases::terminate_case(self, request).await
    }

    async fn get_case_history(
        &self,
        request: Request<pb::GetCaseHistoryRequest>,
    ) -> Result<Response<pb::CaseHistory>, Status> {
        cases::get_case_history(self, request).await
    }

    async fn verify_case_history(
        &self,
        request: Request<pb::VerifyCaseHistoryRequest>,
    ) -> Result<Response<pb::HistoryVerification>, Status> {
        cases::verify_case_history(self, request).await
    }

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
