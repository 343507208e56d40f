//! A complaint's figures recounted from its timeline: each event read back
//! as the step it recorded and replayed by the workflow's own rules from
//! the complaint as it was received — what the running totals would hold
//! had every step been counted by today's rules. Used once when the rules
//! of counting change; the totals are kept step by step otherwise.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_calendar::Calendar;
use fazhi_platform::DivisionCode;
use serde_json::Value;

use super::{
    Complaint, HandOff, Lead, NoVisit, ReplyRules, ReturnReason, Satisfaction, Status, Step,
    figures::{self, Count},
};

/// What an event records beyond its kind and note: what [`step_of`] reads
/// back.
pub fn detail(step: &Step, after: &Complaint) -> serde_json::Value {
    match step {
        Step::Dispatch {
            unit,
            routing_version,
        } => serde_json::json!({ "unit": unit.as_str(), "routing_version": routing_version }),
        Step::Return { reason } => serde_json::json!({ "reason": reason.code() }),
        Step::RequestExtension { working_days } => {
            serde_json::json!({ "working_days": working_days })
        }
        Step::DecideExtension { approved } => {
            serde_json::json!({ "approved": approved, "reply_due": fazhi_platform::time::to_rfc3339(after.reply_due) })
        }
        Step::Reply { text } => serde_json::json!({ "replied": true, "text": text }),
        Step::FollowUp {
            resolved,
            satisfaction,
        } => serde_json::json!({ "resolved": resolved, "satisfaction": satisfaction.code() }),
        Step::MarkDuplicate { of } => serde_json::json!({ "of": of }),
        Step::HandOff { to } => serde_json::json!({ "to": to.code() }),
        Step::Escalate { lead } => {
            serde_json::json!({ "party_kind": lead.party_kind, "act_on": lead.act_on })
        }
        Step::Supplement { text } => serde_json::json!({ "text": text }),
        Step::DecideReturn { approved } => serde_json::json!({
            "approved": approved,
            "unit": after.handling.unit.as_ref().map(|u| u.as_str()),
        }),
        Step::Reassign { to } => serde_json::json!({ "to": to }),
        Step::Close { without_visit } => {
            serde_json::json!({ "without_follow_up": without_visit.map(|w| w.code()) })
        }
        _ => serde_json::json!({}),
    }
}

/// The step an event of `kind` with `detail` recorded; `None` for events
/// that are no workflow step (a reminder, a push's update, a case's
/// milestone). `closed` is the reason a close went without a follow-up, as
/// the complaint keeps it.
pub fn step_of(kind: &str, detail: &Value, closed: Option<NoVisit>) -> Option<Step> {
    let text = |key: &str| detail[key].as_str().unwrap_or_default().to_owned();
    Some(match kind {
        "dispatched" => Step::Dispatch {
            unit: DivisionCode::parse(detail["unit"].as_str()?).ok()?,
            routing_version: detail["routing_version"].as_i64(),
        },
        "accepted" => Step::Accept,
        "returned" => Step::Return {
            reason: ReturnReason::from_code(detail["reason"].as_str()?)?,
        },
        "extension_requested" => Step::RequestExtension {
            working_days: u32::try_from(detail["working_days"].as_u64()?).ok()?,
        },
        "extension_approved" => Step::DecideExtension { approved: true },
        "extension_refused" => Step::DecideExtension { approved: false },
        "replied" => Step::Reply { text: text("text") },
        "visited" => Step::FollowUp {
            resolved: detail["resolved"].as_bool()?,
            satisfaction: Satisfaction::from_code(detail["satisfaction"].as_str()?)?,
        },
        "closed" => Step::Close {
            without_visit: detail["without_follow_up"]
                .as_str()
                .and_then(NoVisit::from_code)
                .or(closed),
        },
        "reopened" => Step::Reopen,
        "marked_duplicate" => Step::MarkDuplicate { of: text("of") },
        "handed_off" => Step::HandOff {
            to: HandOff::from_code(detail["to"].as_str()?)?,
        },
        "supervised" => Step::Supervise,
        "escalated" => Step::Escalate {
            lead: Lead {
                party_kind: text("party_kind"),
                party_name: String::new(),
                party_id_number: String::new(),
                act_on: detail["act_on"]
                    .as_str()
                    .and_then(|d| d.parse::<NaiveDate>().ok())
                    .unwrap_or_default(),
                continuing: false,
                facts: String::new(),
            },
        },
        "supplemented" => Step::Supplement { text: text("text") },
        "return_approved" => Step::DecideReturn { approved: true },
        "return_refused" => Step::DecideReturn { approved: false },
        "reassigned" => Step::Reassign { to: text("to") },
        "withdrawn" => Step::Withdraw,
        _ => return None,
    })
}

/// What `received` (the complaint as it came in) counts with `steps`
/// replayed on it in order; a step the rules refuse counts nothing and is
/// skipped. A merged duplicate counts with `original` as it stands.
pub fn recount(
    received: Complaint,
    steps: &[(Step, DateTime<Utc>)],
    original: Option<&Complaint>,
    calendar: &Calendar,
    rules: &ReplyRules,
) -> Vec<Count> {
    let mut counts = figures::on_intake(&received);
    let mut c = received;
    for (step, at) in steps {
        let Ok(after) = super::apply(&c, step, "", *at, calendar, rules) else {
            continue;
        };
        counts.extend(figures::on_step(&c, &after, step, *at));
        if let (Step::MarkDuplicate { .. }, Some(o)) = (step, original) {
            counts.extend(figures::on_merge(&c, &after, o));
        }
        c = after;
    }
    counts
}

/// The complaint `stored` as it was received: its intake fields, no
/// workflow; its reply due as first set unless an extension moved it since
/// (then as the rules set it at intake).
pub fn as_received(
    stored: &Complaint,
    extended: bool,
    calendar: &Calendar,
    rules: &ReplyRules,
) -> Complaint {
    let mut c = stored.clone();
    c.status = Status::Received;
    let h = &stored.handling;
    c.handling = super::Handling {
        concerns_unit: h.concerns_unit.clone(),
        concerns_officer: h.concerns_officer.clone(),
        pushed_by: h.pushed_by.clone(),
        calendar_gap: h.calendar_gap,
        ..Default::default()
    };
    if extended {
        c.reply_due = super::intake::first_reply_due(
            c.channel,
            c.request_type,
            c.urgent,
            c.received_at,
            calendar,
            rules,
        );
    }
    c
}
