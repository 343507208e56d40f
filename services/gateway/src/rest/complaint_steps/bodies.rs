//! Each step's REST body, read into its RPC's own request.

use fazhi_proto::complaints::v1 as pb;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{StepBody, occurred_at};
use crate::edge::mapping::{date_from_rest, enum_from_code};
use crate::edge::problem::Problem;

/// A step that needs only the version read (and an optional note).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    /// The version read; a stale one gets 409.
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

macro_rules! plain_step {
    ($wrapper:ident, $request:ident) => {
        #[derive(Debug, Deserialize, ToSchema)]
        #[serde(transparent)]
        pub struct $wrapper(VersionBody);
        impl StepBody for $wrapper {
            type Request = pb::$request;
            fn entered_after(&self) -> bool {
                self.0.occurred_at.is_some()
            }
            fn into_request(self, id: String) -> Result<pb::$request, Problem> {
                Ok(pb::$request {
                    id,
                    version: self.0.version,
                    occurred_at: occurred_at(self.0.occurred_at)?,
                    note: self.0.note.unwrap_or_default(),
                })
            }
        }
    };
}

plain_step!(AcceptBody, AcceptComplaintRequest);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    /// Closed after the reply without a follow-up, and why: `anonymous`
    /// (no way to reach the requester), `unreachable` (the tries made named
    /// in `note`) or `declined`. Absent: closed after the follow-up.
    #[serde(default)]
    #[schema(value_type = Option<crate::rest::codes::NoVisit>)]
    without_follow_up: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for CloseBody {
    type Request = pb::CloseComplaintRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::CloseComplaintRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            without_follow_up: match self.without_follow_up.as_deref() {
                Some(code) => enum_from_code("without_follow_up", code, "NO_VISIT_", |n| {
                    pb::NoVisit::from_str_name(n).map(|r| r as i32)
                })?,
                None => 0,
            },
        })
    }
}
plain_step!(ReopenBody, ReopenComplaintRequest);
plain_step!(SuperviseBody, SuperviseComplaintRequest);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    /// The handling unit's 行政区划代码 (a township or a village under it);
    /// absent: the unit the routing list names for the category and village.
    #[serde(default)]
    #[schema(example = "411624100201")]
    unit: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for DispatchBody {
    type Request = pb::DispatchComplaintRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::DispatchComplaintRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            unit: self.unit,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    /// `wrong_unit`, `county_department` (a county department's duty, never
    /// pushed down to a township), `outside_area` or `incomplete`.
    #[schema(example = "wrong_unit")]
    reason: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for ReturnBody {
    type Request = pb::ReturnComplaintRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::ReturnComplaintRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            reason: enum_from_code("return.reason", &self.reason, "RETURN_REASON_", |n| {
                pb::ReturnReason::from_str_name(n).map(|r| r as i32)
            })?,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    /// Working days asked for; once, before the reply falls due.
    #[schema(example = 5)]
    working_days: i32,
    /// Why (required).
    note: String,
}

impl StepBody for ExtensionBody {
    type Request = pb::RequestComplaintExtensionRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::RequestComplaintExtensionRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note,
            working_days: self.working_days,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecisionBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    approved: bool,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for ExtensionDecisionBody {
    type Request = pb::DecideComplaintExtensionRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::DecideComplaintExtensionRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            approved: self.approved,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    /// The answer given to the requester; the public tracking page shows it.
    text: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for ReplyBody {
    type Request = pb::ReplyComplaintRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::ReplyComplaintRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            text: self.text,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    resolved: bool,
    /// `satisfied`, `basically_satisfied` or `unsatisfied`.
    #[schema(example = "satisfied")]
    satisfaction: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for FollowUpBody {
    type Request = pb::FollowUpComplaintRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::FollowUpComplaintRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            resolved: self.resolved,
            satisfaction: enum_from_code(
                "follow_up.satisfaction",
                &self.satisfaction,
                "SATISFACTION_",
                |n| pb::Satisfaction::from_str_name(n).map(|v| v as i32),
            )?,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    /// The id of the earlier complaint this one repeats.
    of: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for DuplicateBody {
    type Request = pb::MarkComplaintDuplicateRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::MarkComplaintDuplicateRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            of: self.of,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOffBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    /// `emergency` (110/119/120/122), `court`, `arbitration`, `petition` or
    /// `other_legal_route`.
    #[schema(example = "emergency")]
    to: String,
    /// What the requester was told (required).
    note: String,
}

impl StepBody for HandOffBody {
    type Request = pb::HandOffComplaintRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::HandOffComplaintRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note,
            to: enum_from_code("hand_off.to", &self.to, "HAND_OFF_TO_", |n| {
                pb::HandOffTo::from_str_name(n).map(|v| v as i32)
            })?,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyBody {
    /// `person` or `organisation`.
    #[schema(example = "person")]
    kind: String,
    name: String,
    /// Resident ID number or unified social credit code, if known.
    #[serde(default)]
    id_number: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateBody {
    version: i64,
    /// When the step happened, for one entered after the fact (RFC 3339;
    /// needs `complaint.record_past`); absent: now.
    #[serde(default)]
    occurred_at: Option<String>,
    party: PartyBody,
    /// When the act was done, or began for a continuing one.
    #[schema(format = Date, example = "2026-11-20")]
    act_on: String,
    /// A continuing act (e.g. a building that stands).
    #[serde(default)]
    continuing: bool,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for EscalateBody {
    type Request = pb::EscalateComplaintRequest;
    fn entered_after(&self) -> bool {
        self.occurred_at.is_some()
    }
    fn into_request(self, id: String) -> Result<Self::Request, Problem> {
        Ok(pb::EscalateComplaintRequest {
            id,
            version: self.version,
            occurred_at: occurred_at(self.occurred_at)?,
            note: self.note.unwrap_or_default(),
            party_kind: enum_from_code("party.kind", &self.party.kind, "PARTY_KIND_", |n| {
                pb::PartyKind::from_str_name(n).map(|k| k as i32)
            })?,
            party_name: self.party.name,
            party_id_number: self.party.id_number,
            act_on: date_from_rest("act_on", &self.act_on)?,
            continuing: self.continuing,
        })
    }
}
