//! Enforcement cases over REST: the power list, leads, filing, the steps
//! that end a lead or a case, and the hash-chained history. Bodies are the
//! gateway's own (`body`); rules are the cases service's.

/// One step's route: the body read, the RPC called, the case answered.
macro_rules! case_step {
    ($name:ident, $path:literal, $access:literal, $body:ty, $rpc:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
                            post,
                            path = $path,
                            extensions(("x-fazhi-access" = json!($access))),
                            tag = "cases",
                            params(("id" = String, Path, description = "Case id")),
                            request_body = $body,
                            responses((status = 200, description = "The case now", body = Case))
                        )]
        pub async fn $name(
            State(state): State<AppState>,
            Extension(identity): Extension<Identity>,
            Path(id): Path<String>,
            JsonBody(body): JsonBody<$body>,
        ) -> Result<Json<Case>, Problem> {
            let request = body.into_proto(id)?;
            Ok(Json(
                state
                    .cases
                    .clone()
                    .$rpc(state.signed(&identity, request))
                    .await?
                    .into_inner()
                    .into(),
            ))
        }
    };
}

pub(crate) mod body;
mod coercion;
mod content;
mod deciding;
mod documents;
mod enforcement;
mod history;
mod party;
mod penalty;
mod proceedings;
mod publicity;
mod records;
mod steps;

pub use coercion::*;
pub use content::*;
pub use deciding::*;
pub use documents::*;
pub use enforcement::*;
pub use history::*;
pub use party::*;
pub use publicity::*;
pub use records::*;
pub use steps::*;

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::IntoResponse,
};
use fazhi_proto::cases::v1 as pb;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    AppState,
    edge::{
        idempotency::RequestKey, json::JsonBody, mapping::date_from_rest, problem::Problem, query,
    },
    identity::authn::Identity,
};
use body::{
    Case, CreateLeadRequest, CreatePowerItemRequest, EndCaseRequest, FileCaseRequest,
    ListCasesResponse, ListPowerItemsResponse, PowerItem,
};

fn created<T: serde::Serialize>(location: String, body: T) -> axum::response::Response {
    (
        StatusCode::CREATED,
        [(http::header::LOCATION, location)],
        Json(body),
    )
        .into_response()
}

/// Record an item of the power list (权限清单) and the divisions that hold it.
#[utoipa::path(
    post,
    path = "/api/v1/power-items",
    extensions(("x-fazhi-access" = json!("power.manage"))),
    tag = "cases",
    request_body = CreatePowerItemRequest,
    responses((status = 201, description = "Recorded", body = PowerItem))
)]
pub async fn create_power_item(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<CreatePowerItemRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = body.into_proto()?;
    let item = PowerItem::from(
        state
            .cases
            .clone()
            .create_power_item(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok(created(format!("/api/v1/power-items/{}", item.id), item))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PowerItemParams {
    /// Items held in this division, under it or above it (default: the caller's).
    division: Option<String>,
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// Opaque token from the previous page.
    page_token: Option<String>,
}

/// The power list of a division, by code, page by page.
#[utoipa::path(
    get,
    path = "/api/v1/power-items",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(PowerItemParams),
    responses((status = 200, description = "One page", body = ListPowerItemsResponse))
)]
pub async fn list_power_items(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<PowerItemParams>, QueryRejection>,
) -> Result<Json<ListPowerItemsResponse>, Problem> {
    let Query(params) = params?;
    let request = pb::ListPowerItemsRequest {
        division_code: query::division_code(
            &identity.caller,
            "division",
            params.division.as_deref(),
        )?,
        page_size: query::page_size(params.page_size.as_deref())?,
        page_token: params.page_token.unwrap_or_default(),
    };
    Ok(Json(
        state
            .cases
            .clone()
            .list_power_items(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// One item of the power list.
#[utoipa::path(
    get,
    path = "/api/v1/power-items/{id}",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(("id" = String, Path, description = "Power item id")),
    responses((status = 200, description = "The item", body = PowerItem))
)]
pub async fn get_power_item(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<PowerItem>, Problem> {
    Ok(Json(
        state
            .cases
            .clone()
            .get_power_item(state.signed(&identity, pb::GetPowerItemRequest { id }))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Record a lead (线索). A lead escalated from a complaint is keyed by the
/// complaint, and one sent with an `Idempotency-Key` by the key: a repeat
/// answers 200 with the first lead, not a second one.
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    extensions(("x-fazhi-access" = json!("case.manage"))),
    tag = "cases",
    request_body = CreateLeadRequest,
    responses(
        (status = 201, description = "Recorded (a natural person's name and ID number masked)", body = Case),
        (status = 200, description = "The complaint's lead, recorded before", body = Case),
    )
)]
pub async fn create_lead(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    request_key: Option<Extension<RequestKey>>,
    JsonBody(body): JsonBody<CreateLeadRequest>,
) -> Result<axum::response::Response, Problem> {
    let mut request = body.into_proto()?;
    // A retry under the same Idempotency-Key finds the lead the first wrote,
    // even when the first answer was lost on the way back.
    request.request_id = request_key.map(|Extension(k)| k.0).unwrap_or_default();
    let answer = state
        .cases
        .clone()
        .create_lead(state.signed(&identity, request))
        .await?
        .into_inner();
    let case = Case::from(answer.case.unwrap_or_default());
    Ok(if answer.created {
        created(format!("/api/v1/cases/{}", case.id), case)
    } else {
        Json(case).into_response()
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// Only cases with this status.
    #[param(value_type = Option<crate::rest::codes::CaseStatus>)]
    status: Option<String>,
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// Opaque token from the previous page.
    page_token: Option<String>,
}

/// Cases and leads of the caller's divisions, page by page.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(CaseParams),
    responses((status = 200, description = "One page", body = ListCasesResponse))
)]
pub async fn list_cases(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<CaseParams>, QueryRejection>,
) -> Result<Json<ListCasesResponse>, Problem> {
    let Query(params) = params?;
    let request = pb::ListCasesRequest {
        division_code: query::division_code(
            &identity.caller,
            "division",
            params.division.as_deref(),
        )?,
        status: body::case_status("status", params.status.as_deref().unwrap_or_default())?,
        page_size: query::page_size(params.page_size.as_deref())?,
        page_token: params.page_token.unwrap_or_default(),
    };
    Ok(Json(
        state
            .cases
            .clone()
            .list_cases(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// One case.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "The case", body = Case))
)]
pub async fn get_case(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<Case>, Problem> {
    Ok(Json(
        state
            .cases
            .clone()
            .get_case(state.signed(&identity, pb::GetCaseRequest { id }))
            .await?
            .into_inner()
            .into(),
    ))
}

/// File a lead (立案): it cites a power item its division holds that day and
/// assigns at least two officers certified that day for the division and the
/// item's category (行政处罚法 Art. 42). Refused with 422 naming the rule, or
/// 503 (nothing written) when certification cannot be checked.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/file",
    extensions(("x-fazhi-access" = json!("case.decide"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = FileCaseRequest,
    responses((status = 200, description = "The case, filed", body = Case))
)]
pub async fn file_case(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<FileCaseRequest>,
) -> Result<Json<Case>, Problem> {
    let request = body.into_proto(id)?;
    Ok(Json(
        state
            .cases
            .clone()
            .file_case(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Decline to file a lead (不予立案), with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/decline",
    extensions(("x-fazhi-access" = json!("case.decide"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = EndCaseRequest,
    responses((status = 200, description = "The lead, not filed", body = Case))
)]
pub async fn decline_lead(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<EndCaseRequest>,
) -> Result<Json<Case>, Problem> {
    let request = pb::DeclineLeadRequest {
        on: date_from_rest("on", body.on.as_deref().unwrap_or_default())?,
        case_id: id,
        version: body.version,
        reason: body.reason,
    };
    Ok(Json(
        state
            .cases
            .clone()
            .decline_lead(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Terminate a filed case before a decision (终止), with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/terminate",
    extensions(("x-fazhi-access" = json!("case.decide"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = EndCaseRequest,
    responses((status = 200, description = "The case, terminated", body = Case))
)]
pub async fn terminate_case(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<EndCaseRequest>,
) -> Result<Json<Case>, Problem> {
    let request = pb::TerminateCaseRequest {
        on: date_from_rest("on", body.on.as_deref().unwrap_or_default())?,
        case_id: id,
        version: body.version,
        reason: body.reason,
    };
    Ok(Json(
        state
            .cases
            .clone()
            .terminate_case(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}
