//! What the complaint workflow has left: the timeline of every step, and
//! the earlier requests a complaint may repeat.

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use fazhi_proto::complaints::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::complaints::status_code;
use crate::edge::mapping::instant;
use crate::{AppState, edge::problem::Problem, identity::authn::Identity};

/// One step of a complaint's life.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEvent {
    seq: i64,
    at: String,
    /// Who took the step.
    actor: String,
    /// `dispatched`, `accepted`, `returned`, `extension_requested`, …
    kind: String,
    #[schema(value_type = crate::rest::codes::ComplaintStatus)]
    from_status: String,
    #[schema(value_type = crate::rest::codes::ComplaintStatus)]
    to_status: String,
    note: String,
    /// What the step recorded: the unit dispatched to, a return's reason,
    /// an extension's days or decision, the reply's text, the follow-up's
    /// result and satisfaction, the hand-off's route, …
    #[schema(value_type = Object)]
    detail: serde_json::Value,
    /// When the step was entered, for one entered after the fact (`at` is
    /// when it happened).
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline {
    events: Vec<TimelineEvent>,
}

/// Every step since intake, oldest first: who, when, from which state, note.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{id}/timeline",
    extensions(("x-fazhi-access" = json!("complaint.read"))),
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses((status = 200, description = "The timeline", body = Timeline))
)]
pub async fn timeline(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<Timeline>, Problem> {
    let answer = state
        .complaints
        .clone()
        .get_timeline(state.signed(&identity, pb::GetTimelineRequest { id }))
        .await?
        .into_inner();
    Ok(Json(Timeline {
        events: answer.events.into_iter().map(event_view).collect(),
    }))
}

fn event_view(e: pb::TimelineEvent) -> TimelineEvent {
    TimelineEvent {
        seq: e.seq,
        at: instant(e.at).unwrap_or_default(),
        actor: e.actor,
        kind: e.kind,
        from_status: status_code(e.from_status),
        to_status: status_code(e.to_status),
        note: e.note,
        detail: serde_json::from_str(&e.detail).unwrap_or_else(|_| serde_json::json!({})),
        recorded_at: instant(e.recorded_at),
    }
}

/// The feed's cursor as a client holds it: opaque, naming a position.
const CURSOR_PREFIX: &str = "f1.";

fn cursor(position: i64) -> String {
    use base64::Engine;
    format!(
        "{CURSOR_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(position.to_string())
    )
}

fn position(cursor: &str) -> Result<i64, Problem> {
    use base64::Engine;
    let bad = || {
        Problem::bad_field(
            "after",
            fazhi_platform::Code::InvalidPageToken,
            "after must be a cursor the feed gave (next_after)",
        )
    };
    let text = cursor.strip_prefix(CURSOR_PREFIX).ok_or_else(bad)?;
    if text.len() > 32 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| bad())?;
    std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|p| *p >= 0)
        .ok_or_else(bad)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// The `next_after` of the page read last; absent: from the first event.
    after: Option<String>,
    /// 1 to 10,000; default 1,000.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 10000)]
    limit: Option<String>,
    /// Only the tickets of this platform.
    source: Option<String>,
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// Only these kinds, comma-separated (`dispatched,replied`).
    kinds: Option<String>,
}

/// One step of a complaint in the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintEvent {
    complaint_id: String,
    /// The platform that pushed the complaint, and its ticket number there.
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    division_code: String,
    #[serde(flatten)]
    event: TimelineEvent,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintEventPage {
    /// In the order they were committed.
    events: Vec<ComplaintEvent>,
    /// Pass as `after` for the next page (also when `events` is empty).
    next_after: String,
    /// Whether the page reached the newest event.
    caught_up: bool,
}

/// Every complaint's steps in the order they were committed, after a
/// cursor: a system following its tickets (a county 12345 platform) reads
/// page after page and never misses a step committed late. Each event
/// carries what its step recorded.
#[utoipa::path(
    get,
    path = "/api/v1/complaint-events",
    operation_id = "list_complaint_events",
    extensions(("x-fazhi-access" = json!("complaint.read"))),
    tag = "complaints",
    params(FeedParams),
    responses((status = 200, description = "A page of the feed", body = ComplaintEventPage))
)]
pub async fn feed(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<FeedParams>, QueryRejection>,
) -> Result<Json<ComplaintEventPage>, Problem> {
    let Query(params) = params?;
    let after = params
        .after
        .as_deref()
        .map(position)
        .transpose()?
        .unwrap_or(0);
    let limit = match params.limit.as_deref() {
        None => 0,
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| {
                Problem::bad_field(
                    "limit",
                    fazhi_platform::Code::InvalidArgument,
                    "limit must be from 1 to 10000",
                )
            })?,
    };
    let kinds: Vec<String> = params
        .kinds
        .as_deref()
        .map(|k| {
            k.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let page = state
        .complaints
        .clone()
        .list_complaint_events(state.signed(
            &identity,
            pb::ListComplaintEventsRequest {
                after,
                limit,
                division_code: params.division.unwrap_or_default(),
                source: params.source.unwrap_or_default(),
                kinds,
            },
        ))
        .await
        .map_err(|status| {
            let oldest = fazhi_platform::Error::from_status(&status).oldest;
            let mut problem = Problem::from(status);
            if let Some(oldest) = oldest {
                problem.detail =
                    "after is older than the feed keeps (rules.complaints.feed_retention_days); \
                                  start again from oldest_after"
                        .to_owned();
                problem.oldest_after = Some(cursor(oldest));
            }
            problem
        })?
        .into_inner();
    Ok(Json(ComplaintEventPage {
        events: page
            .events
            .into_iter()
            .map(|e| ComplaintEvent {
                complaint_id: e.complaint_id,
                source: (!e.source.is_empty()).then_some(e.source),
                external_id: (!e.external_id.is_empty()).then_some(e.external_id),
                division_code: e.division_code,
                event: event_view(e.event.unwrap_or_default()),
            })
            .collect(),
        next_after: cursor(page.next_after),
        caught_up: page.next_after >= page.head,
    }))
}

/// An earlier open request this one may repeat.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateSuggestion {
    id: String,
    received_at: String,
    address: String,
    #[schema(value_type = crate::rest::codes::ComplaintStatus)]
    status: String,
    /// How alike the addresses are, 0.5 to 1.
    similarity: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateSuggestions {
    suggestions: Vec<DuplicateSuggestion>,
}

/// Earlier open requests this one may repeat: the same caller, category and
/// a nearby address within the window (`rules.complaints.duplicate_window_days`).
/// Confirm one with `POST …/duplicate`.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{id}/possible-duplicates",
    extensions(("x-fazhi-access" = json!("complaint.read"))),
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id")),
    responses((status = 200, description = "The suggestions, most alike first", body = DuplicateSuggestions))
)]
pub async fn possible_duplicates(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<DuplicateSuggestions>, Problem> {
    let answer = state
        .complaints
        .clone()
        .suggest_duplicates(state.signed(&identity, pb::SuggestDuplicatesRequest { id }))
        .await?
        .into_inner();
    Ok(Json(DuplicateSuggestions {
        suggestions: answer
            .suggestions
            .into_iter()
            .map(|s| DuplicateSuggestion {
                id: s.id,
                received_at: instant(s.received_at).unwrap_or_default(),
                address: s.address,
                status: status_code(s.status),
                similarity: s.similarity,
            })
            .collect(),
    }))
}

/// One category of the complaint taxonomy (诉求分类).
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintCategory {
    /// The code a complaint carries, e.g. `illegal_construction`.
    code: String,
    /// Its name as the county's reports print it, e.g. 违法建设.
    name: String,
    /// The request types a complaint of this category may have.
    #[schema(value_type = Vec<crate::rest::codes::RequestType>)]
    types: Vec<String>,
    /// Reports in it concern enforcement conduct: they may name a unit and
    /// an officer, and never reach them.
    concerns_enforcement_conduct: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintCategories {
    categories: Vec<ComplaintCategory>,
}

/// The complaint taxonomy, so no client hard-codes it: each category's code,
/// name and the request types it takes.
#[utoipa::path(
    get,
    path = "/api/v1/complaint-categories",
    operation_id = "list_complaint_categories",
    extensions(("x-fazhi-access" = json!("public"))),
    tag = "complaints",
    responses((status = 200, description = "The taxonomy", body = ComplaintCategories))
)]
pub async fn categories() -> Json<ComplaintCategories> {
    // Every request type is taken in every category.
    let types: Vec<String> = (1..64)
        .map_while(|v| pb::RequestType::try_from(v).ok())
        .map(|t| crate::edge::mapping::code_from_name(t.as_str_name(), "REQUEST_TYPE_"))
        .collect();
    Json(ComplaintCategories {
        categories: fazhi_platform::complaint_category::CATEGORIES
            .iter()
            .map(|c| ComplaintCategory {
                code: c.code.to_owned(),
                name: c.name.to_owned(),
                types: types.clone(),
                concerns_enforcement_conduct: c.concerns_enforcement_conduct,
            })
            .collect(),
    })
}
