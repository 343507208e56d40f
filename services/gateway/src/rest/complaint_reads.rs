//! What the complaint workflow has left: the timeline of every step, and
//! the earlier requests a complaint may repeat.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::complaints::v1 as pb;
use serde::Serialize;
use utoipa::ToSchema;

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
        events: answer
            .events
            .into_iter()
            .map(|e| TimelineEvent {
                seq: e.seq,
                at: instant(e.at).unwrap_or_default(),
                actor: e.actor,
                kind: e.kind,
                from_status: status_code(e.from_status),
                to_status: status_code(e.to_status),
                note: e.note,
            })
            .collect(),
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
