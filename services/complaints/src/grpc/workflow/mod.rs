//! The workflow after intake over gRPC: one step at the version read, the
//! rules in the domain, the step and its event written together.

use fazhi_platform::{
    Code, Error, ErrorKind,
    auth::{self, Caller, Permission},
    time,
};
use fazhi_proto::complaints::v1 as pb;
use tonic::{Request, Response, Status};

use super::{ComplaintsApi, Personal, convert, status_to_proto, to_proto};
use crate::domain::{self, Complaint, Step};
use crate::relay::Escalation;
use crate::store::outbox::{ESCALATION, Message};
use crate::store::workflow::Step as Recorded;

/// Whether the caller may see the complaint (the domain's one rule).
pub(super) fn visible(caller: &Caller, c: &Complaint) -> bool {
    domain::visible(caller, c)
}

mod asked;
pub(super) use asked::*;

/// What an event records beyond its kind and note.
pub(super) fn detail(step: &Step, after: &Complaint) -> serde_json::Value {
    domain::replay::detail(step, after)
}

pub(super) async fn advance<T>(
    api: &ComplaintsApi,
    request: Request<T>,
    read: fn(T) -> Result<Asked, Error>,
) -> Result<Response<pb::Complaint>, Status> {
    let caller = auth::caller(&request)?;
    let r = read(request.into_inner())?;
    let (step, permission, note_required) = (r.step, r.permission, r.note_required);
    caller.require(permission)?;
    if r.occurred_at.is_some() {
        caller.require(Permission::ComplaintRecordPast)?;
    }
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
    // The time the step happened: now, or the time given for a step entered
    // after the fact, never before the step it follows.
    let at = match &r.occurred_at {
        None => now,
        Some(ts) => {
            let at = time::from_timestamp_field("occurred_at", ts)?;
            let follows = api
                .store
                .last_step_at(&complaint.id)
                .await?
                .map_or(complaint.received_at, |last| {
                    last.max(complaint.received_at)
                });
            let earliest = api.rules.past_opens(&complaint.division_code, now);
            domain::past::check(at, now, Some(follows), earliest)?;
            at
        }
    };
    let mut step = step;
    let mut merged_into = None;
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
                time::china_date(at),
            )?;
        }
        Step::MarkDuplicate { of } => {
            let earlier = api
                .visible_complaint(&caller, of)
                .await
                .map_err(|_| Error::not_found("complaint named in mark_duplicate.of"))?;
            domain::check_duplicate_target(&complaint, &earlier)?;
            merged_into = Some(earlier);
        }
        _ => {}
    }
    let note = domain::note("note", &r.note, note_required)?;
    let mut after = domain::apply(&complaint, &step, &note, at, &api.calendar, &api.rules)?;
    // Changed now, whenever the step happened.
    after.updated_at = now;
    let kind = step.kind();
    let mut bumps = crate::store::Bumps::default();
    bumps.step(&complaint, &after, &step, at);
    if let Some(original) = &merged_into {
        bumps.merged(&complaint, &after, original);
    }
    let message = match &step {
        Step::Escalate { lead } => Some(Message {
            id: uuid::Uuid::now_v7().to_string(),
            topic: ESCALATION,
            complaint_id: complaint.id.clone(),
            payload: serde_json::to_string(&Escalation {
                complaint_id: complaint.id.clone(),
                division_code: domain::lead_division(&complaint).as_str().to_owned(),
                lead: lead.clone(),
                // Discovered when the complaint came in (行政处罚法 Art. 36).
                discovered_on: time::china_date(complaint.received_at),
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
                at,
                entered: (at != now).then(|| crate::store::workflow::Entered {
                    at: now,
                    audit: fazhi_platform::db::audit::Entry::new(
                        now,
                        &caller,
                        "complaint.record_past",
                        "complaint",
                        &complaint.id,
                        domain::lead_division(&complaint).as_str(),
                    ),
                }),
                by_platform: false,
            },
            bumps,
            message.as_ref(),
        )
        .await?;
    // An escalation to deliver, or a step the platform that pushed the
    // ticket may be waiting to hear of.
    if message.is_some() || after.ticket.is_some() {
        api.relay.notify_one();
    }
    tracing::debug!(complaint = %after.id, step = kind, status = %after.status, "complaint advanced");
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
        events: events.into_iter().map(event_to_proto).collect(),
    }))
}

pub(super) fn event_to_proto(e: crate::store::workflow::Event) -> pb::TimelineEvent {
    pb::TimelineEvent {
        seq: e.seq,
        at: Some(time::to_timestamp(e.at)),
        actor: e.actor,
        kind: e.kind,
        from_status: status_to_proto(e.from) as i32,
        to_status: status_to_proto(e.to) as i32,
        note: e.note,
        detail: e.detail,
        recorded_at: e.recorded_at.map(time::to_timestamp),
    }
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
            decision_state: match e.approved {
                None => pb::ExtensionDecision::Pending,
                Some(true) => pb::ExtensionDecision::Approved,
                Some(false) => pb::ExtensionDecision::Refused,
            } as i32,
        }),
        reply: h.reply.clone().unwrap_or_default(),
        replied_at: ts(h.replied_at),
        follow_up_due: ts(h.follow_up_due),
        follow_up: h.visit.as_ref().map(|v| pb::FollowUp {
            at: Some(time::to_timestamp(v.at)),
            resolved: v.resolved,
            rating: convert::satisfaction_proto(v.satisfaction),
        }),
        supervised: h.supervised,
        reminders: i32::try_from(h.reminders).unwrap_or(i32::MAX),
        duplicate_of: h.duplicate_of.clone().unwrap_or_default(),
        handed_off_to: h.handed_off.map_or(0, convert::hand_off_proto),
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
        withdrawn_at: ts(h.withdrawn_at),
        supplemented: i32::try_from(h.supplemented).unwrap_or(i32::MAX),
        returned_from: h
            .returned_from
            .as_ref()
            .map(|u| u.as_str().to_owned())
            .unwrap_or_default(),
        return_approved: h.return_approved,
        reassigned_at: ts(h.reassigned_at),
        reassigned_to: h.reassigned_to.clone().unwrap_or_default(),
        closed_without_follow_up: h
            .closed_without_follow_up
            .as_deref()
            .and_then(domain::NoVisit::from_code)
            .map_or(0, convert::no_visit_proto),
    }
}
