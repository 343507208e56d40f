//! The 12345 workflow after intake: 派单 → 签收 → 答复 → 回访 → 办结, with
//! 退单 and 改派, one 延期, 督办, reopening after an unsatisfied follow-up,
//! merging a duplicate and handing off what is not handled here. Each step
//! takes the complaint as it stands and returns it as it becomes, or the
//! rule it would break; the event it leaves is the caller's to record.

use chrono::{DateTime, Utc};
use fazhi_calendar::Calendar;
use fazhi_platform::{
    Code, DivisionCode, Error, ErrorKind, coded_enum,
    text::{self, Lines},
    time,
};
use serde::{Deserialize, Serialize};

use super::{Complaint, ReplyRules as WorkflowRules, Status};

/// Longest reply, note or reason, in characters.
pub const MAX_NOTE_CHARS: usize = 5_000;

coded_enum! {
    /// Why a handling unit sends a dispatch back (退单).
    ReturnReason {
        /// Not this unit's matter; another township or unit handles it.
        WrongUnit => "wrong_unit",
        /// A county department's duty, which must not be pushed down to a
        /// township (国办函〔2025〕66号).
        CountyDepartment => "county_department",
        /// Outside the administrative area.
        OutsideArea => "outside_area",
        /// Not enough to act on (no address, no facts).
        Incomplete => "incomplete",
    }
}

coded_enum! {
    /// How the requester judged the handling at the follow-up (回访).
    Satisfaction {
        Satisfied => "satisfied",
        BasicallySatisfied => "basically_satisfied",
        Unsatisfied => "unsatisfied",
    }
}

coded_enum! {
    /// Where a request not handled here was sent.
    HandOff {
        /// Danger to life or property: 110, 119, 120 or 122.
        Emergency => "emergency",
        /// A court's matter (诉讼).
        Court => "court",
        /// Arbitration (仲裁).
        Arbitration => "arbitration",
        /// The 信访 route (信访工作条例).
        Petition => "petition",
        /// Another legal route, named in the note.
        OtherLegalRoute => "other_legal_route",
    }
}

/// An extension asked for once, before the reply falls due (延期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub requested_at: DateTime<Utc>,
    pub working_days: u32,
    pub reason: String,
    /// None until decided.
    pub approved: Option<bool>,
}

/// The follow-up (回访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub at: DateTime<Utc>,
    pub resolved: bool,
    #[serde(with = "super::coded::satisfaction")]
    pub satisfaction: Satisfaction,
}

/// Everything the workflow has recorded on a complaint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Handling {
    /// The unit (a division: township, village or department code) it is
    /// dispatched to.
    pub unit: Option<DivisionCode>,
    /// The routing list version that chose the unit; none when by hand.
    pub routing_version: Option<i64>,
    pub dispatched_at: Option<DateTime<Utc>>,
    /// The sign-for limit (签收时限).
    pub accept_due: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub extension: Option<Extension>,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub follow_up_due: Option<DateTime<Utc>>,
    pub visit: Option<Visit>,
    /// Flagged by the county (督办); reminders sent since.
    pub supervised: bool,
    pub reminders: u32,
    pub duplicate_of: Option<String>,
    #[serde(default, with = "super::coded::hand_off")]
    pub handed_off: Option<HandOff>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Times sent back to handling after an unsatisfied follow-up.
    pub reopened: u32,
    pub returns: u32,
    /// When it was escalated to enforcement as a lead.
    pub escalated_at: Option<DateTime<Utc>>,
    /// When the platform that pushed it withdrew it (撤单): it ended there.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Times the platform added information later (补充).
    pub supplemented: u32,
    /// A report about enforcement conduct: the unit and the officer it
    /// names (信访工作条例: never passed to the accused).
    pub concerns_unit: Option<DivisionCode>,
    pub concerns_officer: Option<String>,
    /// Who pushed it, for a ticket pushed by a platform: only they re-push it.
    pub pushed_by: Option<String>,
    /// A deadline of this complaint falls in a year the holiday calendar
    /// does not cover: it was counted on weekends alone and may move.
    pub calendar_gap: bool,
    /// The lead the escalation created, once delivered (kept in its own
    /// column, written by the outbox relay only).
    #[serde(skip)]
    pub lead_id: Option<String>,
    /// When it was last reminded of as overdue (its own column, written by
    /// the reminder sweep only).
    #[serde(skip)]
    pub reminded_at: Option<DateTime<Utc>>,
}

/// One step of the workflow, as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Dispatch {
        unit: DivisionCode,
        routing_version: Option<i64>,
    },
    Accept,
    Return {
        reason: ReturnReason,
    },
    RequestExtension {
        working_days: u32,
    },
    DecideExtension {
        approved: bool,
    },
    Reply {
        text: String,
    },
    FollowUp {
        resolved: bool,
        satisfaction: Satisfaction,
    },
    Close,
    Reopen,
    MarkDuplicate {
        of: String,
    },
    HandOff {
        to: HandOff,
    },
    Supervise,
    /// A lead for the cases service, delivered through the outbox.
    Escalate {
        lead: super::Lead,
    },
    /// The platform that pushed it added information (补充): the state stays.
    Supplement {
        text: String,
    },
    /// The platform that pushed it withdrew it (撤单): it ends, counted apart.
    Withdraw,
}

impl Step {
    /// The event's kind, as the timeline names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Dispatch { .. } => "dispatched",
            Step::Accept => "accepted",
            Step::Return { .. } => "returned",
            Step::RequestExtension { .. } => "extension_requested",
            Step::DecideExtension { approved: true } => "extension_approved",
            Step::DecideExtension { approved: false } => "extension_refused",
            Step::Reply { .. } => "replied",
            Step::FollowUp { .. } => "visited",
            Step::Close => "closed",
            Step::Reopen => "reopened",
            Step::MarkDuplicate { .. } => "marked_duplicate",
            Step::HandOff { .. } => "handed_off",
            Step::Supervise => "supervised",
            Step::Escalate { .. } => "escalated",
            Step::Supplement { .. } => "supplemented",
            Step::Withdraw => "withdrawn",
        }
    }
}

fn out_of_order(complaint: &Complaint, what: &str) -> Error {
    Error::new(
        ErrorKind::FailedPrecondition,
        Code::InvalidTransition,
        format!(
            "{what} is not possible while the complaint is {}",
            complaint.status.code()
        ),
    )
}

fn rule(code: Code, field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::RuleViolation, code, message).with_field(field)
}

/// The end of the working day `days` working days after `at`'s day (the
/// count starts the day after, 民法典 Art. 201).
fn working_days_after(calendar: &Calendar, at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    time::end_of_china_day(calendar.add_working_days(time::china_date(at), days))
}

/// A note given with a step: trimmed, bounded, required where the step needs one.
pub fn note(field: &str, text: &str, required: bool) -> Result<String, Error> {
    if required {
        text::required(field, text, MAX_NOTE_CHARS, Lines::Many)
    } else {
        Ok(text::optional(field, Some(text), MAX_NOTE_CHARS, Lines::Many)?.unwrap_or_default())
    }
}

/// Applies `step` taken at `now`: the complaint as it becomes, or the rule
/// it breaks. `note` is the step's reason or remark (already checked).
pub fn apply(
    complaint: &Complaint,
    step: &Step,
    note: &str,
    now: DateTime<Utc>,
    calendar: &Calendar,
    rules: &WorkflowRules,
) -> Result<Complaint, Error> {
    use Status as S;
    let mut next = complaint.clone();
    let h = &mut next.handling;
    let status = complaint.status;
    match step {
        Step::Dispatch {
            unit,
            routing_version,
        } => {
            if !matches!(status, S::Received | S::Returned) {
                return Err(out_of_order(complaint, "dispatching"));
            }
            if h.concerns_unit
                .as_ref()
                .is_some_and(|named| named.contains(unit))
            {
                return Err(rule(
                    Code::NamedInReport,
                    "unit",
                    "a report about enforcement conduct is never sent to the unit it names (信访工作条例)",
                ));
            }
            h.unit = Some(unit.clone());
            h.routing_version = *routing_version;
            h.dispatched_at = Some(now);
            h.accept_due = Some(if complaint.urgent {
                now + chrono::Duration::hours(i64::from(rules.urgent_accept_hours))
            } else {
                working_days_after(calendar, now, rules.accept_working_days)
            });
            h.accepted_at = None;
            next.status = S::Dispatched;
        }
        Step::Accept => {
            if status != S::Dispatched {
                return Err(out_of_order(complaint, "signing for it"));
            }
            h.accepted_at = Some(now);
            next.status = S::Accepted;
        }
        Step::Return { .. } => {
            if status != S::Dispatched {
                return Err(out_of_order(complaint, "returning it"));
            }
            if h.accept_due.is_some_and(|due| now > due) {
                return Err(rule(
                    Code::ReturnTooLate,
                    "reason",
                    "a dispatch may be returned only within the sign-for limit",
                ));
            }
            h.unit = None;
            h.routing_version = None;
            h.accept_due = None;
            h.returns += 1;
            next.status = S::Returned;
        }
        Step::RequestExtension { working_days } => {
            if status != S::Accepted {
                return Err(out_of_order(complaint, "asking for an extension"));
            }
            if h.extension.is_some() {
                return Err(rule(
                    Code::ExtensionAlreadyAsked,
                    "working_days",
                    "an extension is asked for once only",
                ));
            }
            if now >= complaint.reply_due {
                return Err(rule(
                    Code::ExtensionTooLate,
                    "working_days",
                    "an extension must be asked for before the reply falls due",
                ));
            }
            if !(1..=rules.max_extension_working_days).contains(working_days) {
                return Err(rule(
                    Code::InvalidCount,
                    "working_days",
                    format!(
                        "an extension runs 1 to {} working days",
                        rules.max_extension_working_days
                    ),
                ));
            }
            h.extension = Some(Extension {
                requested_at: now,
                working_days: *working_days,
                reason: note.to_owned(),
                approved: None,
            });
        }
        Step::DecideExtension { approved } => {
            let Some(extension) = h.extension.as_mut().filter(|e| e.approved.is_none()) else {
                return Err(rule(
                    Code::NothingToDecide,
                    "approved",
                    "no extension is waiting for a decision",
                ));
            };
            extension.approved = Some(*approved);
            if *approved {
                next.reply_due =
                    working_days_after(calendar, complaint.reply_due, extension.working_days);
            }
        }
        Step::Reply { text } => {
            if status != S::Accepted {
                return Err(out_of_order(complaint, "replying"));
            }
            h.reply = Some(text.clone());
            h.replied_at = Some(now);
            h.follow_up_due = Some(working_days_after(
                calendar,
                now,
                rules.follow_up_working_days,
            ));
            next.status = S::Replied;
        }
        Step::FollowUp {
            resolved,
            satisfaction,
        } => {
            if status != S::Replied {
                return Err(out_of_order(complaint, "the follow-up"));
            }
            h.visit = Some(Visit {
                at: now,
                resolved: *resolved,
                satisfaction: *satisfaction,
            });
            next.status = S::Visited;
        }
        Step::Close => {
            if status != S::Visited {
                return Err(out_of_order(complaint, "closing"));
            }
            if h.visit
                .as_ref()
                .is_some_and(|v| v.satisfaction == Satisfaction::Unsatisfied)
            {
                return Err(rule(
                    Code::UnsatisfiedFollowUp,
                    "satisfaction",
                    "the requester was unsatisfied: reopen it for handling first",
                ));
            }
            h.closed_at = Some(now);
            next.status = S::Closed;
        }
        Step::Reopen => {
            let unsatisfied = h
                .visit
                .as_ref()
                .is_some_and(|v| v.satisfaction == Satisfaction::Unsatisfied);
            if status != S::Visited || !unsatisfied {
                return Err(out_of_order(
                    complaint,
                    "reopening (after an unsatisfied follow-up only)",
                ));
            }
            h.reopened += 1;
            h.visit = None;
            h.follow_up_due = None;
            next.status = S::Accepted;
        }
        Step::MarkDuplicate { of } => {
            if !matches!(
                status,
                S::Received | S::Dispatched | S::Returned | S::Accepted
            ) {
                return Err(out_of_order(complaint, "merging it as a duplicate"));
            }
            h.duplicate_of = Some(of.clone());
            next.status = S::Duplicate;
        }
        Step::HandOff { to } => {
            if !matches!(status, S::Received | S::Dispatched | S::Returned) {
                return Err(out_of_order(complaint, "handing it off"));
            }
            h.handed_off = Some(*to);
            next.status = S::HandedOff;
        }
        Step::Supervise => {
            if matches!(status, S::Closed | S::Duplicate | S::HandedOff) {
                return Err(out_of_order(complaint, "supervising it"));
            }
            if h.supervised {
                h.reminders += 1;
            }
            h.supervised = true;
        }
        Step::Escalate { .. } => {
            if matches!(status, S::Duplicate | S::HandedOff) {
                return Err(out_of_order(complaint, "escalating it"));
            }
            if h.escalated_at.is_some() {
                return Err(rule(
                    Code::AlreadyEscalated,
                    "version",
                    "the complaint was escalated to enforcement already",
                ));
            }
            h.escalated_at = Some(now);
        }
        Step::Supplement { .. } => {
            if matches!(status, S::Closed | S::Duplicate | S::HandedOff) {
                return Err(out_of_order(complaint, "adding to it"));
            }
            h.supplemented += 1;
        }
        Step::Withdraw => {
            if matches!(status, S::Closed | S::Duplicate | S::HandedOff) {
                return Err(out_of_order(complaint, "withdrawing it"));
            }
            h.withdrawn_at = Some(now);
            h.closed_at = Some(now);
            next.status = S::Closed;
        }
    }
    next.handling.calendar_gap |= outside_calendar(calendar, &next);
    next.version = complaint.version + 1;
    next.updated_at = now;
    Ok(next)
}

/// Whether any deadline of `c` falls in a year without calendar data.
pub fn outside_calendar(calendar: &Calendar, c: &Complaint) -> bool {
    use chrono::Datelike;
    let h = &c.handling;
    [Some(c.reply_due), h.accept_due, h.follow_up_due]
        .into_iter()
        .flatten()
        .any(|due| !calendar.covers(time::china_date(due).year()))
}

/// Whether the merged-into complaint can take a duplicate: received
/// earlier, itself no duplicate, not the same one.
pub fn check_duplicate_target(complaint: &Complaint, earlier: &Complaint) -> Result<(), Error> {
    if earlier.id == complaint.id
        || earlier.received_at > complaint.received_at
        || earlier.status == Status::Duplicate
    {
        return Err(rule(
            Code::InvalidDuplicate,
            "of",
            "a duplicate is merged into an earlier complaint that is not itself a duplicate",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;
