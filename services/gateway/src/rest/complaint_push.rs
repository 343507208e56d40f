//! `POST /api/v1/complaints:batch`: the county 12345 platform pushes up to
//! 1,000 tickets at once. Each item is read on its own, so a malformed one
//! is rejected with its reason and the rest go on; the answer lists every
//! item's outcome.

use axum::{
    Extension, Json,
    body::to_bytes,
    extract::{Request, State},
};
use fazhi_platform::{Code, Error, ErrorKind};
use fazhi_proto::complaints::v1::{self as pb, Channel, PushOutcome, RequestType};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::edge::mapping::{code_from_name, enum_from_code, instant_from_rest};
use crate::{
    AppState,
    edge::{json::JsonBody, problem::Problem},
    identity::authn::Identity,
};

/// Items one push may carry (the complaints service's limit).
const MAX_ITEMS: usize = 1_000;

/// One pushed ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushItem {
    /// The pushing platform, e.g. `county_12345`.
    #[schema(example = "county_12345")]
    source: String,
    /// The platform's own ticket id; with `source`, the ticket's key.
    #[schema(example = "SQ20261129000123")]
    external_id: String,
    /// When the platform received or dispatched it (deadlines count from here).
    #[schema(format = DateTime, example = "2026-11-29T09:30:00+08:00")]
    received_at: String,
    /// The platform's due date, where it set one; it then governs.
    #[serde(default)]
    #[schema(format = DateTime)]
    due_at: Option<String>,
    #[schema(value_type = crate::rest::codes::Channel, example = "hotline_12345")]
    channel: String,
    #[serde(rename = "type")]
    #[schema(value_type = crate::rest::codes::RequestType, example = "complaint")]
    request_type: String,
    #[schema(example = "illegal_construction")]
    category: String,
    content: String,
    address: String,
    #[schema(example = "411624100")]
    division_code: String,
    #[serde(default)]
    complainant_name: Option<String>,
    #[serde(default)]
    complainant_phone: Option<String>,
    #[serde(default)]
    urgent: bool,
    /// A report about enforcement conduct: the unit and officer it names.
    #[serde(default)]
    concerns_unit: Option<String>,
    #[serde(default)]
    concerns_officer: Option<String>,
}

/// A push: 1 to 1,000 tickets.
#[derive(Debug, ToSchema)]
pub struct PushRequest {
    /// 1 to 1,000 tickets.
    #[allow(dead_code)]
    items: Vec<PushItem>,
}

/// A push as read from its body (see [`Items`]).
#[derive(Debug, Deserialize)]
struct PushBody<'a> {
    #[serde(borrow)]
    items: Items<'a>,
}

/// The items as they stand in the body, unparsed: each is read on its own
/// later, so one malformed item is rejected alone, and no tree of values is
/// built for the whole body. Counted as they are read: the 1,001st stops
/// the parse.
#[derive(Debug)]
struct Items<'a>(Vec<&'a serde_json::value::RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for Items<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = Items<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "a list of 1 to {MAX_ITEMS} tickets")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Items<'a>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<&'de serde_json::value::RawValue>()? {
                    if items.len() == MAX_ITEMS {
                        return Err(serde::de::Error::custom(TOO_MANY));
                    }
                    items.push(item);
                }
                Ok(Items(items))
            }
        }
        deserializer.deserialize_seq(Visitor(std::marker::PhantomData))
    }
}

/// What the item counter says when it stops the parse.
const TOO_MANY: &str = "a push carries at most 1000 items";

/// What happened to one item.
#[derive(Debug, Serialize, ToSchema)]
pub struct PushResult {
    /// The item's position in `items`, from 0.
    index: usize,
    /// `created`, `updated`, `unchanged` or `rejected`.
    outcome: String,
    /// The complaint created, updated or found.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// Why it was rejected: a problem code, the field and what is wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushResponse {
    created: usize,
    updated: usize,
    unchanged: usize,
    rejected: usize,
    results: Vec<PushResult>,
}

fn item_to_proto(item: PushItem) -> Result<pb::PushedComplaint, Problem> {
    Ok(pb::PushedComplaint {
        source: item.source,
        external_id: item.external_id,
        received_at: instant_from_rest("received_at", &item.received_at)?,
        due_at: match item.due_at.as_deref() {
            Some(due) => instant_from_rest("due_at", due)?,
            None => None,
        },
        complaint: Some(pb::CreateComplaintRequest {
            channel: enum_from_code("channel", &item.channel, "CHANNEL_", |n| {
                Channel::from_str_name(n).map(|c| c as i32)
            })?,
            r#type: enum_from_code("type", &item.request_type, "REQUEST_TYPE_", |n| {
                RequestType::from_str_name(n).map(|t| t as i32)
            })?,
            category: item.category,
            content: item.content,
            address: item.address,
            division_code: item.division_code,
            complainant_name: item.complainant_name,
            complainant_phone: item.complainant_phone,
            urgent: item.urgent,
            request_id: String::new(),
            concerns_unit: item.concerns_unit,
            concerns_officer: item.concerns_officer,
            occurred_at: None,
        }),
    })
}

/// Puts each of the service's outcomes at the place of the item it answers
/// (`positions`: the request's index of each item sent), an update named
/// `updated` as this route calls it.
fn place(
    results: &mut [Option<PushResult>],
    positions: &[usize],
    answered: Vec<pb::PushResult>,
    updated: &str,
) {
    for r in answered {
        let Some(&index) = positions.get(r.index as usize) else {
            continue;
        };
        let outcome = match PushOutcome::try_from(r.outcome) {
            Ok(PushOutcome::Updated) => updated.to_owned(),
            Ok(o) => code_from_name(o.as_str_name(), "PUSH_OUTCOME_"),
            Err(_) => String::new(),
        };
        let text = |s: String| (!s.is_empty()).then_some(s);
        results[index] = Some(PushResult {
            index,
            outcome,
            id: text(r.id),
            code: text(r.code),
            field: text(r.field),
            detail: text(r.message),
        });
    }
}

fn refused(index: usize, problem: &Problem) -> PushResult {
    PushResult {
        index,
        outcome: "rejected".into(),
        id: None,
        code: Some(problem.code.clone()),
        field: problem.field.clone(),
        detail: Some(problem.detail.clone()),
    }
}

/// Push up to 1,000 tickets from the county 12345 platform, each keyed by
/// (source, external_id): new ones are created, a re-push of one still
/// waiting to be dispatched updates it or (unchanged) is ignored — never a
/// second complaint. A bad item is rejected with its reason; the others go on.
#[utoipa::path(
    post,
    path = "/api/v1/complaints:batch",
    operation_id = "push_complaints",
    extensions(("x-fazhi-access" = json!("complaint.push"))),
    tag = "complaints",
    request_body = PushRequest,
    responses((status = 200, description = "Every item's outcome", body = PushResponse))
)]
pub async fn push(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    request: Request,
) -> Result<Json<PushResponse>, Problem> {
    let limit = state.gate.settings.upload_limit_bytes;
    let bytes = to_bytes(request.into_body(), limit).await.map_err(|_| {
        Problem::from(Error::new(
            ErrorKind::PayloadTooLarge,
            Code::BodyTooLarge,
            "the push is larger than the upload limit",
        ))
    })?;
    let body: PushBody<'_> = serde_json::from_slice(&bytes).map_err(|e| {
        if e.to_string().starts_with(TOO_MANY) {
            Problem::bad_field(
                "items",
                Code::TooManyValues,
                format!("a push carries 1 to {MAX_ITEMS} items"),
            )
        } else {
            Problem::bad_field(
                "items",
                Code::MalformedJson,
                format!("the body must be {{\"items\": [...]}}: {e}"),
            )
        }
    })?;
    let items = body.items.0;
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(Problem::bad_field(
            "items",
            Code::TooManyValues,
            format!("a push carries 1 to {MAX_ITEMS} items"),
        ));
    }
    let total = items.len();
    let mut results: Vec<Option<PushResult>> = (0..total).map(|_| None).collect();
    let mut sent = Vec::with_capacity(total);
    let mut positions = Vec::with_capacity(total);
    for (index, raw) in items.into_iter().enumerate() {
        let read = serde_json::from_str::<PushItem>(raw.get())
            .map_err(|e| {
                Problem::bad_field(
                    &format!("items[{index}]"),
                    Code::MalformedJson,
                    e.to_string(),
                )
            })
            .and_then(item_to_proto);
        match read {
            Ok(item) => {
                positions.push(index);
                sent.push(item);
            }
            Err(problem) => results[index] = Some(refused(index, &problem)),
        }
    }
    if !sent.is_empty() {
        let answer = state
            .complaints
            .clone()
            .push_complaints(state.signed(&identity, pb::PushComplaintsRequest { items: sent }))
            .await?
            .into_inner();
        place(&mut results, &positions, answer.results, "updated");
    }
    let results: Vec<PushResult> = results.into_iter().flatten().collect();
    let count = |what: &str| results.iter().filter(|r| r.outcome == what).count();
    Ok(Json(PushResponse {
        created: count("created"),
        updated: count("updated"),
        unchanged: count("unchanged"),
        rejected: count("rejected"),
        results,
    }))
}

/// Most events in one request.
const MAX_EVENTS: usize = 1_000;

/// One of the platform's own events on a ticket it pushed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformEventItem {
    #[schema(example = "county_12345")]
    source: String,
    #[schema(example = "SQ20261129000123")]
    external_id: String,
    /// The platform's id of this event; sending it again changes nothing.
    #[schema(example = "EV-88123")]
    event_id: String,
    #[schema(value_type = crate::rest::codes::PlatformEventKind)]
    kind: String,
    /// follow_up: whether the problem was solved.
    #[serde(default)]
    resolved: bool,
    /// follow_up: `satisfied`, `basically_satisfied` or `unsatisfied`.
    #[serde(default)]
    satisfaction: Option<String>,
    /// extension_decided, return_decided: the platform's decision.
    #[serde(default)]
    approved: bool,
    /// supplemented: the information added; otherwise a remark.
    #[serde(default)]
    text: Option<String>,
    /// reassigned: the unit the platform sent the ticket to.
    #[serde(default)]
    #[schema(example = "县自然资源局")]
    to: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformEventsBody {
    /// 1 to 1,000 events.
    events: Vec<PlatformEventItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformEventsResponse {
    applied: usize,
    unchanged: usize,
    rejected: usize,
    /// One per event, in order; `outcome` is `applied`, `unchanged` or `rejected`.
    results: Vec<PushResult>,
}

fn event_to_proto(e: PlatformEventItem) -> Result<pb::PlatformEvent, Problem> {
    Ok(pb::PlatformEvent {
        source: e.source,
        external_id: e.external_id,
        event_id: e.event_id,
        kind: enum_from_code("kind", &e.kind, "PLATFORM_EVENT_KIND_", |n| {
            pb::PlatformEventKind::from_str_name(n).map(|k| k as i32)
        })?,
        resolved: e.resolved,
        satisfaction: match e.satisfaction.as_deref() {
            Some(code) => enum_from_code("satisfaction", code, "SATISFACTION_", |n| {
                pb::Satisfaction::from_str_name(n).map(|v| v as i32)
            })?,
            None => 0,
        },
        approved: e.approved,
        text: e.text.unwrap_or_default(),
        to: e.to.unwrap_or_default(),
    })
}

/// The platform's own events on tickets it pushed: its follow-up visit
/// (回访), its decision on an extension or on a return (退单审核: refused
/// sends it back to the unit that returned it), an urging (催办, counted as
/// supervision), information added later (补充), a withdrawal (撤单), a
/// reassignment away (改派: it ends here and leaves the township's figures).
/// Each is applied by the workflow's rules as one step of the ticket, or
/// rejected with the reason and nothing changed; an `event_id` sent again
/// is `unchanged`.
#[utoipa::path(
    post,
    path = "/api/v1/complaints:events",
    operation_id = "apply_platform_events",
    extensions(("x-fazhi-access" = json!("complaint.push"))),
    tag = "complaints",
    request_body = PlatformEventsBody,
    responses((status = 200, description = "Every event's outcome", body = PlatformEventsResponse))
)]
pub async fn platform_events(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<PlatformEventsBody>,
) -> Result<Json<PlatformEventsResponse>, Problem> {
    if body.events.is_empty() || body.events.len() > MAX_EVENTS {
        return Err(Problem::bad_field(
            "events",
            Code::TooManyValues,
            format!("a request carries 1 to {MAX_EVENTS} events"),
        ));
    }
    let total = body.events.len();
    let mut results: Vec<Option<PushResult>> = (0..total).map(|_| None).collect();
    let mut sent = Vec::with_capacity(total);
    let mut positions = Vec::with_capacity(total);
    for (index, e) in body.events.into_iter().enumerate() {
        match event_to_proto(e) {
            Ok(e) => {
                positions.push(index);
                sent.push(e);
            }
            Err(problem) => results[index] = Some(refused(index, &problem)),
        }
    }
    if !sent.is_empty() {
        let answer = state
            .complaints
            .clone()
            .apply_platform_events(
                state.signed(&identity, pb::ApplyPlatformEventsRequest { events: sent }),
            )
            .await?
            .into_inner();
        place(&mut results, &positions, answer.results, "applied");
    }
    let results: Vec<PushResult> = results.into_iter().flatten().collect();
    let count = |what: &str| results.iter().filter(|r| r.outcome == what).count();
    Ok(Json(PlatformEventsResponse {
        applied: count("applied"),
        unchanged: count("unchanged"),
        rejected: count("rejected"),
        results,
    }))
}
