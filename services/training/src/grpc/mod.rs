//! gRPC adapter: proto ↔ domain, scope checks, and store calls. One file
//! per group of RPCs; the service trait below only hands each call to its
//! group.

mod certificates;
mod convert;
mod imports;
mod people;
mod records;
mod stats;
mod warnings;

use convert::*;
use fazhi_platform::Code;

use fazhi_platform::{
    Error,
    auth::{Caller, Permission},
};
use fazhi_proto::training::v1::{self as pb, training_service_server::TrainingService};
use tonic::{Request, Response, Status};

use crate::{
    domain::{self, Certificate, Person, TrainingRules, Transition},
    store::Store,
};

/// Most attendees or results in one call.
const MAX_ROWS: usize = 20_000;

/// Imports read at once; each holds a whole file and its rows in memory.
const CONCURRENT_IMPORTS: usize = 2;

pub struct TrainingApi {
    store: Store,
    rules: TrainingRules,
    imports: std::sync::Arc<tokio::sync::Semaphore>,
    clock: fazhi_platform::clock::SharedClock,
}

impl TrainingApi {
    pub fn new(
        store: Store,
        rules: TrainingRules,
        clock: fazhi_platform::clock::SharedClock,
    ) -> Self {
        Self {
            store,
            rules,
            imports: std::sync::Arc::new(tokio::sync::Semaphore::new(CONCURRENT_IMPORTS)),
            clock,
        }
    }

    /// The person, if it exists within the caller's divisions (NOT_FOUND otherwise).
    async fn person_in_scope(&self, caller: &Caller, id: &str) -> Result<Person, Error> {
        let id = Error::lookup_id("person", id)?;
        self.store
            .person(id)
            .await?
            .filter(|p| caller.sees(&p.division))
            .ok_or_else(|| Error::not_found("person"))
    }

    /// `p` as the caller may read it. A held registration names the record
    /// it waits on only to a caller who sees that record too (the county);
    /// to anyone else it reads as any other.
    async fn person_view(&self, caller: &Caller, p: &Person) -> Result<pb::Person, Error> {
        let held_for = match &p.held_for {
            None => String::new(),
            Some(id) => self
                .store
                .person(id)
                .await?
                .filter(|on_register| caller.sees(&on_register.division))
                .map(|on_register| on_register.id)
                .unwrap_or_default(),
        };
        Ok(person_proto(p, held_for))
    }

    async fn certificate_in_scope(&self, caller: &Caller, id: &str) -> Result<Certificate, Error> {
        let id = Error::lookup_id("certificate", id)?;
        let certificate = self
            .store
            .certificate(id)
            .await?
            .ok_or_else(|| Error::not_found("certificate"))?;
        self.person_in_scope(caller, &certificate.person_id)
            .await
            .map_err(|_| Error::not_found("certificate"))?;
        Ok(certificate)
    }

    /// Checks that every id names a person of the caller's divisions, once.
    async fn attendees(&self, caller: &Caller, field: &str, ids: &[String]) -> Result<(), Error> {
        if ids.is_empty() || ids.len() > MAX_ROWS {
            return Err(Error::invalid_field(
                field,
                Code::InvalidCount,
                format!("{field} must list 1 to {MAX_ROWS} people"),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            if !seen.insert(id) {
                return Err(Error::invalid_field(
                    format!("{field}[{i}].person_id"),
                    Code::DuplicatePerson,
                    format!("person {id} is listed twice"),
                ));
            }
        }
        let found = self.store.people_in(&caller.scope, ids).await?;
        if let Some((i, id)) = ids.iter().enumerate().find(|(_, id)| !found.contains(*id)) {
            return Err(Error::invalid_field(
                format!("{field}[{i}].person_id"),
                Code::UnknownPerson,
                format!("no person {id} in your divisions"),
            ));
        }
        Ok(())
    }

    /// A hand change of the certificate `id` at the `version` read, taking
    /// effect `on` (default today).
    async fn transition(
        &self,
        caller: &Caller,
        id: &str,
        version: i64,
        on: Option<&fazhi_proto::common::v1::Date>,
        transition: Transition,
    ) -> Result<Response<pb::Certificate>, Status> {
        caller.require(Permission::CertificateManage)?;
        let on = date_or_today("on", on, self.clock.today())?;
        let certificate = self.certificate_in_scope(caller, id).await?;
        check_version("certificate", certificate.version, version)?;
        let on = domain::check_transition_date(&certificate, on, self.clock.today())?;
        let status = domain::transition(&certificate, transition, on)?;
        let changed = self.store.set_status(&certificate, status, on).await?;
        tracing::info!(certificate = %changed.id, status = %changed.status, "certificate status changed");
        Ok(Response::new(certificate_proto(&changed)))
    }
}

#[tonic::async_trait]
impl TrainingService for TrainingApi {
    async fn create_person(
        &self,
        request: Request<pb::CreatePersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        people::create_person(self, request).await
    }

    async fn get_person(
        &self,
        request: Request<pb::GetPersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        people::get_person(self, request).await
    }

    async fn list_people(
        &self,
        request: Request<pb::ListPeopleRequest>,
    ) -> Result<Response<pb::ListPeopleResponse>, Status> {
        people::list_people(self, request).await
    }

    async fn leave_post(
        &self,
        request: Request<pb::LeavePostRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        people::leave_post(self, request).await
    }

    async fn transfer_person(
        &self,
        request: Request<pb::TransferPersonRequest>,
    ) -> Result<Response<pb::Person>, Status> {
        people::transfer_person(self, request).await
    }

    async fn record_training(
        &self,
        request: Request<pb::RecordTrainingRequest>,
    ) -> Result<Response<pb::TrainingSession>, Status> {
        records::record_training(self, request).await
    }

    async fn list_training_sessions(
        &self,
        request: Request<pb::ListTrainingSessionsRequest>,
    ) -> Result<Response<pb::ListTrainingSessionsResponse>, Status> {
        records::list_training_sessions(self, request).await
    }

    async fn record_exam(
        &self,
        request: Request<pb::RecordExamRequest>,
    ) -> Result<Response<pb::Exam>, Status> {
        records::record_exam(self, request).await
    }

    async fn issue_certificate(
        &self,
        request: Request<pb::IssueCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        certificates::issue_certificate(self, request).await
    }

    async fn get_certificate(
        &self,
        request: Request<pb::GetCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        certificates::get_certificate(self, request).await
    }

    async fn list_certificates(
        &self,
        request: Request<pb::ListCertificatesRequest>,
    ) -> Result<Response<pb::ListCertificatesResponse>, Status> {
        certificates::list_certificates(self, request).await
    }

    async fn suspend_certificate(
        &self,
        request: Request<pb::SuspendCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        certificates::suspend_certificate(self, request).await
    }

    async fn reinstate_certificate(
        &self,
        request: Request<pb::ReinstateCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        certificates::reinstate_certificate(self, request).await
    }

    async fn revoke_certificate(
        &self,
        request: Request<pb::RevokeCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        certificates::revoke_certificate(self, request).await
    }

    async fn expire_certificate(
        &self,
        request: Request<pb::ExpireCertificateRequest>,
    ) -> Result<Response<pb::Certificate>, Status> {
        certificates::expire_certificate(self, request).await
    }

    async fn is_certified(
        &self,
        request: Request<pb::IsCertifiedRequest>,
    ) -> Result<Response<pb::IsCertifiedResponse>, Status> {
        certificates::is_certified(self, request).await
    }

    async fn run_annual_review(
        &self,
        request: Request<pb::RunAnnualReviewRequest>,
    ) -> Result<Response<pb::RunAnnualReviewResponse>, Status> {
        certificates::run_annual_review(self, request).await
    }

    async fn list_exams(
        &self,
        request: Request<pb::ListExamsRequest>,
    ) -> Result<Response<pb::ListExamsResponse>, Status> {
        records::list_exams(self, request).await
    }

    async fn list_outreach_events(
        &self,
        request: Request<pb::ListOutreachEventsRequest>,
    ) -> Result<Response<pb::ListOutreachEventsResponse>, Status> {
        records::list_outreach_events(self, request).await
    }

    async fn record_outreach(
        &self,
        request: Request<pb::RecordOutreachRequest>,
    ) -> Result<Response<pb::OutreachEvent>, Status> {
        records::record_outreach(self, request).await
    }

    async fn list_warnings(
        &self,
        request: Request<fazhi_proto::common::v1::ListWarningsRequest>,
    ) -> Result<Response<fazhi_proto::common::v1::ListWarningsResponse>, Status> {
        let caller = fazhi_platform::auth::caller(&request)?;
        if !(caller.may(Permission::TrainingRead) || caller.may(Permission::OversightRead)) {
            return Err(fazhi_platform::auth::forbidden(Permission::OversightRead).into());
        }
        let r = request.into_inner();
        let scope = caller.narrow_code("division_code", &r.division_code)?;
        Ok(Response::new(self.warnings(&scope).await?))
    }

    async fn get_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::TrainingStats>, Status> {
        stats::get_stats(self, request).await
    }

    async fn get_township_stats(
        &self,
        request: Request<pb::GetStatsRequest>,
    ) -> Result<Response<pb::TownshipTrainingStats>, Status> {
        stats::get_township_stats(self, request).await
    }

    async fn import_people(
        &self,
        request: Request<pb::ImportPeopleRequest>,
    ) -> Result<Response<pb::ImportReport>, Status> {
        imports::import_people(self, request).await
    }

    async fn import_attendance(
        &self,
        request: Request<pb::ImportAttendanceRequest>,
    ) -> Result<Response<pb::ImportReport>, Status> {
        imports::import_attendance(self, request).await
    }

    async fn import_exam_results(
        &self,
        request: Request<pb::ImportExamResultsRequest>,
    ) -> Result<Response<pb::ImportReport>, Status> {
        imports::import_exam_results(self, request).await
    }

    async fn export_list(
        &self,
        request: Request<pb::ExportListRequest>,
    ) -> Result<Response<pb::ExportedFile>, Status> {
        imports::export_list(self, request).await
    }
}
