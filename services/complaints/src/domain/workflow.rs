//! The 12345 workflow after intake: 派单 → 签收 → 答复 → 回访 → 办结, with
//! 退单 and 改派, one 延期, 督办, reopening after an unsatisfied follow-up,
//! merging a duplicate and handing off what is not handled here. Each step
//! takes the complaint as it stands and returns it as it becomes, or the
//! rule it would break; the event it leaves is the caller's to record.

use chrono::{DateTime, Utc};
use fazhi_calendar::Calendar;
use fazhi_platform::{
    Code, DivisionCode, Error, ErrorKind,
    text::{self, Lines},
    time,
};

use super::{
    Channel, Complaint, Extension, HandOff, NoVisit, ReplyRules as WorkflowRules, ReturnReason,
    Satisfaction, Status, Visit,
};

/// Longest reply, note or reason, in characters.
pub const MAX_NOTE_CHARS: usize = 5_000;

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
    /// 办结: after the follow-up, or — `without_visit` — after the reply
    /// when the requester cannot or will not be visited.
    Close {
        without_visit: Option<NoVisit>,
    },
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
    /// The platform's decision on a return (退单审核): approved, the return
    /// stands; refused, the ticket goes back to the unit that returned it.
    DecideReturn {
        approved: bool,
    },
    /// The platform reassigned it away from here (改派), to a unit outside:
    /// it ends here and leaves the township's figures, counted apart.
    Reassign {
        to: String,
    },
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
            Step::Close { .. } => "closed",
            Step::Reopen => "reopened",
            Step::MarkDuplicate { .. } => "marked_duplicate",
            Step::HandOff { .. } => "handed_off",
            Step::Supervise => "supervised",
            Step::Escalate { .. } => "escalated",
            Step::Supplement { .. } => "supplemented",
            Step::DecideReturn { approved: true } => "return_approved",
            Step::DecideReturn { approved: false } => "return_refused",
            Step::Reassign { .. } => "reassigned",
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
            h.returned_from = None;
            h.routing_version = *routing_version;
            h.dispatched_at = Some(now);
            h.first_dispatched_at.get_or_insert(now);
            h.accept_due = Some(accept_due(complaint, now, calendar, rules));
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
        Step::Return { reason } => {
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
            h.returned_from = h.unit.take();
            h.return_approved = None;
            h.left_here = *reason == ReturnReason::CountyDepartment;
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
            // A petition's extension is in calendar days (信访工作条例: up to 30).
            let (longest, unit) = if complaint.channel == Channel::PetitionHall {
                (rules.petition_max_extension_days, "days")
            } else {
                (rules.max_extension_working_days, "working days")
            };
            if !(1..=longest).contains(working_days) {
                return Err(rule(
                    Code::InvalidCount,
                    "working_days",
                    format!("an extension runs 1 to {longest} {unit}"),
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
            // Decided before the reply: a reply given meanwhile ended it.
            if status != S::Accepted {
                return Err(out_of_order(complaint, "deciding an extension"));
            }
            let Some(extension) = h.extension.as_mut().filter(|e| e.approved.is_none()) else {
                return Err(rule(
                    Code::NothingToDecide,
                    "approved",
                    "no extension is waiting for a decision",
                ));
            };
            extension.approved = Some(*approved);
            if *approved {
                next.reply_due = if complaint.channel == Channel::PetitionHall {
                    complaint.reply_due + chrono::Duration::days(i64::from(extension.working_days))
                } else {
                    working_days_after(calendar, complaint.reply_due, extension.working_days)
                };
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
        Step::Close {
            without_visit: Some(why),
        } => {
            if status != S::Replied {
                return Err(out_of_order(
                    complaint,
                    "closing without a follow-up (after the reply only)",
                ));
            }
            if *why == NoVisit::Anonymous && complaint.complainant.phone.is_some() {
                return Err(rule(
                    Code::NotAnonymous,
                    "without_follow_up",
                    "the requester left a phone number: visit them, or close as unreachable",
                ));
            }
            h.closed_without_follow_up = Some(why.code().to_owned());
            h.closed_at = Some(now);
            next.status = S::Closed;
        }
        Step::Close {
            without_visit: None,
        } => {
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
        Step::DecideReturn { approved } => {
            let waiting = status == S::Returned && h.return_approved.is_none();
            let Some(unit) = h.returned_from.clone().filter(|_| waiting) else {
                return Err(rule(
                    Code::NothingToDecide,
                    "approved",
                    "no return is waiting for a decision",
                ));
            };
            h.return_approved = Some(*approved);
            if !*approved {
                // Back to the unit that returned it, with a new sign-for limit
                // (and into the township's figures again).
                h.left_here = false;
                h.unit = Some(unit);
                h.returned_from = None;
                h.dispatched_at = Some(now);
                h.accept_due = Some(accept_due(complaint, now, calendar, rules));
                h.accepted_at = None;
                next.status = S::Dispatched;
            }
        }
        Step::Reassign { to } => {
            if !matches!(
                status,
                S::Received | S::Dispatched | S::Returned | S::Accepted
            ) {
                return Err(out_of_order(complaint, "reassigning it away"));
            }
            h.reassigned_at = Some(now);
            h.reassigned_to = Some(to.clone());
            h.closed_at = Some(now);
            next.status = S::Closed;
        }
    }
    next.handling.calendar_gap |= outside_calendar(calendar, &next);
    next.version = complaint.version + 1;
    next.updated_at = now;
    Ok(next)
}

/// The sign-for limit of a dispatch at `now` (签收时限).
fn accept_due(
    c: &Complaint,
    now: DateTime<Utc>,
    calendar: &Calendar,
    rules: &WorkflowRules,
) -> DateTime<Utc> {
    if c.urgent {
        now + chrono::Duration::hours(i64::from(rules.urgent_accept_hours))
    } else {
        working_days_after(calendar, now, rules.accept_working_days)
    }
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

#[cfg(test)]
#[path = "workflow_properties.rs"]
mod properties;
