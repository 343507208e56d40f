//! The party's appeals, instalments, and the agency enforcing its decision's
//! order itself: the 催告, the party's statement, the 强制执行决定, the
//! 执行协议 — and their records in proto.

use fazhi_platform::{
    Code, Error,
    auth::{self, Permission},
    time,
};
use fazhi_proto::cases::v1 as pb;
use serde_json::json;
use tonic::{Request, Response, Status};

use super::steps::step;
use super::*;
use crate::domain::{self, AppealKind, AppealOutcome, Proceedings};

fazhi_platform::proto_enum!(
    appeal_kind,
    appeal_kind_proto,
    AppealKind,
    pb::AppealKind,
    "APPEAL_KIND_"
);
fazhi_platform::proto_enum!(
    appeal_outcome,
    appeal_outcome_proto,
    AppealOutcome,
    pb::AppealOutcome,
    "APPEAL_OUTCOME_"
);

fn required<T>(value: Option<T>, field: &str) -> Result<T, Error> {
    value.ok_or_else(|| Error::invalid_field(field, Code::Required, format!("{field} is required")))
}

pub(super) async fn record_appeal(
    api: &CasesApi,
    request: Request<pb::RecordAppealRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let today = api.clock.today();
    let on = day_or_today("on", r.on.as_ref(), today)?;
    let kind = required(appeal_kind("kind", r.kind)?, "kind")?;
    let detail = json!({ "on": on.to_string(), "kind": kind.code() });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "appealed",
        detail,
        |c| domain::record_appeal(c, kind, on, today),
    )
    .await
}

pub(super) async fn conclude_appeal(
    api: &CasesApi,
    request: Request<pb::ConcludeAppealRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let today = api.clock.today();
    let on = day_or_today("on", r.on.as_ref(), today)?;
    let outcome = required(appeal_outcome("outcome", r.outcome)?, "outcome")?;
    let detail = json!({ "on": on.to_string(), "outcome": outcome.code() });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "appeal_concluded",
        detail,
        |c| domain::conclude_appeal(c, outcome, on, today),
    )
    .await
}

pub(super) async fn approve_instalments(
    api: &CasesApi,
    request: Request<pb::ApproveInstalmentsRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let today = api.clock.today();
    let on = day_or_today("on", r.on.as_ref(), today)?;
    if r.instalments.len() > domain::MAX_INSTALMENTS {
        return Err(Error::invalid_field(
            "instalments",
            Code::TooManyValues,
            format!("at most {} instalments", domain::MAX_INSTALMENTS),
        )
        .into());
    }
    let schedule = r
        .instalments
        .iter()
        .map(|i| {
            Ok((
                time::date_from_proto("instalments.due", i.due.as_ref())?,
                i.amount_fen,
            ))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let detail = json!({
        "on": on.to_string(),
        "instalments": schedule.iter().map(|(due, fen)| json!({ "due": due.to_string(), "amount_fen": fen })).collect::<Vec<_>>(),
        "approved_by": r.approved_by,
        "basis": r.basis,
    });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "instalments_approved",
        detail,
        |c| domain::approve_instalments(c, &schedule, &r.approved_by, &r.basis, on, today),
    )
    .await
}

pub(super) async fn demand_performance(
    api: &CasesApi,
    request: Request<pb::DemandPerformanceRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let today = api.clock.today();
    let on = day_or_today("on", r.on.as_ref(), today)?;
    let working_days = match pb::PeriodUnit::try_from(r.period_unit) {
        Ok(pb::PeriodUnit::WorkingDays) => true,
        Ok(pb::PeriodUnit::CalendarDays) => false,
        _ => {
            return Err(Error::invalid_field(
                "period_unit",
                Code::Required,
                "period_unit is working_days or calendar_days",
            )
            .into());
        }
    };
    let days = u32::try_from(r.period_days).unwrap_or(0);
    let detail = json!({ "on": on.to_string(), "period_days": days, "working_days": working_days });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "performance_demanded",
        detail,
        |c| domain::demand_performance(c, days, working_days, on, today, &api.calendar),
    )
    .await
}

pub(super) async fn hear_enforcement_statement(
    api: &CasesApi,
    request: Request<pb::HearEnforcementStatementRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let today = api.clock.today();
    let on = day_or_today("on", r.on.as_ref(), today)?;
    let detail = json!({ "on": on.to_string(), "statement": r.statement });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "enforcement_statement_heard",
        detail,
        |c| domain::hear_statement(c, &r.statement, on, today),
    )
    .await
}

pub(super) async fn decide_enforcement(
    api: &CasesApi,
    request: Request<pb::DecideEnforcementRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let today = api.clock.today();
    let on = day_or_today("on", r.on.as_ref(), today)?;
    let served_on = day_or_today("served_on", r.served_on.as_ref(), on)?;
    let detail = json!({ "on": on.to_string(), "served_on": served_on.to_string() });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "enforcement_decided",
        detail,
        |c| domain::decide_enforcement(c, on, served_on, today),
    )
    .await
}

pub(super) async fn agree_enforcement(
    api: &CasesApi,
    request: Request<pb::AgreeEnforcementRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let today = api.clock.today();
    let on = day_or_today("on", r.on.as_ref(), today)?;
    let detail = json!({ "on": on.to_string(), "terms": r.terms });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "enforcement_agreed",
        detail,
        |c| domain::agree_enforcement(c, &r.terms, on, today),
    )
    .await
}

pub(super) fn payment_proto(p: &domain::Payment) -> pb::Payment {
    pb::Payment {
        on: time::date_to_proto(p.on),
        fine_fen: p.fine_fen,
        late_charge_fen: p.late_charge_fen,
        late_charge_accrued_fen: p.late_charge_accrued_fen,
        late_charge_basis: p.late_charge_basis.clone(),
    }
}

/// The execution part of the proceedings in proto: payments in part,
/// instalments, appeals, the agency's own enforcement.
pub(super) fn execution_proto(p: &Proceedings, out: &mut pb::Proceedings) {
    let day = time::date_to_proto;
    out.part_payments = p.part_payments.iter().map(payment_proto).collect();
    out.instalments = p.instalments.as_ref().map(|i| pb::Instalments {
        on: day(i.on),
        approved_by: i.approved_by.clone(),
        basis: i.basis.clone(),
        schedule: i
            .schedule
            .iter()
            .map(|x| pb::Instalment {
                due: day(x.due),
                amount_fen: x.amount_fen,
            })
            .collect(),
    });
    out.appeals = p
        .appeals
        .iter()
        .map(|a| pb::Appeal {
            kind: AppealKind::from_code(&a.kind).map_or(0, appeal_kind_proto),
            filed_on: day(a.filed_on),
            concluded_on: a.concluded_on.and_then(day),
            outcome: a
                .outcome
                .as_deref()
                .and_then(AppealOutcome::from_code)
                .map_or(0, appeal_outcome_proto),
        })
        .collect();
    out.enforcement = p.enforcement.as_ref().map(|e| pb::Enforcement {
        demanded_on: day(e.demanded_on),
        period_days: i32::try_from(e.period_days).unwrap_or(i32::MAX),
        period_unit: if e.working_days {
            pb::PeriodUnit::WorkingDays
        } else {
            pb::PeriodUnit::CalendarDays
        } as i32,
        perform_by: day(e.perform_by),
        statement_on: e.statement.as_ref().and_then(|s| day(s.on)),
        statement: e
            .statement
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default(),
        decided_on: e.decided_on.and_then(day),
        served_on: e.served_on.and_then(day),
        agreed_on: e.agreement.as_ref().and_then(|a| day(a.on)),
        agreement_terms: e
            .agreement
            .as_ref()
            .map(|a| a.terms.clone())
            .unwrap_or_default(),
    });
    out.case_number = p.case_number.clone();
}
