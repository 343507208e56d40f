//! The general procedure's steps after filing, one route each:
//! `POST /api/v1/cases/{id}/{step}` with the version read and the step's own
//! fields; the answer is the case as it now stands.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::cases::v1 as pb;
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{self, Case, Penalty};
use crate::{
    AppState,
    edge::{json::JsonBody, mapping::date_from_rest, problem::Problem},
    identity::authn::Identity,
};

fn day(field: &str, value: Option<&str>) -> Result<Option<fazhi_proto::common::v1::Date>, Problem> {
    date_from_rest(field, value.unwrap_or_default())
}

/// A step that records only its day.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStepRequest {
    /// The version read; a stale one answers 409.
    pub version: i64,
    /// The day (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-12")]
    pub on: Option<String>,
}

impl CaseStepRequest {
    /// The request of whichever day-only step's RPC takes it.
    pub(super) fn into_proto<T: DayStep>(self, case_id: String) -> Result<T, Problem> {
        Ok(T::of(case_id, self.version, day("on", self.on.as_deref())?))
    }
}

/// The contract's request of a step that records only its day.
pub(super) trait DayStep {
    fn of(case_id: String, version: i64, on: Option<fazhi_proto::common::v1::Date>) -> Self;
}

macro_rules! day_steps {
    ($($request:ident),*) => {
        $(impl DayStep for pb::$request {
            fn of(case_id: String, version: i64, on: Option<fazhi_proto::common::v1::Date>) -> Self {
                pb::$request { case_id, version, on }
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
    DemandPaymentRequest,
    ApplyToCourtRequest
);

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyPartyRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-11")]
    pub on: Option<String>,
    /// The penalty proposed.
    pub penalty: Penalty,
}

impl NotifyPartyRequest {
    fn into_proto(self, case_id: String) -> Result<pb::NotifyPartyRequest, Problem> {
        Ok(pb::NotifyPartyRequest {
            on: day("on", self.on.as_deref())?,
            penalty: Some(self.penalty.to_proto("penalty")?),
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldHearingRequest {
    pub version: i64,
    /// The day the party was told of the hearing.
    #[schema(format = Date, example = "2024-03-19")]
    pub notified_on: String,
    #[schema(format = Date, example = "2024-03-28")]
    pub held_on: String,
    /// The presiding person (a person id): not an officer on the case.
    pub presider_id: String,
}

impl HoldHearingRequest {
    fn into_proto(self, case_id: String) -> Result<pb::HoldHearingRequest, Problem> {
        Ok(pb::HoldHearingRequest {
            notified_on: date_from_rest("notified_on", &self.notified_on)?,
            held_on: date_from_rest("held_on", &self.held_on)?,
            presider_id: self.presider_id,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewCaseRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-13")]
    pub on: Option<String>,
    /// The reviewer (a person id): not an officer on the case. Their first
    /// review needs the legal professional qualification (法律职业资格)
    /// on their person record.
    pub reviewer_id: String,
    pub approved: bool,
    pub opinion: String,
}

impl ReviewCaseRequest {
    fn into_proto(self, case_id: String) -> Result<pb::ReviewCaseRequest, Problem> {
        Ok(pb::ReviewCaseRequest {
            on: day("on", self.on.as_deref())?,
            reviewer_id: self.reviewer_id,
            approved: self.approved,
            opinion: self.opinion,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscussCaseRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-14")]
    pub on: Option<String>,
    /// The leaders present (at least two).
    pub leaders: Vec<String>,
    pub minutes: String,
    pub conclusion: String,
}

impl DiscussCaseRequest {
    fn into_proto(self, case_id: String) -> Result<pb::DiscussCaseRequest, Problem> {
        Ok(pb::DiscussCaseRequest {
            on: day("on", self.on.as_deref())?,
            leaders: self.leaders,
            minutes: self.minutes,
            conclusion: self.conclusion,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServeDecisionRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-18")]
    pub on: Option<String>,
    #[schema(value_type = crate::rest::codes::ServiceMethod)]
    pub method: String,
    /// The party signed consent to electronic service (default false).
    #[serde(default)]
    pub consented: bool,
}

impl ServeDecisionRequest {
    fn into_proto(self, case_id: String) -> Result<pb::ServeDecisionRequest, Problem> {
        Ok(pb::ServeDecisionRequest {
            on: day("on", self.on.as_deref())?,
            method: body::service_method("method", &self.method)?,
            consented: self.consented,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPaymentRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-04-02")]
    pub on: Option<String>,
    /// The fine and the late charge imposed, in fen.
    pub amount_fen: i64,
    /// The late charge imposed (加处罚款 is the agency's choice, Art. 72): 0 up
    /// to what accrued by the day; absent, all of it.
    #[serde(default)]
    pub late_charge_fen: Option<i64>,
    /// Why less than accrued is charged (the agency's decision, an 执行协议).
    #[serde(default)]
    pub late_charge_basis: String,
}

impl RecordPaymentRequest {
    fn into_proto(self, case_id: String) -> Result<pb::RecordPaymentRequest, Problem> {
        Ok(pb::RecordPaymentRequest {
            on: day("on", self.on.as_deref())?,
            amount_fen: self.amount_fen,
            late_charge_fen: self.late_charge_fen,
            late_charge_basis: self.late_charge_basis,
            case_id,
            version: self.version,
        })
    }
}

/// A deadline moved on a recorded approval.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-20")]
    pub on: Option<String>,
    /// Days the deadline moves: the decision period 1 to 180, a payment 1 to 365.
    pub days: i32,
    /// Who approved it (the agency's leader).
    pub approved_by: String,
    /// The regulation or the reason it rests on.
    pub basis: String,
}

impl ApprovalRequest {
    /// The request of whichever approval's RPC takes it.
    fn into_proto<T: Approval>(self, case_id: String) -> Result<T, Problem> {
        Ok(T::of(
            case_id,
            self.version,
            day("on", self.on.as_deref())?,
            self.days,
            self.approved_by,
            self.basis,
        ))
    }
}

/// The contract's request of a deadline moved on an approval.
trait Approval {
    fn of(
        case_id: String,
        version: i64,
        on: Option<fazhi_proto::common::v1::Date>,
        days: i32,
        approved_by: String,
        basis: String,
    ) -> Self;
}

macro_rules! approvals {
    ($($request:ident),*) => {
        $(impl Approval for pb::$request {
            fn of(
                case_id: String,
                version: i64,
                on: Option<fazhi_proto::common::v1::Date>,
                days: i32,
                approved_by: String,
                basis: String,
            ) -> Self {
                pb::$request { case_id, version, on, days, approved_by, basis }
            }
        })*
    };
}

approvals!(ExtendDecisionPeriodRequest, DeferPaymentRequest);

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideOnTheSpotRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-05")]
    pub on: Option<String>,
    #[schema(example = "330217001000")]
    pub power_item_code: String,
    /// The two (or more) officers on the spot, each certified that day.
    pub officer_ids: Vec<String>,
    /// A warning, or a fine up to 20,000 fen (a person) / 300,000 fen (an organisation).
    pub penalty: Penalty,
    /// The pre-printed, numbered decision form.
    pub form_number: String,
    /// later (default), on_the_spot (up to 10,000 fen) or hard_to_collect.
    #[serde(default)]
    #[schema(value_type = Option<crate::rest::codes::Collection>)]
    pub collection: Option<String>,
    /// The party's ID number or credit code, when the lead lacked it.
    #[serde(default)]
    pub party_id_number: Option<String>,
}

impl DecideOnTheSpotRequest {
    fn into_proto(self, case_id: String) -> Result<pb::DecideOnTheSpotRequest, Problem> {
        Ok(pb::DecideOnTheSpotRequest {
            on: day("on", self.on.as_deref())?,
            collection: body::collection(
                "collection",
                self.collection.as_deref().unwrap_or_default(),
            )?,
            penalty: Some(self.penalty.to_proto("penalty")?),
            power_item_code: self.power_item_code,
            officer_ids: self.officer_ids,
            form_number: self.form_number,
            party_id_number: self.party_id_number.unwrap_or_default(),
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecuseOfficerRequest {
    pub version: i64,
    /// The officer (a person id).
    pub officer_id: String,
    #[schema(value_type = crate::rest::codes::RecusalReason)]
    pub reason: String,
    pub note: String,
}

impl RecuseOfficerRequest {
    fn into_proto(self, case_id: String) -> Result<pb::RecuseOfficerRequest, Problem> {
        Ok(pb::RecuseOfficerRequest {
            reason: body::recusal_reason("reason", &self.reason)?,
            officer_id: self.officer_id,
            note: self.note,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    notify_party,
    "/api/v1/cases/{id}/notify",
    "case.manage",
    NotifyPartyRequest,
    notify_party,
    "Tell the party of the proposed penalty (告知): the periods to state a defence, and to ask for a hearing where the penalty carries one (Art. 63, at the province's amounts: Henan's ¥5,000 / ¥50,000 by default), are counted in working days. A notified case may be notified again before its decision (a heavier penalty needs a new notice); the periods start over. The case's officers must still be certified that day."
);
case_step!(
    record_defence,
    "/api/v1/cases/{id}/defence",
    "case.manage",
    CaseStepRequest,
    record_defence,
    "Record that the party stated a defence (陈述、申辩): the penalty can no longer be raised (Art. 45(2)); the period to ask for a hearing runs on."
);
case_step!(
    request_hearing,
    "/api/v1/cases/{id}/hearing-request",
    "case.manage",
    CaseStepRequest,
    request_hearing,
    "Record the party's request for a hearing, within five working days of the notice (Art. 64)."
);
case_step!(
    hold_hearing,
    "/api/v1/cases/{id}/hearing",
    "case.manage",
    HoldHearingRequest,
    hold_hearing,
    "Record the hearing: notified seven working days ahead, presided over by someone who did not investigate (Art. 64)."
);
case_step!(
    review_case,
    "/api/v1/cases/{id}/review",
    "case.review",
    ReviewCaseRequest,
    review_case,
    "Legal review (法制审核, Art. 58) by a reviewer who is not an officer on the case."
);
case_step!(
    discuss_case,
    "/api/v1/cases/{id}/discussion",
    "case.decide",
    DiscussCaseRequest,
    discuss_case,
    "Record the leaders' collective discussion (集体讨论, Art. 57)."
);
case_step!(
    serve_decision,
    "/api/v1/cases/{id}/serve",
    "case.manage",
    ServeDecisionRequest,
    serve_decision,
    "Record the decision's service (送达); electronic service needs the party's consent. The case's officers must still be certified that day."
);
case_step!(
    record_payment,
    "/api/v1/cases/{id}/payment",
    "case.manage",
    RecordPaymentRequest,
    record_payment,
    "Record the fine paid, with the late charge it owes that day (3 % a day, at most the fine)."
);
case_step!(
    close_case,
    "/api/v1/cases/{id}/close",
    "case.decide",
    CaseStepRequest,
    close_case,
    "Close the case (结案) once its decision is served and any fine paid."
);
case_step!(
    decide_on_the_spot,
    "/api/v1/cases/{id}/on-the-spot",
    "case.manage",
    DecideOnTheSpotRequest,
    decide_on_the_spot,
    "Decide a lead on the spot (当场处罚, 简易程序): two officers certified that day, a warning or a fine within Art. 51's amounts, a numbered form handed to the party."
);
case_step!(
    recuse_officer,
    "/api/v1/cases/{id}/recusal",
    "case.decide",
    RecuseOfficerRequest,
    recuse_officer,
    "Recuse an officer from the case (回避, Art. 43): they leave its officers and can never act on it, preside over its hearing or review it."
);
case_step!(
    extend_decision_period,
    "/api/v1/cases/{id}/decision-period/extend",
    "case.decide",
    ApprovalRequest,
    extend_decision_period,
    "Extend the decision period once, where a regulation allows it, with the approval recorded (Art. 60)."
);
case_step!(
    defer_payment,
    "/api/v1/cases/{id}/payment/defer",
    "case.decide",
    ApprovalRequest,
    defer_payment,
    "Defer a served fine's payment on approval (暂缓缴纳, Art. 66): the due day moves, and the late charge runs from it."
);
