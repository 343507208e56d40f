//! What the party does about the proceedings that a step records — gives
//! up the hearing, corrects the violation — who acts on the case (an
//! officer assigned with the leader's approval), and the simple
//! procedure's steps after the spot (备案, the cash handed in).

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::cases::v1 as pb;
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{self, Case};
use super::steps::CaseStepRequest;
use crate::{
    AppState,
    edge::{json::JsonBody, mapping::date_from_rest, problem::Problem},
    identity::authn::Identity,
};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiveHearingRequest {
    pub version: i64,
    /// The day (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-14")]
    pub on: Option<String>,
    #[schema(value_type = crate::rest::codes::WaiverKind)]
    pub how: String,
}

impl WaiveHearingRequest {
    fn into_proto(self, case_id: String) -> Result<pb::WaiveHearingRequest, Problem> {
        Ok(pb::WaiveHearingRequest {
            on: date_from_rest("on", self.on.as_deref().unwrap_or_default())?,
            how: body::waiver_kind("how", &self.how)?,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    waive_hearing,
    "/api/v1/cases/{id}/hearing-waiver",
    "case.manage",
    WaiveHearingRequest,
    waive_hearing,
    "Record that the party gave up the hearing (Art. 64): in writing (then the case may be decided before the request period ends), a request withdrawn, or — a hearing asked for and notified — by staying away or leaving without leave (no_show, Art. 64(8))."
);
case_step!(
    record_correction,
    "/api/v1/cases/{id}/correction",
    "case.manage",
    CaseStepRequest,
    record_correction,
    "Record that the party corrected the violation (改正): the ground of a first_violation decision (首违不罚, Art. 33), which needs no notice."
);

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignOfficerRequest {
    pub version: i64,
    /// The day (default today): the new officer is certified that day.
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-10")]
    pub on: Option<String>,
    /// The officer assigned (a person id).
    pub officer_id: String,
    /// The officer who leaves the case for them (a person id); none when one joins.
    #[serde(default)]
    pub replaces: Option<String>,
    #[schema(value_type = crate::rest::codes::OfficerChangeReason)]
    pub reason: String,
    /// Required for `other`.
    #[serde(default)]
    pub note: String,
}

impl AssignOfficerRequest {
    fn into_proto(self, case_id: String) -> Result<pb::AssignOfficerRequest, Problem> {
        Ok(pb::AssignOfficerRequest {
            on: date_from_rest("on", self.on.as_deref().unwrap_or_default())?,
            reason: body::officer_change_reason("reason", &self.reason)?,
            officer_id: self.officer_id,
            replaces: self.replaces.unwrap_or_default(),
            note: self.note,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    assign_officer,
    "/api/v1/cases/{id}/officers",
    "case.decide",
    AssignOfficerRequest,
    assign_officer,
    "Assign an officer with the leader's approval (their certificate checked for that day), replacing one recused, transferred or whose certificate lapsed — or joining: later steps check the officers on the case that day."
);

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandInCashRequest {
    pub version: i64,
    /// The day (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-06")]
    pub on: Option<String>,
    /// The receipt the agency gave for it.
    pub receipt_number: String,
}

impl HandInCashRequest {
    fn into_proto(self, case_id: String) -> Result<pb::HandInCashRequest, Problem> {
        Ok(pb::HandInCashRequest {
            on: date_from_rest("on", self.on.as_deref().unwrap_or_default())?,
            receipt_number: self.receipt_number,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    report_spot_decision,
    "/api/v1/cases/{id}/spot-report",
    "case.manage",
    CaseStepRequest,
    report_spot_decision,
    "Report a decision made on the spot to the agency (备案, Art. 52)."
);
case_step!(
    hand_in_cash,
    "/api/v1/cases/{id}/cash-hand-in",
    "case.manage",
    HandInCashRequest,
    hand_in_cash,
    "Record the cash collected on the spot handed in to the agency with its receipt number: on time within two working days of the collection (Arts. 70–71), recorded late otherwise; warned of as case_hand_in until then."
);

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendCaseRequest {
    pub version: i64,
    /// The day (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-20")]
    pub on: Option<String>,
    #[schema(value_type = crate::rest::codes::SuspensionReason)]
    pub reason: String,
    /// Required for `other`.
    #[serde(default)]
    pub note: String,
}

impl SuspendCaseRequest {
    fn into_proto(self, case_id: String) -> Result<pb::SuspendCaseRequest, Problem> {
        Ok(pb::SuspendCaseRequest {
            on: date_from_rest("on", self.on.as_deref().unwrap_or_default())?,
            reason: body::suspension_reason("reason", &self.reason)?,
            note: self.note,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    suspend_case,
    "/api/v1/cases/{id}/suspension",
    "case.decide",
    SuspendCaseRequest,
    suspend_case,
    "Suspend a case before its decision (中止): the party cannot be found, or another authority must decide first. Every step but the resumption is refused (case_suspended), and the days it stands are left out of the decision period."
);
case_step!(
    resume_case,
    "/api/v1/cases/{id}/resumption",
    "case.decide",
    CaseStepRequest,
    resume_case,
    "Resume a suspended case: the decision period runs on from where it stopped."
);
