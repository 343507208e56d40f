//! A complaint as the REST API shows it: the contract's complaint and its
//! workflow record written as REST codes and China-time instants.

use fazhi_proto::complaints::v1::{self as pb, Channel, RequestType};
use serde::Serialize;
use utoipa::ToSchema;

use crate::edge::mapping::{code_from_name, instant};

/// A complaint as the REST API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Complaint)]
pub struct ComplaintView {
    id: String,
    tracking_code: String,
    #[schema(value_type = crate::rest::codes::Channel)]
    channel: String,
    #[serde(rename = "type")]
    #[schema(value_type = crate::rest::codes::RequestType)]
    request_type: String,
    category: String,
    content: String,
    address: String,
    division_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    complainant_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    complainant_phone: Option<String>,
    urgent: bool,
    #[schema(value_type = crate::rest::codes::ComplaintStatus)]
    status: String,
    received_at: String,
    reply_due: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback_due: Option<String>,
    /// What the workflow has recorded since intake.
    pub(crate) handling: Handling,
    version: i64,
    /// The platform that pushed it, and its ticket number there (absent for
    /// a complaint taken in here).
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    /// When it last changed: intake, a step or a re-push.
    updated_at: String,
}

/// The workflow's record: unset fields are steps not taken yet.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Handling {
    /// The unit (行政区划代码) it is dispatched to.
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
    /// The routing list version that chose the unit (absent: chosen by hand).
    #[serde(skip_serializing_if = "Option::is_none")]
    routing_version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dispatched_at: Option<String>,
    /// The sign-for limit (签收时限).
    #[serde(skip_serializing_if = "Option::is_none")]
    accept_due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension: Option<ExtensionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replied_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    follow_up_due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    follow_up: Option<FollowUpView>,
    supervised: bool,
    reminders: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicate_of: Option<String>,
    /// `emergency`, `court`, `arbitration`, `petition` or `other_legal_route`.
    #[serde(skip_serializing_if = "Option::is_none")]
    handed_off: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_at: Option<String>,
    reopened: i32,
    returns: i32,
    /// When it was escalated to enforcement (转执法).
    #[serde(skip_serializing_if = "Option::is_none")]
    escalated_at: Option<String>,
    /// The lead the escalation became, once the cases service has it.
    #[serde(skip_serializing_if = "Option::is_none")]
    lead_id: Option<String>,
    /// Where that case stands now (for callers who may read cases).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) case_status: Option<String>,
    /// A report about enforcement conduct: the unit and officer it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    concerns_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    concerns_officer: Option<String>,
    /// A deadline falls in a year the holiday calendar does not cover yet
    /// (counted on weekends alone; it may move once the year is published).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    calendar_gap: bool,
    /// When it was last reminded of as overdue (at most daily).
    #[serde(skip_serializing_if = "Option::is_none")]
    reminded_at: Option<String>,
    /// When the platform that pushed it withdrew it (撤单).
    #[serde(skip_serializing_if = "Option::is_none")]
    withdrawn_at: Option<String>,
    /// Times the platform added information later (补充).
    #[serde(skip_serializing_if = "is_zero")]
    supplemented: i32,
    /// The unit the last return came from, while the return stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    returned_from: Option<String>,
    /// The pushing platform's decision on the last return (退单审核):
    /// absent until it decides; refused sends it back to that unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    return_approved: Option<bool>,
    /// When the platform reassigned it away (改派), and to whom.
    #[serde(skip_serializing_if = "Option::is_none")]
    reassigned_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reassigned_to: Option<String>,
    /// Closed after the reply without a follow-up, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::NoVisit>)]
    closed_without_follow_up: Option<String>,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionView {
    requested_at: String,
    working_days: i32,
    reason: String,
    /// `pending`, `approved` or `refused`.
    decision: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpView {
    at: String,
    resolved: bool,
    /// `satisfied`, `basically_satisfied` or `unsatisfied`.
    satisfaction: String,
}

fn handling(h: Option<pb::Handling>) -> Handling {
    let Some(h) = h else {
        return Handling::default();
    };
    let text = |s: String| (!s.is_empty()).then_some(s);
    Handling {
        unit: text(h.unit),
        routing_version: (h.routing_version > 0).then_some(h.routing_version),
        dispatched_at: instant(h.dispatched_at),
        accept_due: instant(h.accept_due),
        accepted_at: instant(h.accepted_at),
        extension: h.extension.map(|e| ExtensionView {
            requested_at: instant(e.requested_at).unwrap_or_default(),
            working_days: e.working_days,
            reason: e.reason,
            decision: extension_decision_code(e.decision_state),
        }),
        reply: text(h.reply),
        replied_at: instant(h.replied_at),
        follow_up_due: instant(h.follow_up_due),
        follow_up: h.follow_up.map(|f| FollowUpView {
            at: instant(f.at).unwrap_or_default(),
            resolved: f.resolved,
            satisfaction: satisfaction_code(f.rating),
        }),
        supervised: h.supervised,
        reminders: h.reminders,
        duplicate_of: text(h.duplicate_of),
        handed_off: text(hand_off_code(h.handed_off_to)),
        closed_at: instant(h.closed_at),
        reopened: h.reopened,
        returns: h.returns,
        escalated_at: instant(h.escalated_at),
        lead_id: text(h.lead_id),
        case_status: None,
        concerns_unit: text(h.concerns_unit),
        concerns_officer: text(h.concerns_officer),
        calendar_gap: h.calendar_gap,
        reminded_at: instant(h.reminded_at),
        withdrawn_at: instant(h.withdrawn_at),
        supplemented: h.supplemented,
        returned_from: text(h.returned_from),
        return_approved: h.return_approved,
        reassigned_at: instant(h.reassigned_at),
        reassigned_to: text(h.reassigned_to),
        closed_without_follow_up: fazhi_proto::complaints::v1::NoVisit::try_from(
            h.closed_without_follow_up,
        )
        .ok()
        .filter(|v| *v != fazhi_proto::complaints::v1::NoVisit::Unspecified)
        .map(|v| code_from_name(v.as_str_name(), "NO_VISIT_")),
    }
}

/// The REST code of a request type value (`complaint`).
pub fn type_code(value: i32) -> String {
    RequestType::try_from(value)
        .map(|v| code_from_name(v.as_str_name(), "REQUEST_TYPE_"))
        .unwrap_or_default()
}

/// The REST code of a status value (`received`).
pub fn status_code(value: i32) -> String {
    pb::Status::try_from(value)
        .map(|v| code_from_name(v.as_str_name(), "STATUS_"))
        .unwrap_or_default()
}

pub fn view(c: pb::Complaint) -> ComplaintView {
    let channel = Channel::try_from(c.channel)
        .map(|v| code_from_name(v.as_str_name(), "CHANNEL_"))
        .unwrap_or_default();
    let (complainant_name, complainant_phone) = match c.complainant {
        Some(who) => (
            (!who.name.is_empty()).then_some(who.name),
            (!who.phone.is_empty()).then_some(who.phone),
        ),
        None => (None, None),
    };
    ComplaintView {
        id: c.id,
        tracking_code: c.tracking_code,
        channel,
        request_type: type_code(c.r#type),
        category: c.category,
        content: c.content,
        address: c.address,
        division_code: c.division_code,
        complainant_name,
        complainant_phone,
        urgent: c.urgent,
        status: status_code(c.status),
        received_at: instant(c.received_at).unwrap_or_default(),
        reply_due: instant(c.reply_due).unwrap_or_default(),
        feedback_due: instant(c.feedback_due),
        handling: handling(c.handling),
        version: c.version,
        source: (!c.source.is_empty()).then_some(c.source),
        external_id: (!c.external_id.is_empty()).then_some(c.external_id),
        updated_at: instant(c.updated_at).unwrap_or_default(),
    }
}

crate::rest_enum!(write extension_decision_code, pb::ExtensionDecision, "EXTENSION_DECISION_");
crate::rest_enum!(write satisfaction_code, pb::Satisfaction, "SATISFACTION_");
crate::rest_enum!(write hand_off_code, pb::HandOffTo, "HAND_OFF_TO_");
