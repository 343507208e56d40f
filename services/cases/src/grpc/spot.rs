//! The simple procedure's decision on the spot, recusal, and officers
//! assigned after filing.

use fazhi_platform::{
    Code, Error,
    auth::{self, Permission},
};
use fazhi_proto::cases::v1 as pb;
use serde_json::json;
use tonic::{Request, Response, Status};

use super::cases::filing;
use super::*;
use crate::domain::{self, Collection};

pub(super) async fn decide_on_the_spot(
    api: &CasesApi,
    request: Request<pb::DecideOnTheSpotRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let collection = match r.collection() {
        pb::Collection::Unspecified | pb::Collection::Later => Collection::Later,
        pb::Collection::OnTheSpot => Collection::OnTheSpot,
        pb::Collection::HardToCollect => Collection::HardToCollect,
    };
    let penalty = super::convert::penalty_from_proto(r.penalty.as_ref())?;
    let f = filing(
        api,
        &caller,
        (&r.case_id, r.version),
        &r.officer_ids,
        &r.power_item_code,
        &r.party_id_number,
        r.on.as_ref(),
    )
    .await?;
    let decided = domain::decide_on_the_spot(
        &f.lead,
        &f.item,
        &f.answers,
        penalty,
        &r.form_number,
        collection,
        f.on,
        api.clock.today(),
    )?;
    let detail = json!({
        "power_item_code": f.item.code,
        "officer_ids": decided.officers,
        "on": f.on.to_string(),
        "warning": penalty.warning,
        "fine_fen": penalty.fine_fen,
        "form_number": r.form_number,
        "collected": decided.proceedings.payment.is_some(),
    });
    api.record(&caller, &f.case, &decided, "decided_on_the_spot", detail)
        .await?;
    Ok(Response::new(case_proto(&decided)))
}

pub(super) async fn recuse_officer(
    api: &CasesApi,
    request: Request<pb::RecuseOfficerRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let reason = recusal_reason("reason", r.reason)?
        .ok_or_else(|| Error::invalid_field("reason", Code::Required, "reason is required"))?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    let after = domain::recuse(&case, &r.officer_id, reason, &r.note)?;
    let detail = json!({ "officer_id": r.officer_id, "reason": reason.code(), "note": r.note });
    api.record(&caller, &case, &after, "recused", detail)
        .await?;
    Ok(Response::new(case_proto(&after)))
}

/// An officer assigned with the leader's approval: the case's rules first,
/// then the new officer's certificate that day.
pub(super) async fn assign_officer(
    api: &CasesApi,
    request: Request<pb::AssignOfficerRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = super::convert::day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let reason = super::convert::officer_change_reason("reason", r.reason)?
        .ok_or_else(|| Error::invalid_field("reason", Code::Required, "reason is required"))?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    let replaces = Some(r.replaces.as_str()).filter(|o| !o.is_empty());
    let after = domain::assign_officer(
        &case,
        &r.officer_id,
        replaces,
        reason,
        &r.note,
        &caller.subject,
        on,
        api.clock.today(),
    )?;
    let category = case
        .category
        .ok_or_else(|| Error::internal("a filed case without its category"))?;
    let answers = api
        .certified(
            &caller,
            &case,
            std::slice::from_ref(&r.officer_id),
            category,
            on,
        )
        .await?;
    domain::check_certified(&answers)?;
    let detail = json!({
        "on": on.to_string(),
        "officer_id": r.officer_id,
        "replaces": replaces,
        "reason": reason.code(),
        "note": r.note,
    });
    api.record(&caller, &case, &after, "officer_assigned", detail)
        .await?;
    Ok(Response::new(case_proto(&after)))
}

/// 备案 of a decision made on the spot.
pub(super) async fn report_spot_decision(
    api: &CasesApi,
    request: Request<pb::ReportSpotDecisionRequest>,
) -> Result<Response<pb::Case>, Status> {
    super::steps::day_step(
        api,
        request,
        Permission::CaseManage,
        "spot_reported",
        domain::report_spot_decision,
    )
    .await
}

/// The cash collected on the spot handed in with its receipt.
pub(super) async fn hand_in_cash(
    api: &CasesApi,
    request: Request<pb::HandInCashRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let on = super::convert::day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let detail = json!({ "on": on.to_string(), "receipt_number": r.receipt_number });
    super::steps::step(
        api,
        &caller,
        (&r.case_id, r.version),
        "cash_handed_in",
        detail,
        |c| domain::hand_in_cash(c, &r.receipt_number, on, api.clock.today(), &api.calendar),
    )
    .await
}
