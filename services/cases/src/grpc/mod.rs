//! gRPC adapter: proto ↔ domain, scope checks, and store calls. One file
//! per group of RPCs; the service trait below only hands each call to its
//! group.

mod api;
mod cases;
mod certification;
mod coercion;
mod content;
mod convert;
mod documents;
mod enforcement;
mod execution;
mod imports;
mod power;
mod publicity;
mod records;
mod spot;
mod stats;
mod steps;
mod warnings;

pub use api::CasesApi;
pub use certification::Certifier;
use convert::*;

use fazhi_proto::cases::v1::{self as pb, case_service_server::CaseService};
use tonic::{Request, Response, Status};

use crate::domain::Case;

use fazhi_platform::error::MAX_ID_LEN;

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

    async fn list_leads_of_complaints(
        &self,
        request: Request<pb::ListLeadsOfComplaintsRequest>,
    ) -> Result<Response<pb::ListLeadsOfComplaintsResponse>, Status> {
        cases::list_leads_of_complaints(self, request).await
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

    async fn record_appeal(
        &self,
        request: Request<pb::RecordAppealRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        enforcement::record_appeal(self, request).await
    }

    async fn conclude_appeal(
        &self,
        request: Request<pb::ConcludeAppealRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        enforcement::conclude_appeal(self, request).await
    }

    async fn approve_instalments(
        &self,
        request: Request<pb::ApproveInstalmentsRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        enforcement::approve_instalments(self, request).await
    }

    async fn demand_performance(
        &self,
        request: Request<pb::DemandPerformanceRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        enforcement::demand_performance(self, request).await
    }

    async fn hear_enforcement_statement(
        &self,
        request: Request<pb::HearEnforcementStatementRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        enforcement::hear_enforcement_statement(self, request).await
    }

    async fn decide_enforcement(
        &self,
        request: Request<pb::DecideEnforcementRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        enforcement::decide_enforcement(self, request).await
    }

    async fn agree_enforcement(
        &self,
        request: Request<pb::AgreeEnforcementRequest>,
    ) -> Result<Response<pb::Case>, Status> {
        enforcement::agree_enforcement(self, request).await
    }

    async fn get_case_document(
        &self,
        request: Request<pb::GetCaseDocumentRequest>,
    ) -> Result<Response<pb::CaseDocument>, Status> {
        documents::get_case_document(self, request).await
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
        warnings::list_warnings(self, request).await
    }

    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::CaseStats>, Status> {
        stats::get_stats(self, request).await
    }

    async fn get_township_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::TownshipCaseStats>, Status> {
        stats::get_township_stats(self, request).await
    }
}
