//! gRPC adapter: proto ↔ domain, scope checks, and store calls. One file
//! per group of RPCs; the service trait below only hands each call to its
//! group.

mod cases;
mod certification;
mod coercion;
mod content;
mod convert;
mod execution;
mod imports;
mod power;
mod publicity;
mod records;
mod spot;
mod steps;
mod warnings;

pub use certification::Certifier;
use convert::*;

use fazhi_platform::{
    Error,
    auth::{self, Caller, Permission},
    time,
};
use fazhi_proto::cases::v1::{self as pb, case_service_server::CaseService};
use tonic::{Request, Response, Status};

use std::sync::Arc;

use fazhi_calendar::Calendar;

use crate::{
    content::ContentStore,
    domain::{Case, CaseRules},
    store::Store,
};

use fazhi_platform::error::MAX_ID_LEN;

pub struct CasesApi {
    store: Store,
    content: ContentStore,
    /// Lists being parsed now (at most [`imports::CONCURRENT_IMPORTS`]).
    imports: Arc<tokio::sync::Semaphore>,
    certifier: Certifier,
    calendar: Arc<Calendar>,
    rules: CaseRules,
    clock: fazhi_platform::clock::SharedClock,
}

impl CasesApi {
    pub fn new(
        store: Store,
        content: ContentStore,
        certifier: Certifier,
        calendar: Arc<Calendar>,
        rules: CaseRules,
        clock: fazhi_platform::clock::SharedClock,
    ) -> Self {
        Self {
            store,
            content,
            imports: Arc::new(tokio::sync::Semaphore::new(imports::CONCURRENT_IMPORTS)),
            certifier,
            calendar,
            rules,
            clock,
        }
    }

    /// The case at the version the caller read (ABORTED naming the current
    /// one), within the caller's divisions.
    async fn case_at(&self, caller: &Caller, id: &str, version: i64) -> Result<Case, Error> {
        let case = self.case_in_scope(caller, id).await?;
        if case.version != version {
            return Err(Error::stale_version("case", case.version, version));
        }
        Ok(case)
    }

    /// The case, if it exists within the caller's divisions (NOT_FOUND otherwise).
    async fn case_in_scope(&self, caller: &Caller, id: &str) -> Result<Case, Error> {
        let id = Error::lookup_id("case", id)?;
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

    async fn import_power_items(
        &self,
        request: Request<pb::ImportPowerItemsRequest>,
    ) -> Result<Response<pb::PowerImportReport>, Status> {
        imports::import_power_items(self, request).await
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

    async fn notify_party(
        &self,
        request: Request<pb::NotifyPartyRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::notify_party(self, request).await
    }

    async fn record_defence(
        &self,
        request: Request<pb::RecordDefenceRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::record_defence(self, request).await
    }

    async fn request_hearing(
        &self,
        request: Request<pb::RequestHearingRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::request_hearing(self, request).await
    }

    async fn waive_hearing(
        &self,
        request: Request<pb::WaiveHearingRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::waive_hearing(self, request).await
    }

    async fn record_correction(
        &self,
        request: Request<pb::RecordCorrectionRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::record_correction(self, request).await
    }

    async fn hold_hearing(
        &self,
        request: Request<pb::HoldHearingRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::hold_hearing(self, request).await
    }

    async fn review_case(
        &self,
        request: Request<pb::ReviewCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::review_case(self, request).await
    }

    async fn discuss_case(
        &self,
        request: Request<pb::DiscussCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::discuss_case(self, request).await
    }

    async fn decide_case(
        &self,
        request: Request<pb::DecideCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        steps::decide_case(self, request).await
    }

    async fn serve_decision(
        &self,
        request: Request<pb::ServeDecisionRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        execution::serve_decision(self, request).await
    }

    async fn record_payment(
        &self,
        request: Request<pb::RecordPaymentRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        execution::record_payment(self, request).await
    }

    async fn close_case(
        &self,
        request: Request<pb::CloseCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        execution::close_case(self, request).await
    }

    async fn register_record(
        &self,
        request: Request<pb::RegisterRecordRequest>,
    ) -> Result<Response<pb::Record>, Status> {
        records::register_record(self, request).await
    }

    async fn list_records(
        &self,
        request: Request<pb::ListRecordsRequest>,
    ) -> Result<Response<pb::ListRecordsResponse>, Status> {
        records::list_records(self, request).await
    }

    async fn upload_record_content(
        &self,
        request: Request<tonic::Streaming<pb::RecordContent>>,
    ) -> Result<Response<pb::Record>, Status> {
        content::upload(self, request).await
    }

    type ReadRecordContentStream = content::ContentStream;

    async fn read_record_content(
        &self,
        request: Request<pb::ReadRecordContentRequest>,
    ) -> Result<Response<Self::ReadRecordContentStream>, Status> {
        content::read(self, request).await
    }

    async fn publish_decision(
        &self,
        request: Request<pb::PublishDecisionRequest>,
    ) -> Result<Response<pb::Publication>, Status> {
        publicity::publish_decision(self, request).await
    }

    async fn withdraw_publication(
        &self,
        request: Request<pb::WithdrawPublicationRequest>,
    ) -> Result<Response<pb::Publication>, Status> {
        publicity::withdraw_publication(self, request).await
    }

    async fn list_publications(
        &self,
        request: Request<pb::ListPublicationsRequest>,
    ) -> Result<Response<pb::ListPublicationsResponse>, Status> {
        publicity::list_publications(self, request).await
    }

    async fn decide_on_the_spot(
        &self,
        request: Request<pb::DecideOnTheSpotRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        spot::decide_on_the_spot(self, request).await
    }

    async fn assign_officer(
        &self,
        request: Request<pb::AssignOfficerRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        spot::assign_officer(self, request).await
    }

    async fn report_spot_decision(
        &self,
        request: Request<pb::ReportSpotDecisionRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        spot::report_spot_decision(self, request).await
    }

    async fn hand_in_cash(
        &self,
        request: Request<pb::HandInCashRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        spot::hand_in_cash(self, request).await
    }

    async fn suspend_case(
        &self,
        request: Request<pb::SuspendCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::suspend_case(self, request).await
    }

    async fn resume_case(
        &self,
        request: Request<pb::ResumeCaseRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::resume_case(self, request).await
    }

    async fn recuse_officer(
        &self,
        request: Request<pb::RecuseOfficerRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        spot::recuse_officer(self, request).await
    }

    async fn seize(
        &self,
        request: Request<pb::SeizeRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::seize(self, request).await
    }

    async fn extend_seizure(
        &self,
        request: Request<pb::ExtendSeizureRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::extend_seizure(self, request).await
    }

    async fn release_seizure(
        &self,
        request: Request<pb::ReleaseSeizureRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::release_seizure(self, request).await
    }

    async fn announce_demolition(
        &self,
        request: Request<pb::AnnounceDemolitionRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::announce_demolition(self, request).await
    }

    async fn demolish(
        &self,
        request: Request<pb::DemolishRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::demolish(self, request).await
    }

    async fn extend_decision_period(
        &self,
        request: Request<pb::ExtendDecisionPeriodRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        execution::extend_decision_period(self, request).await
    }

    async fn defer_payment(
        &self,
        request: Request<pb::DeferPaymentRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        execution::defer_payment(self, request).await
    }

    async fn demand_payment(
        &self,
        request: Request<pb::DemandPaymentRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::demand_payment(self, request).await
    }

    async fn apply_to_court(
        &self,
        request: Request<pb::ApplyToCourtRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::apply_to_court(self, request).await
    }

    async fn preserve_evidence(
        &self,
        request: Request<pb::PreserveEvidenceRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::preserve_evidence(self, request).await
    }

    async fn decide_preservation(
        &self,
        request: Request<pb::DecidePreservationRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        coercion::decide_preservation(self, request).await
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

    async fn list_warnings(
        &self,
        request: Request<fazhi_proto::common::v1::ListWarningsRequest>,
    ) -> Result<Response<fazhi_proto::common::v1::ListWarningsResponse>, Status> {
        let caller = auth::caller(&request)?;
        if !(caller.may(Permission::CaseRead) || caller.may(Permission::OversightRead)) {
            return Err(auth::forbidden(Permission::OversightRead).into());
        }
        let r = request.into_inner();
        let division = caller.narrow_code("division_code", &r.division_code)?;
        Ok(Response::new(self.warnings(&division).await?))
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
        let from = period.start.map_or(time::EARLIEST_DATE, time::china_date);
        let to = period.end.map_or_else(
            || self.clock.today(),
            |end| time::china_date(end - chrono::Duration::microseconds(1)),
        );
        let f = self.store.figures(&division, from, to).await?;
        Ok(Response::new(pb::CaseStats {
            total: f.leads,
            filed: f.filed,
            decided: f.decided,
            closed: f.closed,
            decided_on_time: f.decided_on_time,
            review_required: f.review_required,
            reviewed: f.reviewed,
            discussion_required: f.discussion_required,
            discussed: f.discussed,
            recorded: f.recorded,
            published: f.published,
            published_on_time: f.published_on_time,
            avg_days_to_filing: f.avg_days_to_filing,
            avg_days_to_decision: f.avg_days_to_decision,
            fines_imposed_fen: f.fines_imposed_fen,
            fines_collected_fen: f.fines_collected_fen,
            late_charges_fen: f.late_charges_fen,
            certification_refusals: f.certification_refusals,
            not_filed: f.not_filed,
            terminated: f.terminated,
            penalty_decisions: f.penalty_decisions,
            no_penalty_decisions: f.no_penalty_decisions,
            dismissed: f.dismissed,
            transferred: f.transferred,
            simple_decisions: f.simple_decisions,
            recording_required: f.recording_required,
        }))
    }
}
