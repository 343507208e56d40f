//! Publicity (公示) over REST: publish a case's penalty decision, withdraw
//! it, and the public list anyone reads without an account.

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    response::IntoResponse,
};
use fazhi_proto::cases::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::{optional_day, withdraw_reason, withdraw_reason_code};
use super::proceedings::Penalty;
use crate::{
    AppState,
    edge::{
        json::JsonBody,
        mapping::{date_from_rest, date_to_rest},
        problem::Problem,
        query,
    },
    identity::authn::Identity,
};

/// A published decision, as the public reads it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Publication {
    pub case_id: String,
    #[schema(example = "411624100")]
    pub division_code: String,
    /// The agency in whose name the decision went out (镇人民政府).
    pub agency: String,
    /// An organisation's name, or a natural person's masked.
    pub party: String,
    pub violation: String,
    /// The legal basis.
    pub basis: String,
    pub penalty: Penalty,
    #[schema(format = Date, example = "2026-03-30")]
    pub decided_on: String,
    #[schema(format = Date, example = "2026-04-02")]
    pub published_on: String,
    /// Within seven working days of the decision.
    pub on_time: bool,
    /// The last day shown.
    #[schema(format = Date, example = "2027-04-02")]
    pub ends_on: String,
    /// Set once withdrawn, as are the reason, note and whether in time.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-05-06")]
    pub withdrawn_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::WithdrawReason>)]
    pub withdraw_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdraw_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_on_time: Option<bool>,
}

impl From<pb::Publication> for Publication {
    fn from(p: pb::Publication) -> Self {
        let withdrawn = p.withdrawn_on.is_some();
        Self {
            decided_on: date_to_rest(p.decided_on.as_ref()),
            published_on: date_to_rest(p.published_on.as_ref()),
            ends_on: date_to_rest(p.ends_on.as_ref()),
            withdrawn_on: optional_day(p.withdrawn_on.as_ref()),
            withdraw_reason: withdrawn.then(|| withdraw_reason_code(p.withdraw_reason)),
            withdraw_note: withdrawn.then_some(p.withdraw_note),
            withdrawn_on_time: withdrawn.then_some(p.withdrawn_on_time),
            penalty: p.penalty.into(),
            case_id: p.case_id,
            division_code: p.division_code,
            agency: p.agency,
            party: p.party,
            violation: p.violation,
            basis: p.basis,
            on_time: p.on_time,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishDecisionRequest {
    /// The agency in whose name the decision went out, e.g. 老城镇人民政府.
    pub agency: String,
    /// The violation as the public reads it: no personal privacy or
    /// commercial secrets (Art. 50).
    pub violation: String,
    /// Default today.
    #[serde(default)]
    #[schema(format = Date, example = "2026-04-02")]
    pub on: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawPublicationRequest {
    #[schema(value_type = crate::rest::codes::WithdrawReason)]
    pub reason: String,
    pub note: String,
    /// The day the decision was changed, revoked, or confirmed illegal or void.
    #[schema(format = Date, example = "2026-05-01")]
    pub event_on: String,
    /// Default today.
    #[serde(default)]
    #[schema(format = Date, example = "2026-05-06")]
    pub on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListPublicationsResponse {
    pub publications: Vec<Publication>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// Publish a case's penalty decision (公示, within seven working days of
/// the decision; whether it was is recorded).
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/publication",
    extensions(("x-fazhi-access" = json!("case.manage"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = PublishDecisionRequest,
    responses((status = 201, description = "Published", body = Publication))
)]
pub async fn publish_decision(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(case_id): Path<String>,
    JsonBody(body): JsonBody<PublishDecisionRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = pb::PublishDecisionRequest {
        on: date_from_rest("on", body.on.as_deref().unwrap_or_default())?,
        case_id: case_id.clone(),
        agency: body.agency,
        violation: body.violation,
    };
    let publication = Publication::from(
        state
            .cases
            .clone()
            .publish_decision(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok((
        axum::http::StatusCode::CREATED,
        [(
            http::header::LOCATION,
            "/api/v1/public/decisions".to_owned(),
        )],
        Json(publication),
    ))
}

/// Withdraw a published decision that was changed, revoked, or confirmed
/// illegal or void (Art. 48), with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/publication/withdraw",
    extensions(("x-fazhi-access" = json!("case.decide"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = WithdrawPublicationRequest,
    responses((status = 200, description = "Withdrawn", body = Publication))
)]
pub async fn withdraw_publication(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(case_id): Path<String>,
    JsonBody(body): JsonBody<WithdrawPublicationRequest>,
) -> Result<Json<Publication>, Problem> {
    let request = pb::WithdrawPublicationRequest {
        reason: withdraw_reason("reason", &body.reason)?,
        event_on: date_from_rest("event_on", &body.event_on)?,
        on: date_from_rest("on", body.on.as_deref().unwrap_or_default())?,
        case_id,
        note: body.note,
    };
    Ok(Json(
        state
            .cases
            .clone()
            .withdraw_publication(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicationParams {
    /// Only this division and those under it (default: the whole county).
    division: Option<String>,
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// Opaque token from the previous page.
    page_token: Option<String>,
}

/// Published enforcement decisions in force today, readable without an
/// account (公示): withdrawn and ended ones are gone.
#[utoipa::path(
    get,
    path = "/api/v1/public/decisions",
    operation_id = "list_public_decisions",
    extensions(("x-fazhi-access" = json!("public_limited"))),
    tag = "public",
    params(PublicationParams),
    responses((status = 200, description = "One page", body = ListPublicationsResponse))
)]
pub async fn list_public_decisions(
    State(state): State<AppState>,
    params: Result<Query<PublicationParams>, QueryRejection>,
) -> Result<Json<ListPublicationsResponse>, Problem> {
    let Query(params) = params?;
    let citizen = Identity {
        caller: fazhi_platform::auth::Caller::citizen(state.gate.authn.county().clone()),
        authenticated: false,
    };
    let request = pb::ListPublicationsRequest {
        division_code: query::division_code(
            &citizen.caller,
            "division",
            params.division.as_deref(),
        )?,
        page_size: query::page_size(params.page_size.as_deref())?,
        page_token: params.page_token.unwrap_or_default(),
    };
    let answer = state
        .cases
        .clone()
        .list_publications(state.signed(&citizen, request))
        .await?
        .into_inner();
    Ok(Json(ListPublicationsResponse {
        publications: answer
            .publications
            .into_iter()
            .map(Publication::from)
            .collect(),
        next_page_token: Some(answer.next_page_token).filter(|t| !t.is_empty()),
    }))
}
