//! The workflow after intake over gRPC: one step at the version read, the
//! rules in the domain, the step and its event written together.

use fazhi_platform::{
    Code, DivisionCode, Error, ErrorKind,
    auth::{self, Caller, Permission},
    time,
};
use fazhi_proto::complaints::v1::{self as pb, advance_complaint_request::Step as PbStep};
use serde_json::json;
use tonic::{Request, Response, Status};

use super::{ComplaintsApi, Personal, status_to_proto, to_proto};
use crate::domain::{self, Complaint, HandOff, ReturnReason, Satisfaction, Step};
use crate::relay::Escalation;
use crate::store::outbox::{ESCALATION, Message};
use crate::store::workflow::Step as Recorded;

/// Whether the caller may see the complaint (the domain's one rule).
pub(super) fn visible(caller: &Caller, c: &Complaint) -> bool {
    domain::visible(caller, c)
}

fn code<T>(field: &str, text: &str, parse: fn(&str) -> Option<T>, known: &str) -> Result<T, Error> {
    parse(text.trim()).ok_or_else(|| {
        Error::invalid_field(
            field,
            Code::UnknownCode,
            format!("{field} must be one of {known}"),
        )
    })
}

/// The step asked for (none: a dispatch by the routing list), the
/// permission it needs and whether it needs a note.
fn read_step(step: PbStep) -> Result<(Option<Step>, Permission, bool), Error> {
    if let PbStep::Dispatch(d) = &step
        && d.unit.trim().is_empty()
    {
        return Ok((None, Permission::ComplaintDispatch, false));
    }
    let (step, permission, note) = read_explicit(step)?;
    Ok((Some(step), permission, note))
}

fn read_explicit(step: PbStep) -> Result<(Step, Permission, bool), Error> {
    use Permission::{ComplaintDispatch as D, ComplaintHandle as H, ComplaintSupervise as S};
    Ok(match step {
        PbStep::Dispatch(d) => (
            Step::Dispatch {
                unit: DivisionCode::parse_field("dispatch.unit", &d.unit)?,
                routing_version: None,
            },
            D,
            false,
        ),
        PbStep::Accept(_) => (Step::Accept, H, false),
        PbStep::ReturnToDesk(r) => (
            Step::Return {
                reason: code(
                    "return.reason",
                    &r.reason,
                    ReturnReason::from_code,
                    "wrong_unit, county_department, outside_area, incomplete",
                )?,
            },
            H,
            false,
        ),
        PbStep::RequestExtension(e) => (
            Step::RequestExtension {
                working_days: u32::try_from(e.working_days).unwrap_or(0),
            },
            H,
            true,
        ),
        PbStep::DecideExtension(e) => (
            Step::DecideExtension {
                approved: e.approved,
            },
            S,
            false,
        ),
        PbStep::Reply(r) => (
            Step::Reply {
                text: domain::note("reply.text", &r.text, true)?,
            },
            H,
            false,
        ),
        PbStep::FollowUp(f) => (
            Step::FollowUp {
                resolved: f.resolved,
                satisfaction: code(
                    "follow_up.satisfaction",
                    &f.satisfaction,
                    Satisfaction::from_code,
                    "satisfied, basically_satisfied, unsatisfied",
                )?,
            },
            D,
            false,
        ),
        PbStep::Close(_) => (Step::Close, D, false),
        PbStep::Reopen(_) => (Step::Reopen, D, false),
        PbStep::MarkDuplicate(d) => (
            Step::MarkDuplicate {
                of: d.of.trim().to_owned(),
            },
            D,
            false,
        ),
        PbStep::HandOff(h) => (
            Step::HandOff {
                to: code(
                    "hand_off.to",
                    &h.to,
                    HandOff::from_code,
                    "emergency, court, arbitration, petition, other_legal_route",
                )?,
            },
            D,
            true,
        ),
        PbStep::Supervise(_) => (Step::Supervise, S, false),
        PbStep::Escalate(e) => {
            let act_on = time::date_from_proto("escalate.act_on", e.act_on.as_ref())?;
            (
                Step::Escalate {
                    lead: domain::Lead {
                        party_kind: e.party_kind,
                        party_name: e.party_name,
                        party_id_number: e.party_id_number,
                        act_on,
                        continuing: e.continuing,
                        facts: String::new(),
                    },
                },
                D,
                false,
            )
        }
    })
}

/// What an event records beyond its kind and note.
fn detail(step: &Step, after: &Complaint) -> serde_json::Value {
    match step {
        Step::Dispatch {
            unit,
            routing_version,
        } => json!({ "unit": unit.as_str(), "routing_version": routing_version }),
        Step::Return { reason } => json!({ "reason": reason.code() }),
        Step::RequestExtension { working_days } => json!({ "working_days": working_days }),
        Step::DecideExtension { approved } => {
            json!({ "approved": approved, "reply_due": time::to_rfc3339(after.reply_due) })
        }
        Step::Reply { .. } => json!({ "replied": true }),
        Step::FollowUp {
            resolved,
            satisfaction,
        } => json!({ "resolved": resolved, "satisfaction": satisfaction.code() }),
        Step::MarkDuplicate { of } => json!({ "of": of }),
        Step::HandOff { to } => json!({ "to": to.code() }),
        Step::Escalate { lead } => json!({ "party_kind": lead.party_kind, "act_on": lead.act_on }),
        _ => json!({}),
    }
}

pub(super) async fn advance(
    api: &ComplaintsApi,
    request: Request<pb::AdvanceComplaintRequest>,
) -> Result<Response<pb::Complaint>, Status> {
    let caller = auth::caller(&request)?;
    let r = request.into_inner();
    let step = r
        .step
        .ok_or_else(|| Error::invalid_field("step", Code::Required, "a step is required"))?;
    let (step, permission, note_required) = read_step(step)?;
    caller.require(permission)?;
    let complaint = api.visible_complaint(&caller, &r.id).await?;
    let step = match step {
        Some(step) => step,
        None => {
            let list = api
                .store
                .routing_for(&complaint.division_code)
                .await?
                .ok_or_else(|| domain::no_route(&complaint.category))?;
            let line = domain::route(&list, &complaint.category, &complaint.division_code)
                .ok_or_else(|| domain::no_route(&complaint.category))?;
            Step::Dispatch {
                unit: line.unit.clone(),
                routing_version: Some(list.version),
            }
        }
    };
    if complaint.version != r.version {
        return Err(Error::stale_version("complaint", complaint.version, r.version).into());
    }
    // The desk's steps are never the handling unit's alone: a village that
    // replied does not record its own follow-up, close, hand off or escalate.
    if permission != Permission::ComplaintHandle && !domain::at_desk(&caller, &complaint) {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            Code::NotDesk,
            format!(
                "only the desk of {} (or the county) takes this step; the handling unit \
                 signs for, returns and replies",
                domain::visibility::desk(&complaint.division_code)
            ),
        )
        .into());
    }
    // A handling step on a complaint dispatched to another unit; one not
    // dispatched at all is refused by its state below.
    if permission == Permission::ComplaintHandle {
        let theirs = complaint
            .handling
            .unit
            .as_ref()
            .is_some_and(|u| !caller.sees(u));
        if theirs {
            return Err(Error::new(
                ErrorKind::PermissionDenied,
                Code::NotHandlingUnit,
                "this complaint is not dispatched to a unit you act for",
            )
            .into());
        }
    }
    let now = api.clock.now();
    let mut step = step;
    match &mut step {
        Step::Dispatch { unit, .. } => caller.check_writes("dispatch.unit", unit)?,
        // The lead is checked here as the cases service will check it; its
        // facts are the complaint's.
        Step::Escalate { lead } => {
            *lead = domain::check_lead(
                &lead.party_kind,
                &lead.party_name,
                &lead.party_id_number,
                lead.act_on,
                lead.continuing,
                &format!("{}（{}）", complaint.content, complaint.address),
                time::china_date(now),
            )?;
        }
        Step::MarkDuplicate { of } => {
            let earlier = api
                .visible_complaint(&caller, of)
                .await
                .map_err(|_| Error::not_found("complaint named in mark_duplicate.of"))?;
            domain::check_duplicate_target(&complaint, &earlier)?;
        }
        _ => {}
    }
    let note = domain::note("note", &r.note, note_required)?;
    let after = domain::apply(&complaint, &step, &note, now, &api.calendar, &api.rules)?;
    let kind = step.kind();
    let mut bumps = crate::store::Bumps::default();
    bumps.step(&complaint, &after, &step, now);
    let message = match &step {
        Step::Escalate { lead } => Some(Message {
            id: uuid::Uuid::now_v7().to_string(),
            topic: ESCALATION,
            complaint_id: complaint.id.clone(),
            payload: serde_json::to_string(&Escalation {
                complaint_id: complaint.id.clone(),
                division_code: domain::lead_division(&complaint).as_str().to_owned(),
                lead: lead.clone(),
                discovered_on: time::china_date(now),
            })
            .map_err(Error::internal)?,
            trace_context: fazhi_platform::telemetry::current_traceparent(),
        }),
        _ => None,
    };
    api.store
        .advance(
            &complaint,
            &after,
            Recorded {
                actor: &caller.subject,
                kind,
                note: &note,
                detail: detail(&step, &after).to_string(),
                at: now,
            },
            bumps,
            message.as_ref(),
        )
        .await?;
    if message.is_some() {
        api.relay.notify_one();
    }
    tracing::info!(complaint = %after.id, step = kind, status = %after.status, "complaint advanced");
    Ok(Response::new(to_proto(&after, Personal::Masked)))
}

pub(super) async fn timeline(
    api: &ComplaintsApi,
    request: Request<pb::GetTimelineRequest>,
) -> Result<Response<pb::Timeline>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintRead)?;
    let complaint = api
        .visible_complaint(&caller, &request.into_inner().id)
        .await?;
    let events = api.store.timeline(&complaint.id).await?;
    Ok(Response::new(pb::Timeline {
        events: events
            .into_iter()
            .map(|e| pb::TimelineEvent {
                seq: e.seq,
                at: Some(time::to_timestamp(e.at)),
                actor: e.actor,
                kind: e.kind,
                from_status: status_to_proto(e.from) as i32,
                to_status: status_to_proto(e.to) as i32,
                note: e.note,
            })
            .collect(),
    }))
}

pub(super) async fn suggest_duplicates(
    api: &ComplaintsApi,
    request: Request<pb::SuggestDuplicatesRequest>,
) -> Result<Response<pb::SuggestedDuplicates>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintRead)?;
    let complaint = api
        .visible_complaint(&caller, &request.into_inner().id)
        .await?;
    let Some(phone) = complaint.complainant.phone.as_deref() else {
        return Ok(Response::new(pb::SuggestedDuplicates::default()));
    };
    let window = chrono::Duration::days(i64::from(api.rules.duplicate_window_days));
    let earlier = api
        .store
        .by_caller(phone, complaint.received_at - window, complaint.received_at)
        .await?;
    let mut suggestions: Vec<pb::DuplicateSuggestion> = earlier
        .iter()
        .filter(|other| visible(&caller, other))
        .filter_map(|other| {
            domain::suggests(&complaint, other).map(|similarity| pb::DuplicateSuggestion {
                id: other.id.clone(),
                received_at: Some(time::to_timestamp(other.received_at)),
                address: other.address.clone(),
                status: status_to_proto(other.status) as i32,
                similarity,
            })
        })
        .collect();
    suggestions.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
    Ok(Response::new(pb::SuggestedDuplicates { suggestions }))
}

impl ComplaintsApi {
    /// The complaint, if the caller may see it (NOT_FOUND otherwise).
    pub(super) async fn visible_complaint(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Complaint, Error> {
        let id = Error::lookup_id("complaint", id)?;
        self.store
            .get(id)
            .await?
            .filter(|c| visible(caller, c))
            .ok_or_else(|| Error::not_found("complaint"))
    }
}

/// The workflow's record as callers see it.
pub(super) fn handling_proto(h: &domain::Handling) -> pb::Handling {
    let ts = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(time::to_timestamp);
    pb::Handling {
        unit: h
            .unit
            .as_ref()
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default(),
        routing_version: h.routing_version.unwrap_or(0),
        dispatched_at: ts(h.dispatched_at),
        accept_due: ts(h.accept_due),
        accepted_at: ts(h.accepted_at),
        extension: h.extension.as_ref().map(|e| pb::ExtensionRequest {
            requested_at: Some(time::to_timestamp(e.requested_at)),
            working_days: i32::try_from(e.working_days).unwrap_or(i32::MAX),
            reason: e.reason.clone(),
            decision: match e.approved {
                None => "pending",
                Some(true) => "approved",
                Some(false) => "refused",
            }
            .to_owned(),
        }),
        reply: h.reply.clone().unwrap_or_default(),
        replied_at: ts(h.replied_at),
        follow_up_due: ts(h.follow_up_due),
        follow_up: h.visit.as_ref().map(|v| pb::FollowUp {
            at: Some(time::to_timestamp(v.at)),
            resolved: v.resolved,
            satisfaction: v.satisfaction.code().to_owned(),
        }),
        supervised: h.supervised,
        reminders: i32::try_from(h.reminders).unwrap_or(i32::MAX),
        duplicate_of: h.duplicate_of.clone().unwrap_or_default(),
        handed_off: h
            .handed_off
            .map(|t| t.code().to_owned())
            .unwrap_or_default(),
        closed_at: ts(h.closed_at),
        reopened: i32::try_from(h.reopened).unwrap_or(i32::MAX),
        returns: i32::try_from(h.returns).unwrap_or(i32::MAX),
        escalated_at: ts(h.escalated_at),
        lead_id: h.lead_id.clone().unwrap_or_default(),
        concerns_unit: h
            .concerns_unit
            .as_ref()
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default(),
        concerns_officer: h.concerns_officer.clone().unwrap_or_default(),
        calendar_gap: h.calendar_gap,
        reminded_at: ts(h.reminded_at),
    }
}
