//! The complaint workflow over REST: one route per step, each taking the
//! version the caller read and answering the complaint as it now stands —
//! or a problem naming the rule — and the timeline of every step.

use axum::{
    Extension, Json,
    extract::{Path, State},
};

mod bodies;

use super::complaints::{ComplaintView, audit_division, view};
use crate::edge::mapping::instant_from_rest;
use crate::identity::audit_log::audit_acts;
use crate::{AppState, edge::json::JsonBody, edge::problem::Problem, identity::authn::Identity};
use bodies::*;

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
