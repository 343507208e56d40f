//! Certificates: issue, read, change by hand, "certified on", the annual review.

use fazhi_platform::auth::{self, Permission};
use fazhi_platform::proto_enum::given;
use fazhi_proto::training::v1 as pb;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, Certificate, CertificateStatus, Transition};

pub(super) async fn issue_certificate(
    api: &TrainingApi,
    request: Request<pb::IssueCertificateRequest>,
) -> Result<Response<pb::Certificate>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CertificateManage)?;
    let r = request.into_inner().certificate.unwrap_or_default();
    let number = text("number", &r.number, 50)?;
    let issued_on = domain::check_not_future(
        "issued_on",
        date_or_today("issued_on", r.issued_on.as_ref(), api.clock.today())?,
        api.clock.today(),
    )?;
    let person = api.person_in_scope(&caller, &r.person_id).await?;
    let competence = competence(&person.division, &r)?;
    let sittings = api.store.sittings(&person.id).await?;
    let held = api.store.certificates(&person.id).await?;
    let barred_until = api
        .store
        .last_revocation(&person.id)
        .await?
        .map(|on| domain::reissue_bar_until(on, &api.rules));
    let window = domain::qualification_window(issued_on, &api.rules);
    let trained = api
        .store
        .hours_between(&person.id, window.since, window.on)
        .await?;
    domain::check_issue(
        &person,
        &sittings,
        &held,
        barred_until,
        trained,
        issued_on,
        &api.rules,
    )?;
    let certificate = Certificate {
        id: new_id(),
        number,
        person_id: person.id.clone(),
        issued_on,
        valid_until: domain::valid_until(issued_on, &api.rules),
        status: CertificateStatus::Active,
        status_since: issued_on,
        version: 1,
        competence,
    };
    api.store.insert_certificate(&certificate).await?;
    tracing::info!(certificate = %certificate.id, person = %person.id, "certificate issued");
    Ok(Response::new(certificate_proto(&certificate)))
}

/// The area and categories a certificate is issued for, read and checked.
fn competence(
    holder: &fazhi_platform::DivisionCode,
    r: &pb::Certificate,
) -> Result<domain::Competence, Status> {
    if r.area_division_codes.len() > domain::MAX_AREAS
        || r.categories.len() > fazhi_platform::category::EnforcementCategory::ALL.len()
    {
        return Err(fazhi_platform::Error::invalid_field(
            "areas",
            fazhi_platform::Code::TooManyValues,
            format!(
                "a certificate names at most {} divisions and each category once",
                domain::MAX_AREAS
            ),
        )
        .into());
    }
    let areas = r
        .area_division_codes
        .iter()
        .map(|code| fazhi_platform::DivisionCode::parse_field("area_division_codes", code))
        .collect::<Result<Vec<_>, _>>()?;
    let categories = r
        .categories
        .iter()
        .map(|value| given("categories", category("categories", *value)?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(domain::Competence::check(holder, areas, categories)?)
}

pub(super) async fn get_certificate(
    api: &TrainingApi,
    request: Request<pb::GetCertificateRequest>,
) -> Result<Response<pb::Certificate>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let certificate = api
        .certificate_in_scope(&caller, &request.into_inner().id)
        .await?;
    Ok(Response::new(certificate_proto(&certificate)))
}

pub(super) async fn list_certificates(
    api: &TrainingApi,
    request: Request<pb::ListCertificatesRequest>,
) -> Result<Response<pb::ListCertificatesResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    // A filter: a person outside the divisions (or unknown) lists nothing.
    let person_id = (!r.person_id.is_empty()).then_some(r.person_id.as_str());
    let status = certificate_status("status", r.status)?;
    let (limit, after) = page(r.page_size, &r.page_token)?;
    let mut certificates = api
        .store
        .list_certificates(&scope, person_id, status, &after, limit + 1)
        .await?;
    let next_page_token =
        fazhi_platform::paging::cut(&mut certificates, limit, |c| vec![c.id.clone()]);
    Ok(Response::new(pb::ListCertificatesResponse {
        certificates: certificates.iter().map(certificate_proto).collect(),
        next_page_token,
    }))
}

/// One hand change per RPC, each with a request of its own (the same fields).
macro_rules! transition_rpc {
    ($name:ident, $request:ty, $transition:expr) => {
        pub(super) async fn $name(
            api: &TrainingApi,
            request: Request<$request>,
        ) -> Result<Response<pb::Certificate>, Status> {
            let caller = auth::caller(&request)?;
            let r = request.into_inner();
            let on = r.on.as_ref();
            api.transition(&caller, &r.certificate_id, r.version, on, $transition)
                .await
        }
    };
}

transition_rpc!(
    suspend_certificate,
    pb::SuspendCertificateRequest,
    Transition::Suspend
);
transition_rpc!(
    reinstate_certificate,
    pb::ReinstateCertificateRequest,
    Transition::Reinstate
);
transition_rpc!(
    revoke_certificate,
    pb::RevokeCertificateRequest,
    Transition::Revoke
);
transition_rpc!(
    expire_certificate,
    pb::ExpireCertificateRequest,
    Transition::Expire
);

pub(super) async fn is_certified(
    api: &TrainingApi,
    request: Request<pb::IsCertifiedRequest>,
) -> Result<Response<pb::IsCertifiedResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::TrainingRead)?;
    let r = request.into_inner();
    let on = date_or_today("on", r.on.as_ref(), api.clock.today())?;
    let action = domain::Action {
        division: fazhi_platform::DivisionCode::parse_optional_field(
            "division_code",
            &r.division_code,
        )?,
        category: category("category", r.category)?,
    };
    let person = api.person_in_scope(&caller, &r.person_id).await?;
    let held = api.store.certificates_with_history(&person.id).await?;
    Ok(Response::new(
        match domain::certified_on(&held, on, &action) {
            Ok(certificate_number) => pb::IsCertifiedResponse {
                certified: true,
                certificate_number,
                reason: 0,
            },
            Err(why) => pb::IsCertifiedResponse {
                certified: false,
                certificate_number: String::new(),
                reason: not_certified_proto(why),
            },
        },
    ))
}

pub(super) async fn run_annual_review(
    api: &TrainingApi,
    request: Request<pb::RunAnnualReviewRequest>,
) -> Result<Response<pb::RunAnnualReviewResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CertificateManage)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let today = api.clock.today();
    domain::check_review_year(r.year, today)?;
    let on = date_or_today("on", r.on.as_ref(), api.clock.today())?;
    let cutoff = domain::retake_cutoff(r.year, &api.rules);
    let cases = api.store.review_cases(&scope, r.year, cutoff).await?;
    let mut changes = Vec::new();
    let mut decisions = Vec::new();
    for case in &cases {
        let fresh = domain::review(
            &case.certificate,
            case.already,
            &case.sittings,
            case.hours_tenths,
            &case.makeup,
            r.year,
            &api.rules,
        );
        if let Some(outcome) = fresh {
            if outcome.status() != case.certificate.status {
                // Dated as decided, never behind the certificate's last change.
                domain::check_transition_date(&case.certificate, on, today)?;
            }
            changes.push((case.certificate.clone(), outcome));
        }
        if let Some(outcome) = fresh.or(case.already) {
            decisions.push(pb::ReviewDecision {
                certificate_id: case.certificate.id.clone(),
                certificate_number: case.certificate.number.clone(),
                person_id: case.certificate.person_id.clone(),
                outcome: review_outcome_proto(outcome),
                changed: fresh.is_some(),
            });
        }
    }
    api.store.apply_reviews(&changes, r.year, on).await?;
    tracing::info!(division = %scope, year = r.year, reviewed = decisions.len(), changed = changes.len(), "annual review applied");
    Ok(Response::new(pb::RunAnnualReviewResponse { decisions }))
}
