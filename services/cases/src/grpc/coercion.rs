//! Coercive measures: seizure (and its one extension and release), the
//! demolition notice and the forced demolition.

use fazhi_platform::{
    Code, Error,
    auth::{self, Permission},
    time,
};
use fazhi_proto::cases::v1 as pb;
use serde_json::json;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain;

pub(super) async fn seize(
    api: &CasesApi,
    request: Request<pb::SeizeRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    let records = api.store.records(&case.id).await?;
    let after = domain::seize(&case, &r.items, on, api.clock.today(), &records)?;
    api.recheck_officers(&caller, &case, on).await?;
    let detail = json!({ "on": on.to_string(), "items": r.items });
    api.record(&caller, &case, &after, "seized", detail).await?;
    Ok(Response::new(case_proto(&after)))
}

pub(super) async fn extend_seizure(
    api: &CasesApi,
    request: Request<pb::ExtendSeizureRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let days = u64::try_from(r.days).map_err(|_| {
        Error::invalid_field(
            "days",
            Code::InvalidCount,
            "a seizure is extended by 1 to 30 days",
        )
    })?;
    let detail = json!({ "on": on.to_string(), "days": days });
    super::steps::step(
        api,
        &caller,
        (&r.case_id, r.version),
        "seizure_extended",
        detail,
        |c| domain::extend_seizure(c, days, on, api.clock.today()),
    )
    .await
}

pub(super) async fn release_seizure(
    api: &CasesApi,
    request: Request<pb::ReleaseSeizureRequest>,
) -> Result<Response<pb::Case>, Status> {
    super::steps::day_step(
        api,
        request,
        Permission::CaseManage,
        "seizure_released",
        domain::release_seizure,
    )
    .await
}

pub(super) async fn announce_demolition(
    api: &CasesApi,
    request: Request<pb::AnnounceDemolitionRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let days = u32::try_from(r.removal_days).unwrap_or(0);
    let detail = json!({ "on": on.to_string(), "removal_days": days });
    super::steps::step(
        api,
        &caller,
        (&r.case_id, r.version),
        "demolition_announced",
        detail,
        |c| domain::announce_demolition(c, days, on, api.clock.today()),
    )
    .await
}

pub(super) async fn demolish(
    api: &CasesApi,
    request: Request<pb::DemolishRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let at =
        r.at.as_ref()
            .and_then(time::from_timestamp)
            .ok_or_else(|| Error::invalid_field("at", Code::InvalidTime, "at is required"))?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    let records = api.store.records(&case.id).await?;
    let after = domain::demolish(&case, at, api.clock.now(), &api.calendar, &records)?;
    api.recheck_officers(&caller, &case, time::china_date(at))
        .await?;
    let detail = json!({ "at": time::to_rfc3339(at) });
    api.record(&caller, &case, &after, "demolished", detail)
        .await?;
    Ok(Response::new(case_proto(&after)))
}

pub(super) async fn demand_payment(
    api: &CasesApi,
    request: Request<pb::DemandPaymentRequest>,
) -> Result<Response<pb::Case>, Status> {
    super::steps::day_step(
        api,
        request,
        Permission::CaseDecide,
        "payment_demanded",
        domain::demand_payment,
    )
    .await
}

pub(super) async fn apply_to_court(
    api: &CasesApi,
    request: Request<pb::ApplyToCourtRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = super::convert::day_or_today("on", r.on.as_ref(), api.clock.today())?;
    super::steps::step(
        api,
        &caller,
        (&r.case_id, r.version),
        "court_applied",
        json!({ "on": on.to_string() }),
        |c| domain::apply_to_court(c, on, api.clock.today(), &api.calendar),
    )
    .await
}

pub(super) async fn preserve_evidence(
    api: &CasesApi,
    request: Request<pb::PreserveEvidenceRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    let after = domain::preserve_evidence(&case, &r.items, on, api.clock.today(), &api.calendar)?;
    let detail = json!({ "on": on.to_string(), "items": r.items });
    api.record(&caller, &case, &after, "evidence_preserved", detail)
        .await?;
    Ok(Response::new(case_proto(&after)))
}

pub(super) async fn decide_preservation(
    api: &CasesApi,
    request: Request<pb::DecidePreservationRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let outcome = preservation_outcome("outcome", r.outcome)?
        .ok_or_else(|| Error::invalid_field("outcome", Code::Required, "outcome is required"))?;
    let index = usize::try_from(r.index)
        .map_err(|_| Error::invalid_field("index", Code::InvalidCount, "index is 0 or more"))?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    let after = domain::decide_preservation(&case, index, outcome, on, api.clock.today())?;
    let detail = json!({ "on": on.to_string(), "index": index, "outcome": outcome.code() });
    api.record(&caller, &case, &after, "preservation_decided", detail)
        .await?;
    Ok(Response::new(case_proto(&after)))
}

/// 中止 before the decision, with its reason.
pub(super) async fn suspend_case(
    api: &CasesApi,
    request: Request<pb::SuspendCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = super::convert::day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let reason = super::convert::suspension_reason("reason", r.reason)?.ok_or_else(|| {
        fazhi_platform::Error::invalid_field(
            "reason",
            fazhi_platform::Code::Required,
            "reason is required",
        )
    })?;
    let detail = json!({ "on": on.to_string(), "reason": reason.code(), "note": r.note });
    super::steps::step(
        api,
        &caller,
        (&r.case_id, r.version),
        "suspended",
        detail,
        |c| domain::suspend(c, reason, &r.note, on, api.clock.today()),
    )
    .await
}

pub(super) async fn resume_case(
    api: &CasesApi,
    request: Request<pb::ResumeCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    super::steps::day_step(
        api,
        request,
        Permission::CaseDecide,
        "resumed",
        domain::resume,
    )
    .await
}
