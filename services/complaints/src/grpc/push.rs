//! The county 12345 platform's batch push: each ticket checked on its own,
//! keyed by (source, external id), and every accepted one written in one
//! transaction; the answer names each item's outcome.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use fazhi_platform::{
    Code, Error, ErrorKind,
    auth::{self, Caller, Permission},
    time,
};
use fazhi_proto::complaints::v1::{self as pb, PushOutcome};
use tonic::{Request, Response, Status};

use super::{ComplaintsApi, new_complaint};
use crate::domain::{self, Complaint, Status as State};
use crate::store::push::Create;

/// Items one push may carry.
pub const MAX_PUSH_ITEMS: usize = 1_000;
/// How far ahead of this server's clock a platform's time may run.
const CLOCK_SKEW: i64 = 5;
/// How far after receipt a platform's due date may lie (the longest reply
/// period, a petition-hall item's 60 + 30 days, is well inside).
const MAX_DUE_DAYS: i64 = 366;

type Key = (String, String);

pub(super) fn key_part(field: &str, text: &str) -> Result<String, Error> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid_field(
            field,
            Code::InvalidArgument,
            format!("{field} is 1 to 64 visible ASCII characters"),
        ));
    }
    Ok(text.to_owned())
}

/// One pushed ticket as it would be recorded now.
fn ticket(
    api: &ComplaintsApi,
    caller: &Caller,
    item: pb::PushedComplaint,
    now: DateTime<Utc>,
) -> Result<(Key, Complaint), Error> {
    let key = (
        key_part("source", &item.source)?,
        key_part("external_id", &item.external_id)?,
    );
    if let Some(own) = &caller.source
        && own != &key.0
    {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            Code::Forbidden,
            format!("this key pushes the tickets of {own} only"),
        )
        .with_field("source"));
    }
    let received_at = item
        .received_at
        .as_ref()
        .and_then(time::from_timestamp)
        .ok_or_else(|| {
            Error::invalid_field(
                "received_at",
                Code::Required,
                "received_at is the platform's time of the ticket",
            )
        })?;
    if received_at > now + Duration::minutes(CLOCK_SKEW) {
        return Err(Error::invalid_field(
            "received_at",
            Code::DateInFuture,
            "received_at lies in the future",
        ));
    }
    let mut complaint = domain::intake(
        new_complaint(item.complaint.unwrap_or_default())?,
        received_at,
        &api.calendar,
        &api.rules,
        uuid::Uuid::now_v7().to_string(),
        domain::new_tracking_code(),
    )?;
    caller.check_writes("division_code", &complaint.division_code)?;
    complaint.handling.pushed_by = Some(caller.subject.clone());
    // The platform's due date governs where it set one.
    if let Some(due) = item.due_at.as_ref() {
        let due = time::from_timestamp(due).ok_or_else(|| {
            Error::invalid_field("due_at", Code::InvalidTime, "due_at is not a time")
        })?;
        if due < received_at {
            return Err(Error::invalid_field(
                "due_at",
                Code::InvalidTimeRange,
                "due_at lies before received_at",
            ));
        }
        if due > received_at + Duration::days(MAX_DUE_DAYS) {
            return Err(Error::invalid_field(
                "due_at",
                Code::InvalidTimeRange,
                format!("due_at lies more than {MAX_DUE_DAYS} days after received_at"),
            ));
        }
        complaint.reply_due = due;
        complaint.handling.calendar_gap = domain::outside_calendar(&api.calendar, &complaint);
    }
    Ok((key, complaint))
}

/// Whether a re-pushed ticket says anything the recorded one does not.
/// Whether a re-push says nothing new about the ticket `recorded`. Once the
/// workflow has it, its reply due date is the workflow's (an extension moves
/// it), so the due date pushed again is not compared.
fn same(recorded: &Complaint, pushed: &Complaint) -> bool {
    let due_is_the_platforms = recorded.status == State::Received;
    recorded.channel == pushed.channel
        && recorded.request_type == pushed.request_type
        && recorded.category == pushed.category
        && recorded.content == pushed.content
        && recorded.address == pushed.address
        && recorded.division_code == pushed.division_code
        && recorded.complainant == pushed.complainant
        && recorded.urgent == pushed.urgent
        && recorded.received_at == pushed.received_at
        && (!due_is_the_platforms || recorded.reply_due == pushed.reply_due)
}

fn rejected(index: usize, err: &Error) -> pb::PushResult {
    refused(index, err, "")
}

/// Rejected, naming the complaint the ticket is (`id`), so a platform that
/// lost an answer finds its ticket again.
fn refused(index: usize, err: &Error, id: &str) -> pb::PushResult {
    pb::PushResult {
        index: index as i32,
        outcome: PushOutcome::Rejected as i32,
        id: id.to_owned(),
        code: err.code.as_str().to_owned(),
        field: err.field.clone().unwrap_or_default(),
        message: err.message.clone(),
    }
}

fn done(index: usize, outcome: PushOutcome, id: &str) -> pb::PushResult {
    pb::PushResult {
        index: index as i32,
        outcome: outcome as i32,
        id: id.to_owned(),
        ..Default::default()
    }
}

pub(super) async fn push(
    api: &ComplaintsApi,
    request: Request<pb::PushComplaintsRequest>,
) -> Result<Response<pb::PushComplaintsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintPush)?;
    let items = request.into_inner().items;
    if items.len() > MAX_PUSH_ITEMS {
        return Err(Error::invalid_field(
            "items",
            Code::TooManyValues,
            format!("a push carries at most {MAX_PUSH_ITEMS} items"),
        )
        .into());
    }
    let now = api.clock.now();
    let mut results: Vec<Option<pb::PushResult>> = vec![None; items.len()];
    let mut tickets: Vec<(usize, Key, Complaint)> = Vec::new();
    let mut seen: HashSet<Key> = HashSet::new();
    for (index, item) in items.into_iter().enumerate() {
        match ticket(api, &caller, item, now) {
            Ok((key, _)) if !seen.insert(key.clone()) => {
                let err = Error::invalid_field(
                    "external_id",
                    Code::DuplicateValue,
                    "this ticket is in the push twice; only its first item is taken",
                );
                results[index] = Some(rejected(index, &err));
            }
            Ok((key, complaint)) => tickets.push((index, key, complaint)),
            Err(err) => results[index] = Some(rejected(index, &err)),
        }
    }
    // A concurrent push of the same ticket may win the race: look again once.
    for attempt in 0..2 {
        let keys: Vec<Key> = tickets.iter().map(|(_, k, _)| k.clone()).collect();
        let recorded: HashMap<Key, Complaint> = api.store.by_external(&keys).await?;
        let mut created = Vec::new();
        let mut updated = Vec::new();
        let mut outcomes = Vec::new();
        for (index, key, pushed) in &tickets {
            match recorded.get(key) {
                None => {
                    outcomes.push(done(*index, PushOutcome::Created, &pushed.id));
                    created.push(Create {
                        complaint: pushed.clone(),
                        source: key.0.clone(),
                        external_id: key.1.clone(),
                    });
                }
                // One answer whatever the reason (another township's, a
                // report naming the caller, another system's ticket): it
                // tells nothing of where the ticket is or what it says.
                Some(old) if !may_repush(&caller, old) => {
                    let err = Error::new(
                        ErrorKind::PermissionDenied,
                        Code::TicketNotYours,
                        "a ticket with this source and external_id was pushed by another \
                         caller; only that caller re-pushes it",
                    )
                    .with_field("external_id");
                    outcomes.push(rejected(*index, &err));
                }
                Some(old) if same(old, pushed) => {
                    outcomes.push(done(*index, PushOutcome::Unchanged, &old.id));
                }
                Some(old) if old.status == State::Received => {
                    let new = Complaint {
                        id: old.id.clone(),
                        tracking_code: old.tracking_code.clone(),
                        status: old.status,
                        handling: old.handling.clone(),
                        version: old.version + 1,
                        ticket: old.ticket.clone(),
                        updated_at: api.clock.now(),
                        ..pushed.clone()
                    };
                    outcomes.push(done(*index, PushOutcome::Updated, &old.id));
                    updated.push((old.clone(), new));
                }
                Some(old) => {
                    let err = Error::new(
                        ErrorKind::FailedPrecondition,
                        Code::InvalidTransition,
                        format!(
                            "the ticket is {} already: changes now go through the workflow",
                            old.status.code()
                        ),
                    )
                    .with_field("external_id");
                    outcomes.push(refused(*index, &err, &old.id));
                }
            }
        }
        match api.store.push(created, &updated, &caller.subject).await {
            Ok(()) => {
                for outcome in outcomes {
                    let index = outcome.index as usize;
                    results[index] = Some(outcome);
                }
                break;
            }
            Err(err)
                if attempt == 0
                    && matches!(err.kind, ErrorKind::AlreadyExists | ErrorKind::Conflict) =>
            {
                continue;
            }
            Err(err) => return Err(err.into()),
        }
    }
    let created = results
        .iter()
        .flatten()
        .filter(|r| r.outcome == PushOutcome::Created as i32)
        .count();
    tracing::info!(items = results.len(), created, "complaints pushed");
    Ok(Response::new(pb::PushComplaintsResponse {
        results: results.into_iter().flatten().collect(),
    }))
}

/// Whether the caller may re-push a recorded ticket: the one who pushed
/// it, and only while the ticket is theirs to see (a report about
/// enforcement conduct is never changed by the unit it names). A ticket
/// recorded before its pusher was kept is the county's to re-push.
fn may_repush(caller: &Caller, recorded: &Complaint) -> bool {
    let pusher = match recorded.handling.pushed_by.as_deref() {
        Some(by) => by == caller.subject,
        None => caller.scope.level() == fazhi_platform::division::DivisionLevel::County,
    };
    pusher && domain::visible(caller, recorded)
}
