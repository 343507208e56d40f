//! The complaint workflow over REST: one route per step, each taking the
//! version the caller read and answering the complaint as it now stands —
//! or a problem naming the rule — and the timeline of every step.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::complaints::v1::{self as pb, advance_complaint_request::Step};
use serde::Deserialize;
use utoipa::ToSchema;

use super::complaints::{ComplaintView, view};
use crate::edge::mapping::date_from_rest;
use crate::{AppState, edge::json::JsonBody, edge::problem::Problem, identity::authn::Identity};

/// A step's body: the version read, a note, and what the step needs.
trait StepBody {
    fn into_parts(self) -> (i64, Option<String>, Step);
}

macro_rules! complaint_step {
    ($name:ident, $path:literal, $access:literal, $body:ty, $doc:literal) => {
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
            let (version, note, step) = body.into_parts();
            let request = pb::AdvanceComplaintRequest {
                id,
                version,
                note: note.unwrap_or_default(),
                step: Some(step),
            };
            Ok(Json(view(
                state
                    .complaints
                    .clone()
                    .advance_complaint(state.signed(&identity, request))
                    .await?
                    .into_inner(),
            )))
        }
    };
}

/// A step that needs only the version read (and an optional note).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    /// The version read; a stale one gets 409.
    version: i64,
    #[serde(default)]
    note: Option<String>,
}

macro_rules! plain_step {
    ($wrapper:ident, $variant:ident, $message:ident) => {
        #[derive(Debug, Deserialize, ToSchema)]
        #[serde(transparent)]
        pub struct $wrapper(VersionBody);
        impl StepBody for $wrapper {
            fn into_parts(self) -> (i64, Option<String>, Step) {
                (self.0.version, self.0.note, Step::$variant(pb::$message {}))
            }
        }
    };
}

plain_step!(AcceptBody, Accept, AcceptStep);
plain_step!(CloseBody, Close, CloseStep);
plain_step!(ReopenBody, Reopen, ReopenStep);
plain_step!(SuperviseBody, Supervise, SuperviseStep);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchBody {
    version: i64,
    /// The handling unit's 行政区划代码 (a township or a village under it);
    /// absent: the unit the routing list names for the category and village.
    #[serde(default)]
    #[schema(example = "411624100201")]
    unit: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for DispatchBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            self.note,
            Step::Dispatch(pb::DispatchStep { unit: self.unit }),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    version: i64,
    /// `wrong_unit`, `county_department` (a county department's duty, never
    /// pushed down to a township), `outside_area` or `incomplete`.
    #[schema(example = "wrong_unit")]
    reason: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for ReturnBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            self.note,
            Step::ReturnToDesk(pb::ReturnStep {
                reason: self.reason,
            }),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    version: i64,
    /// Working days asked for; once, before the reply falls due.
    #[schema(example = 5)]
    working_days: i32,
    /// Why (required).
    note: String,
}

impl StepBody for ExtensionBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            Some(self.note),
            Step::RequestExtension(pb::ExtensionStep {
                working_days: self.working_days,
            }),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecisionBody {
    version: i64,
    approved: bool,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for ExtensionDecisionBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            self.note,
            Step::DecideExtension(pb::ExtensionDecision {
                approved: self.approved,
            }),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    version: i64,
    /// The answer given to the requester; the public tracking page shows it.
    text: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for ReplyBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            self.note,
            Step::Reply(pb::ReplyStep { text: self.text }),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    version: i64,
    resolved: bool,
    /// `satisfied`, `basically_satisfied` or `unsatisfied`.
    #[schema(example = "satisfied")]
    satisfaction: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for FollowUpBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            self.note,
            Step::FollowUp(pb::FollowUpStep {
                resolved: self.resolved,
                satisfaction: self.satisfaction,
            }),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateBody {
    version: i64,
    /// The id of the earlier complaint this one repeats.
    of: String,
    #[serde(default)]
    note: Option<String>,
}

impl StepBody for DuplicateBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            self.note,
            Step::MarkDuplicate(pb::DuplicateStep { of: self.of }),
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandOffBody {
    version: i64,
    /// `emergency` (110/119/120/122), `court`, `arbitration`, `petition` or
    /// `other_legal_route`.
    #[schema(example = "emergency")]
    to: String,
    /// What the requester was told (required).
    note: String,
}

impl StepBody for HandOffBody {
    fn into_parts(self) -> (i64, Option<String>, Step) {
        (
            self.version,
            Some(self.note),
            Step::HandOff(pb::HandOffStep { to: self.to }),
        )
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

impl EscalateBody {
    fn into_parts(self) -> Result<(i64, Option<String>, Step), Problem> {
        Ok((
            self.version,
            self.note,
            Step::Escalate(pb::EscalateStep {
                party_kind: self.party.kind,
                party_name: self.party.name,
                party_id_number: self.party.id_number,
                act_on: date_from_rest("act_on", &self.act_on)?,
                continuing: self.continuing,
            }),
        ))
    }
}

/// 转执法: the complaint reveals a violation; the cases service gets a lead
/// for it — now, or as soon as it is reachable — exactly once.
#[utoipa::path(
    post,
    path = "/api/v1/complaints/{id}/escalate",
    extensions(("x-fazhi-access" = json!("complaint.dispatch"))),
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    request_body = EscalateBody,
    responses((status = 200, description = "The complaint now", body = ComplaintView))
)]
pub async fn escalate(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<EscalateBody>,
) -> Result<Json<ComplaintView>, Problem> {
    let (version, note, step) = body.into_parts()?;
    let request = pb::AdvanceComplaintRequest {
        id,
        version,
        note: note.unwrap_or_default(),
        step: Some(step),
    };
    Ok(Json(view(
        state
            .complaints
            .clone()
            .advance_complaint(state.signed(&identity, request))
            .await?
            .into_inner(),
    )))
}

complaint_step!(
    dispatch,
    "/api/v1/complaints/{id}/dispatch",
    "complaint.dispatch",
    DispatchBody,
    "派单: send a received or returned complaint to a handling unit; it must sign for it within the sign-for limit."
);
complaint_step!(
    accept,
    "/api/v1/complaints/{id}/accept",
    "complaint.handle",
    AcceptBody,
    "签收: the handling unit signs for a dispatch (late signing counts against the response rate)."
);
complaint_step!(
    return_dispatch,
    "/api/v1/complaints/{id}/return",
    "complaint.handle",
    ReturnBody,
    "退单: the handling unit sends a dispatch back, with a reason, within the sign-for limit."
);
complaint_step!(
    request_extension,
    "/api/v1/complaints/{id}/extension",
    "complaint.handle",
    ExtensionBody,
    "延期: ask once, before the reply falls due, for more working days."
);
complaint_step!(
    decide_extension,
    "/api/v1/complaints/{id}/extension/decide",
    "complaint.supervise",
    ExtensionDecisionBody,
    "Approve or refuse the extension asked for; an approval moves the reply's due day."
);
complaint_step!(
    reply,
    "/api/v1/complaints/{id}/reply",
    "complaint.handle",
    ReplyBody,
    "答复: the handling unit's answer to a complaint it signed for."
);
complaint_step!(
    follow_up,
    "/api/v1/complaints/{id}/follow-up",
    "complaint.dispatch",
    FollowUpBody,
    "回访: whether the matter was resolved and how satisfied the requester is."
);
complaint_step!(
    close,
    "/api/v1/complaints/{id}/close",
    "complaint.dispatch",
    CloseBody,
    "办结: close a complaint after a follow-up that was not unsatisfied."
);
complaint_step!(
    reopen,
    "/api/v1/complaints/{id}/reopen",
    "complaint.dispatch",
    ReopenBody,
    "Send a complaint back to its handling unit after an unsatisfied follow-up."
);
complaint_step!(
    mark_duplicate,
    "/api/v1/complaints/{id}/duplicate",
    "complaint.dispatch",
    DuplicateBody,
    "Merge a repeated request into the earlier complaint it repeats."
);
complaint_step!(
    hand_off,
    "/api/v1/complaints/{id}/hand-off",
    "complaint.dispatch",
    HandOffBody,
    "Hand off what is not handled here: emergencies to 110/119/120/122, or a court, arbitration or 信访 route."
);
complaint_step!(
    supervise,
    "/api/v1/complaints/{id}/supervise",
    "complaint.supervise",
    SuperviseBody,
    "督办: the county flags a complaint; each later call is a reminder."
);
