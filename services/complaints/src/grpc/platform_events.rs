//! The platform's own events on its tickets (its follow-up visit, its
//! decision on an extension or a return, an urging, information added, a
//! withdrawal, a reassignment away),
//! each applied by the workflow's rules as one step, or rejected with the
//! reason and nothing changed.

use fazhi_platform::{
    Code, Error, ErrorKind,
    auth::{self, Caller, Permission},
    text::{self, Lines},
};
use fazhi_proto::complaints::v1::{self as pb, PlatformEventKind, PushOutcome};
use serde_json::json;
use tonic::{Request, Response, Status};

use super::{ComplaintsApi, convert, push::key_part};
use crate::domain::{self, Complaint, Step};
use crate::store::workflow::Step as Recorded;

/// Events in one request, at most.
pub const MAX_EVENTS: usize = 1_000;
/// Longest text an event carries, in characters.
const MAX_TEXT_CHARS: usize = 2_000;
/// Longest name of the unit a ticket is reassigned to, in characters.
const MAX_UNIT_CHARS: usize = 200;

fn result(index: usize, outcome: PushOutcome, id: &str, err: Option<&Error>) -> pb::PushResult {
    pb::PushResult {
        index: index as i32,
        outcome: outcome as i32,
        id: id.to_owned(),
        code: err.map(|e| e.code.as_str().to_owned()).unwrap_or_default(),
        field: err.and_then(|e| e.field.clone()).unwrap_or_default(),
        message: err.map(|e| e.message.clone()).unwrap_or_default(),
    }
}

/// The workflow step an event stands for.
fn step_of(e: &pb::PlatformEvent) -> Result<Step, Error> {
    let added = || {
        domain::note("text", &e.text, true).and_then(|t| {
            if t.chars().count() > MAX_TEXT_CHARS {
                Err(Error::invalid_field(
                    "text",
                    Code::InvalidArgument,
                    format!("text is at most {MAX_TEXT_CHARS} characters"),
                ))
            } else {
                Ok(t)
            }
        })
    };
    match PlatformEventKind::try_from(e.kind).unwrap_or(PlatformEventKind::Unspecified) {
        PlatformEventKind::FollowUp => Ok(Step::FollowUp {
            resolved: e.resolved,
            satisfaction: fazhi_platform::proto_enum::given(
                "satisfaction",
                convert::satisfaction("satisfaction", e.satisfaction)?,
            )?,
        }),
        PlatformEventKind::ExtensionDecided => Ok(Step::DecideExtension {
            approved: e.approved,
        }),
        PlatformEventKind::Urged => Ok(Step::Supervise),
        PlatformEventKind::Supplemented => Ok(Step::Supplement { text: added()? }),
        PlatformEventKind::Withdrawn => Ok(Step::Withdraw),
        PlatformEventKind::ReturnDecided => Ok(Step::DecideReturn {
            approved: e.approved,
        }),
        PlatformEventKind::Reassigned => {
            let to = text::required("to", &e.to, MAX_UNIT_CHARS, Lines::One)?;
            Ok(Step::Reassign { to })
        }
        PlatformEventKind::Unspecified => Err(Error::invalid_field(
            "kind",
            Code::UnknownCode,
            "kind must be one of follow_up, extension_decided, urged, supplemented, withdrawn, \
             return_decided, reassigned",
        )),
    }
}

/// Whether the complaint's timeline holds the platform's event `event_id`.
async fn seen(api: &ComplaintsApi, c: &Complaint, event_id: &str) -> Result<bool, Error> {
    Ok(api.store.timeline(&c.id).await?.iter().any(|e| {
        serde_json::from_str::<serde_json::Value>(&e.detail)
            .is_ok_and(|d| d["platform_event_id"] == event_id)
    }))
}

/// Applies one event: `Ok(true)` applied, `Ok(false)` a repeat.
async fn apply(
    api: &ComplaintsApi,
    caller: &Caller,
    c: &Complaint,
    e: &pb::PlatformEvent,
    event_id: &str,
) -> Result<bool, Error> {
    if seen(api, c, event_id).await? {
        return Ok(false);
    }
    let step = step_of(e)?;
    let now = api.clock.now();
    let note = match &step {
        Step::Supplement { .. } => String::new(),
        _ => domain::note("text", &e.text, false)?,
    };
    let after = domain::apply(c, &step, &note, now, &api.calendar, &api.rules)?;
    let mut bumps = crate::store::Bumps::default();
    bumps.step(c, &after, &step, now);
    let mut detail = super::workflow::detail(&step, &after);
    detail["platform_event_id"] = json!(event_id);
    api.store
        .advance(
            c,
            &after,
            Recorded {
                actor: &caller.subject,
                kind: step.kind(),
                note: &note,
                detail: detail.to_string(),
                at: now,
                entered: None,
                by_platform: true,
            },
            bumps,
            None,
        )
        .await?;
    Ok(true)
}

pub(super) async fn apply_events(
    api: &ComplaintsApi,
    request: Request<pb::ApplyPlatformEventsRequest>,
) -> Result<Response<pb::ApplyPlatformEventsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintPush)?;
    let events = request.into_inner().events;
    if events.len() > MAX_EVENTS {
        return Err(Error::invalid_field(
            "events",
            Code::TooManyValues,
            format!("at most {MAX_EVENTS} events in one request"),
        )
        .into());
    }
    let mut results = Vec::with_capacity(events.len());
    for (index, e) in events.iter().enumerate() {
        let keyed = (|| {
            Ok::<_, Error>((
                key_part("source", &e.source)?,
                key_part("external_id", &e.external_id)?,
                key_part("event_id", &e.event_id)?,
            ))
        })();
        let (source, external_id, event_id) = match keyed {
            Ok(k) => k,
            Err(err) => {
                results.push(result(index, PushOutcome::Rejected, "", Some(&err)));
                continue;
            }
        };
        if caller.source.as_ref().is_some_and(|own| *own != source) {
            let err = Error::new(
                ErrorKind::PermissionDenied,
                Code::Forbidden,
                "this key sends the events of its own source's tickets only",
            )
            .with_field("source");
            results.push(result(index, PushOutcome::Rejected, "", Some(&err)));
            continue;
        }
        // A stale read loses to a step taken meanwhile: read again, once.
        let mut outcome = None;
        for _ in 0..2 {
            let key = (source.clone(), external_id.clone());
            let found = api.store.by_external(std::slice::from_ref(&key)).await?;
            let Some(c) = found.get(&key).filter(|c| domain::visible(&caller, c)) else {
                let err = Error::not_found("ticket").with_field("external_id");
                outcome = Some(result(index, PushOutcome::Rejected, "", Some(&err)));
                break;
            };
            match apply(api, &caller, c, e, &event_id).await {
                Ok(true) => outcome = Some(result(index, PushOutcome::Updated, &c.id, None)),
                Ok(false) => outcome = Some(result(index, PushOutcome::Unchanged, &c.id, None)),
                Err(err) if err.code == Code::VersionConflict => continue,
                Err(err) => outcome = Some(result(index, PushOutcome::Rejected, &c.id, Some(&err))),
            }
            break;
        }
        results.push(outcome.unwrap_or_else(|| {
            let err = Error::changed_meanwhile("complaint");
            result(index, PushOutcome::Rejected, "", Some(&err))
        }));
    }
    api.relay.notify_one();
    Ok(Response::new(pb::ApplyPlatformEventsResponse { results }))
}
