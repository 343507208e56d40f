//! The general procedure's steps after filing: each reads the case at the
//! version the caller read, applies the domain rule, and records the new
//! state with its event in one transaction. Officer actions (the notice,
//! service) ask the training service again about the case's officers on
//! the step's day.

use chrono::NaiveDate;
use fazhi_platform::{
    Error,
    auth::{self, Caller, Permission},
    time,
};
use fazhi_proto::cases::v1 as pb;
use serde_json::{Value, json};
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, Discussion, LegalReview};
use crate::store::Step;

/// Leaders named at one discussion, bounded before they are read.
const MAX_LEADERS: usize = 20;

/// One step: the case at `version`, `rule` applied, the result recorded
/// with an event of `kind` carrying `detail`.
pub(super) async fn step(
    api: &CasesApi,
    caller: &Caller,
    (id, version): (&str, i64),
    kind: &str,
    detail: Value,
    rule: impl FnOnce(&Case) -> Result<Case, Error>,
) -> Result<Response<pb::Case>, Status> {
    let case = api.case_at(caller, id, version).await?;
    let after = rule(&case)?;
    let saved = api.record(caller, &case, &after, kind, detail).await?;
    Ok(Response::new(case_proto(&saved)))
}

/// The request of a step that records only its day: the case, the version
/// read and the day.
pub(super) trait DayStep {
    fn parts(self) -> (String, i64, Option<fazhi_proto::common::v1::Date>);
}

macro_rules! day_steps {
    ($($request:ident),*) => {
        $(impl DayStep for pb::$request {
            fn parts(self) -> (String, i64, Option<fazhi_proto::common::v1::Date>) {
                (self.case_id, self.version, self.on)
            }
        })*
    };
}

day_steps!(
    RecordDefenceRequest,
    RequestHearingRequest,
    RecordCorrectionRequest,
    ReportSpotDecisionRequest,
    ResumeCaseRequest,
    CloseCaseRequest,
    ReleaseSeizureRequest,
    DemandPaymentRequest
);

/// A step that records only its day: `rule` applied to the case at the
/// version read, the day in its event.
pub(super) async fn day_step<T: DayStep>(
    api: &CasesApi,
    request: Request<T>,
    permission: Permission,
    kind: &str,
    rule: fn(&Case, NaiveDate, NaiveDate) -> Result<Case, Error>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(permission)?;
    let (case_id, version, on) = request.into_inner().parts();
    let on = day_or_today("on", on.as_ref(), api.clock.today())?;
    step(
        api,
        &caller,
        (&case_id, version),
        kind,
        json!({ "on": on.to_string() }),
        |c| rule(c, on, api.clock.today()),
    )
    .await
}

impl CasesApi {
    /// Each officer's answer for an action on `case` on `on`; the officers
    /// refused are recorded for oversight before the action is refused.
    pub(super) async fn certified(
        &self,
        caller: &Caller,
        case: &Case,
        officers: &[String],
        category: fazhi_platform::category::EnforcementCategory,
        on: NaiveDate,
    ) -> Result<Vec<(String, domain::Certification)>, Error> {
        let answers = self
            .certifier
            .check(caller, officers, &case.division, category, on)
            .await?;
        let refused: Vec<(String, String)> = answers
            .iter()
            .filter_map(|(officer, answer)| match answer {
                domain::Certification::NotCertified(why) => Some((officer.clone(), why.clone())),
                domain::Certification::Certified => None,
            })
            .collect();
        if !refused.is_empty() {
            self.store
                .insert_refusals(&case.id, &case.division, &refused, on)
                .await?;
            tracing::warn!(case = %case.id, refused = refused.len(), "officer action refused: not certified");
        }
        Ok(answers)
    }

    /// Records `after` (read as `before`) with its event.
    pub(super) async fn record(
        &self,
        caller: &Caller,
        before: &Case,
        after: &Case,
        kind: &str,
        detail: Value,
    ) -> Result<Case, Error> {
        let saved = self
            .store
            .apply(
                before,
                after,
                Step {
                    actor: &caller.subject,
                    kind,
                    detail: detail.to_string(),
                },
                &self.rules,
            )
            .await?;
        tracing::debug!(case = %after.id, step = kind, "case step recorded");
        Ok(saved)
    }

    /// The case's officers, each asked about again for the step's day:
    /// still at least two, each certified for the case's division and
    /// category (Art. 42); UNAVAILABLE when the training service cannot say.
    pub(super) async fn recheck_officers(
        &self,
        caller: &Caller,
        case: &Case,
        on: NaiveDate,
    ) -> Result<(), Error> {
        let category = case
            .category
            .ok_or_else(|| Error::internal("a filed case without its category"))?;
        let answers = self
            .certified(caller, case, &case.officers, category, on)
            .await?;
        domain::check_officers(&answers)
    }
}

pub(super) async fn notify_party(
    api: &CasesApi,
    request: Request<pb::NotifyPartyRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let proposed = domain::check_penalty(
        "penalty",
        super::convert::penalty_from_proto(r.penalty.as_ref())?,
    )?;
    let case = api.case_at(&caller, &r.case_id, r.version).await?;
    // The case's own rules first, then the officers' certificates that day.
    let after = domain::notify(
        &case,
        proposed,
        on,
        api.clock.today(),
        &api.calendar,
        &api.rules,
    )?;
    api.recheck_officers(&caller, &case, on).await?;
    let detail = json!({
        "on": on.to_string(),
        "warning": proposed.warning,
        "fine_fen": proposed.fine_fen,
        "hearing_offered": after.proceedings.notice.as_ref().is_some_and(|n| n.hearing_due.is_some()),
    });
    api.record(&caller, &case, &after, "notified", detail)
        .await?;
    Ok(Response::new(case_proto(&after)))
}

pub(super) async fn record_defence(
    api: &CasesApi,
    request: Request<pb::RecordDefenceRequest>,
) -> Result<Response<pb::Case>, Status> {
    day_step(
        api,
        request,
        Permission::CaseManage,
        "defence_stated",
        domain::record_defence,
    )
    .await
}

pub(super) async fn request_hearing(
    api: &CasesApi,
    request: Request<pb::RequestHearingRequest>,
) -> Result<Response<pb::Case>, Status> {
    day_step(
        api,
        request,
        Permission::CaseManage,
        "hearing_requested",
        domain::request_hearing,
    )
    .await
}

pub(super) async fn waive_hearing(
    api: &CasesApi,
    request: Request<pb::WaiveHearingRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let how = super::convert::waiver_kind("how", r.how)?.ok_or_else(|| {
        Error::invalid_field(
            "how",
            fazhi_platform::Code::Required,
            "how is written, withdrawn or no_show",
        )
    })?;
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "hearing_waived",
        json!({ "on": on.to_string(), "how": how.code() }),
        |c| domain::waive_hearing(c, how, on, api.clock.today(), &api.calendar, &api.rules),
    )
    .await
}

pub(super) async fn record_correction(
    api: &CasesApi,
    request: Request<pb::RecordCorrectionRequest>,
) -> Result<Response<pb::Case>, Status> {
    day_step(
        api,
        request,
        Permission::CaseManage,
        "corrected",
        domain::record_correction,
    )
    .await
}

pub(super) async fn hold_hearing(
    api: &CasesApi,
    request: Request<pb::HoldHearingRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let notified_on = time::date_from_proto("notified_on", r.notified_on.as_ref())?;
    let held_on = time::date_from_proto("held_on", r.held_on.as_ref())?;
    let presider = fazhi_platform::text::required(
        "presider_id",
        &r.presider_id,
        MAX_ID_LEN,
        fazhi_platform::text::Lines::One,
    )?;
    let detail = json!({
        "notified_on": notified_on.to_string(),
        "held_on": held_on.to_string(),
        "presider_id": presider,
    });
    let records = api.store.records(&r.case_id).await?;
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "hearing_held",
        detail,
        |c| {
            domain::hold_hearing(
                c,
                notified_on,
                held_on,
                &presider,
                api.clock.today(),
                &api.calendar,
                &api.rules,
                &records,
            )
        },
    )
    .await
}

pub(super) async fn review_case(
    api: &CasesApi,
    request: Request<pb::ReviewCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseReview)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let reviewer = fazhi_platform::text::required(
        "reviewer_id",
        &r.reviewer_id,
        MAX_ID_LEN,
        fazhi_platform::text::Lines::One,
    )?;
    let opinion = fazhi_platform::text::required(
        "opinion",
        &r.opinion,
        4000,
        fazhi_platform::text::Lines::Many,
    )?;
    // A case outside the caller's divisions is not there for them: said
    // before anything is asked of the reviewer.
    api.case_in_scope(&caller, &r.case_id).await?;
    let first = !api.store.has_reviewed(&reviewer, &r.case_id).await?;
    // The qualification is the training service's record of the reviewer,
    // asked only where the rule needs it (a first review).
    let qualified = if first {
        api.certifier.legally_qualified(&caller, &reviewer).await?
    } else {
        true
    };
    let detail = json!({
        "on": on.to_string(),
        "reviewer_id": reviewer,
        "approved": r.approved,
        "opinion": opinion,
        "legal_qualification": qualified,
    });
    let review = LegalReview {
        on,
        reviewer,
        approved: r.approved,
        opinion,
    };
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "legal_review",
        detail,
        |c| domain::legal_review(c, review, first, qualified, api.clock.today()),
    )
    .await
}

pub(super) async fn discuss_case(
    api: &CasesApi,
    request: Request<pb::DiscussCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    if r.leaders.len() > MAX_LEADERS {
        return Err(Error::invalid_field(
            "leaders",
            fazhi_platform::Code::TooManyValues,
            format!("a discussion names at most {MAX_LEADERS} leaders"),
        )
        .into());
    }
    let leaders = r
        .leaders
        .iter()
        .map(|l| fazhi_platform::text::required("leaders", l, 50, fazhi_platform::text::Lines::One))
        .collect::<Result<Vec<_>, _>>()?;
    let discussion = Discussion {
        on,
        leaders,
        minutes: fazhi_platform::text::required(
            "minutes",
            &r.minutes,
            20_000,
            fazhi_platform::text::Lines::Many,
        )?,
        conclusion: fazhi_platform::text::required(
            "conclusion",
            &r.conclusion,
            2000,
            fazhi_platform::text::Lines::Many,
        )?,
    };
    let detail = json!({
        "on": on.to_string(),
        "leaders": discussion.leaders,
        "minutes": discussion.minutes,
        "conclusion": discussion.conclusion,
    });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "discussed",
        detail,
        |c| domain::discuss(c, discussion, api.clock.today()),
    )
    .await
}

pub(super) async fn decide_case(
    api: &CasesApi,
    request: Request<pb::DecideCaseRequest>,
) -> Result<Response<pb::Case>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let kind = decision_kind("kind", r.kind)?.ok_or_else(|| {
        Error::invalid_field("kind", fazhi_platform::Code::Required, "kind is required")
    })?;
    let decided = super::convert::penalty_from_proto(r.penalty.as_ref())?;
    let orders = super::convert::orders_from_proto(&r.orders)?;
    if kind == domain::DecisionKind::FirstViolation {
        // 首违不罚 needs the party's record: no penalty decided before.
        let case = api.case_in_scope(&caller, &r.case_id).await?;
        let priors = api
            .store
            .prior_penalties(&case.party.id_number, &case.id)
            .await?;
        domain::check_first_violation(priors)?;
    }
    // A decision after a hearing rests on its 笔录 (Art. 65).
    let records = api
        .store
        .records(Error::lookup_id("case", &r.case_id)?)
        .await?;
    let detail = json!({
        "on": on.to_string(),
        "kind": kind.code(),
        "warning": decided.warning,
        "fine_fen": decided.fine_fen,
        "penalty": decided,
        "orders": orders.iter().map(|(k, by)| json!({ "kind": k.code(), "by": by.map(|d| d.to_string()) })).collect::<Vec<_>>(),
    });
    step(
        api,
        &caller,
        (&r.case_id, r.version),
        "decided",
        detail,
        |c| {
            let decided = domain::decide(c, kind, decided, on, api.clock.today(), &api.rules)?;
            domain::check_hearing_record(c, &records)?;
            domain::give_orders(&decided, &orders)
        },
    )
    .await
}
