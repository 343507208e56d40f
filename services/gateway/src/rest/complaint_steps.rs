//! The complaint workflow over REST: one route per step, each taking the
//! version the caller read and answering the complaint as it now stands —
//! or a problem naming the rule — and the timeline of every step.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::complaints::v1 as pb;
use serde::Deserialize;
use utoipa::ToSchema;

use super::complaints::{ComplaintView, audit_division, view};
use crate::edge::mapping::{date_from_rest, enum_from_code, instant_from_rest};
use crate::identity::audit_log::audit_acts;
use crate::{AppState, edge::json::JsonBody, edge::problem::Problem, identity::authn::Identity};

/// The time a step happened, for one entered after the fact.
fn occurred_at(given: Option<String>) -> Result<Option<fazhi_proto::Timestamp>, Problem> {
    Ok(match given {
        Some(text) => instant_from_rest("occurred_at", &text)?,
        None => None,
    })
}

/// A step's body: read into its RPC's own request for the complaint `id`.
trait StepBody {
    type Request;
    fn into_request(self, id: String) -> Result<Self::Request, Problem>;
    /// Whether the step is entered after the fact (it gives `occurred_at`).
    fn entered_after(&self) -> bool;
}

macro_rules! complaint_step {
    ($name:ident, $rpc:ident, $path:literal, $access:literal, $body:ty, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            extensions(("x-fazhi-access" = json!($access))),
            tag = "complaints",
            params(("id" = String, Path, description = "Complaint id")),
            request_body = $body,
            responses((status = 200, description = "The complaint now", body = ComplaintView))
        )]
        pub async fn $name(
            State(state): State<AppState>,
            Extension(identity): Extension<Identity>,
            Path(id): Path<String>,
            JsonBody(body): JsonBody<$body>,
        ) -> Result<Json<ComplaintView>, Problem> {
            let entered_after = body.entered_after();
            let request = body.into_request(id)?;
            let complaint = state
                .complaints
                .clone()
                .$rpc(state.signed(&identity, request))
                .await?
                .into_inner();
            if entered_after {
                audit_acts(
                    &state,
                    &identity,
                    "complaint.record_past",
                    "complaint",
                    &[(complaint.id.as_str(), audit_division(&complaint).as_str())],
                )
                .await?;
            }
            Ok(Json(view(complaint)))
        }
    };
}

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

complaint_step!(
    escalate,
    escalate_complaint,
    "/api/v1/complaints/{id}/escalate",
    "complaint.dispatch",
    EscalateBody,
    "转执法: the complaint reveals a violation; the cases service gets a lead for it — now, or as soon as it is reachable — exactly once."
);
complaint_step!(
    dispatch,
    dispatch_complaint,
    "/api/v1/complaints/{id}/dispatch",
    "complaint.dispatch",
    DispatchBody,
    "派单: send a received or returned complaint to a handling unit; it must sign for it within the sign-for limit."
);
complaint_step!(
    accept,
    accept_complaint,
    "/api/v1/complaints/{id}/accept",
    "complaint.handle",
    AcceptBody,
    "签收: the handling unit signs for a dispatch (late signing counts against the response rate)."
);
complaint_step!(
    return_dispatch,
    return_complaint,
    "/api/v1/complaints/{id}/return",
    "complaint.handle",
    ReturnBody,
    "退单: the handling unit sends a dispatch back, with a reason, within the sign-for limit."
);
complaint_step!(
    request_extension,
    request_complaint_extension,
    "/api/v1/complaints/{id}/extension",
    "complaint.handle",
    ExtensionBody,
    "延期: ask once, before the reply falls due, for more working days."
);
complaint_step!(
    decide_extension,
    decide_complaint_extension,
    "/api/v1/complaints/{id}/extension/decide",
    "complaint.supervise",
    ExtensionDecisionBody,
    "Approve or refuse the extension asked for; an approval moves the reply's due day."
);
complaint_step!(
    reply,
    reply_complaint,
    "/api/v1/complaints/{id}/reply",
    "complaint.handle",
    ReplyBody,
    "答复: the handling unit's answer to a complaint it signed for."
);
complaint_step!(
    follow_up,
    follow_up_complaint,
    "/api/v1/complaints/{id}/follow-up",
    "complaint.dispatch",
    FollowUpBody,
    "回访: whether the matter was resolved and how satisfied the requester is."
);
complaint_step!(
    close,
    close_complaint,
    "/api/v1/complaints/{id}/close",
    "complaint.dispatch",
    CloseBody,
    "办结: close a complaint after a follow-up that was not unsatisfied."
);
complaint_step!(
    reopen,
    reopen_complaint,
    "/api/v1/complaints/{id}/reopen",
    "complaint.dispatch",
    ReopenBody,
    "Send a complaint back to its handling unit after an unsatisfied follow-up."
);
complaint_step!(
    mark_duplicate,
    mark_complaint_duplicate,
    "/api/v1/complaints/{id}/duplicate",
    "complaint.dispatch",
    DuplicateBody,
    "Merge a repeated request into the earlier complaint it repeats."
);
complaint_step!(
    hand_off,
    hand_off_complaint,
    "/api/v1/complaints/{id}/hand-off",
    "complaint.dispatch",
    HandOffBody,
    "Hand off what is not handled here: emergencies to 110/119/120/122, or a court, arbitration or 信访 route."
);
complaint_step!(
    supervise,
    supervise_complaint,
    "/api/v1/complaints/{id}/supervise",
    "complaint.supervise",
    SuperviseBody,
    "督办: the county flags a complaint; each later call is a reminder."
);
