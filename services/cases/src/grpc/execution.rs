//! After the decision: its service, the payment, closing, and the
//! deadlines moved on a recorded approval (the decision period, payment).

use fazhi_platform::{
    Error,
    auth::{self, Permission},
};
use fazhi_proto::cases::v1 as pb;
use serde_json::{Value, json};
use tonic::{Request, Response, Status};

use super::steps::{day_step, step};
use super::*;
use crate::domain;

pub(super) async fn serve_decision(
    api: &CasesApi,
    request: Request<pb::ServeDecisionRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let method = service_method("method", r.method)?.ok_or_else(|| {
        Error::invalid_field(
            "method",
            fazhi_platform::Code::Required,
            "method is required",
        )
    })?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    let records = api.store.records(&case.id).await?;
    let after = domain::serve(
        &case,
        method,
        r.consented,
        on,
        api.clock.today(),
        &api.calendar,
        &api.rules,
        &records,
    )?;
    // By post or public notice nobody acts in front of the party: no
    // officer's certificate is asked for.
    if !matches!(
        method,
        domain::ServiceMethod::Post | domain::ServiceMethod::PublicNotice
    ) {
        api.recheck_officers(&caller, &case, on).await?;
    }
    let detail = json!({ "on": on.to_string(), "method": method.code(), "consented": r.consented });
    api.record(&caller, &case, &after, "served", detail).await?;
    Ok(Response::new(case_proto(&after)))
}

pub(super) async fn record_payment(
    api: &CasesApi,
    request: Request<pb::RecordPaymentRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let detail = json!({
        "on": on.to_string(),
        "amount_fen": r.amount_fen,
        "late_charge_fen": r.late_charge_fen,
        "late_charge_basis": r.late_charge_basis,
    });
    step(api, &caller, (&r.case_id, r.version), "paid", detail, |c| {
        domain::record_payment(
            c,
            r.amount_fen,
            r.late_charge_fen,
            &r.late_charge_basis,
            on,
            api.clock.today(),
        )
    })
    .await
}

pub(super) async fn close_case(
    api: &CasesApi,
    request: Request<pb::CloseCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    day_step(
        api,
        request,
        Permission::CaseDecide,
        "closed",
        domain::close,
    )
    .await
}

/// The approval a moved deadline records, read.
fn approval(
    on: Option<&fazhi_proto::common::v1::Date>,
    days: i32,
    approved_by: &str,
    basis: &str,
    today: chrono::NaiveDate,
) -> Result<(u32, chrono::NaiveDate, Value), Error> {
    let on = day_or_today("on", on, today)?;
    let days = u32::try_from(days).unwrap_or(0);
    let detail = json!({
        "on": on.to_string(),
        "days": days,
        "approved_by": approved_by,
        "basis": basis,
    });
    Ok((days, on, detail))
}

pub(super) async fn extend_decision_period(
    api: &CasesApi,
    request: Request<pb::ExtendDecisionPeriodRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let (days, on, detail) = approval(
        r.on.as_ref(),
        r.days,
        &r.approved_by,
        &r.basis,
        api.clock.today(),
    )?;
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "decision_period_extended",
        detail,
        |c| {
            domain::extend_decision_period(c, days, &r.approved_by, &r.basis, on, api.clock.today())
        },
    )
    .await
}

pub(super) async fn defer_payment(
    api: &CasesApi,
    request: Request<pb::DeferPaymentRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let (days, on, detail) = approval(
        r.on.as_ref(),
        r.days,
        &r.approved_by,
        &r.basis,
        api.clock.today(),
    )?;
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "payment_deferred",
        detail,
        |c| domain::defer_payment(c, days, &r.approved_by, &r.basis, on, api.clock.today()),
    )
    .await
}
