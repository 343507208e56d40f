//! A case's hash-chained history over REST, and its verification.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::cases::v1 as pb;
use serde::Serialize;
use utoipa::ToSchema;

use super::body::case_status_code;
use crate::{
    AppState,
    edge::{mapping::instant, problem::Problem},
    identity::authn::Identity,
};

/// One event of a case's history.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CaseEvent {
    pub seq: i64,
    #[schema(format = DateTime, example = "2024-03-05T10:00:00+08:00")]
    pub at: String,
    pub actor: String,
    /// lead_recorded, filed, declined or terminated.
    pub kind: String,
    /// Absent on the first event.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::CaseStatus>)]
    pub from_status: Option<String>,
    #[schema(value_type = crate::rest::codes::CaseStatus)]
    pub to_status: String,
    /// What the step recorded, as canonical JSON.
    pub detail: String,
    /// SHA-256 (hex) of the event before (zeros for the first).
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CaseHistory {
    pub events: Vec<CaseEvent>,
}

impl From<pb::CaseHistory> for CaseHistory {
    fn from(h: pb::CaseHistory) -> Self {
        Self {
            events: h
                .events
                .into_iter()
                .map(|e| CaseEvent {
                    at: instant(e.at).unwrap_or_default(),
                    from_status: Some(case_status_code(e.from_status)).filter(|s| !s.is_empty()),
                    to_status: case_status_code(e.to_status),
                    seq: e.seq,
                    actor: e.actor,
                    kind: e.kind,
                    detail: e.detail,
                    prev_hash: e.prev_hash,
                    hash: e.hash,
                })
                .collect(),
        }
    }
}

/// Whether a case's history is as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HistoryVerification {
    pub intact: bool,
    pub events: i64,
    /// When broken: the first event that does not check out, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_broken_seq: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<pb::HistoryVerification> for HistoryVerification {
    fn from(v: pb::HistoryVerification) -> Self {
        Self {
            intact: v.intact,
            events: v.events,
            first_broken_seq: (!v.intact).then_some(v.first_broken_seq),
            reason: (!v.intact).then_some(v.reason),
        }
    }
}

/// A case's history, oldest first: each event hash-chained to the one before.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/history",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "The events", body = CaseHistory))
)]
pub async fn case_history(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(case_id): Path<String>,
) -> Result<Json<CaseHistory>, Problem> {
    Ok(Json(
        state
            .cases
            .clone()
            .get_case_history(state.signed(&identity, pb::GetCaseHistoryRequest { case_id }))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Recompute a case's hash chain and name the first broken link, if any.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/history/verify",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "Whether the history is as recorded", body = HistoryVerification))
)]
pub async fn verify_case_history(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(case_id): Path<String>,
) -> Result<Json<HistoryVerification>, Problem> {
    Ok(Json(
        state
            .cases
            .clone()
            .verify_case_history(state.signed(&identity, pb::VerifyCaseHistoryRequest { case_id }))
            .await?
            .into_inner()
            .into(),
    ))
}
