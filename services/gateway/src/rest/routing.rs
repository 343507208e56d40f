//! The routing list (派单目录) over REST: a division's latest version, and
//! a new version replacing it.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use fazhi_proto::complaints::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    AppState,
    edge::{json::JsonBody, problem::Problem, query},
    identity::authn::Identity,
};

/// One line: a category (in a village, or anywhere) and the unit it goes to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteLine {
    #[schema(example = "illegal_construction")]
    category: String,
    /// Only requests about this village; absent: anywhere in the division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "411624100201")]
    village: Option<String>,
    #[schema(example = "411624100201")]
    unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoutingList {
    division_code: String,
    /// 0 while the division has no list.
    version: i64,
    routes: Vec<RouteLine>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutRoutingList {
    #[schema(example = "411624100")]
    division_code: String,
    /// The version read (0 for none yet); a stale one gets 409.
    version: i64,
    /// Up to 1,000 lines, one per category and village.
    routes: Vec<RouteLine>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoutingParams {
    /// The division whose list (default: the caller's own).
    division: Option<String>,
}

fn view(list: pb::RoutingList) -> RoutingList {
    RoutingList {
        division_code: list.division_code,
        version: list.version,
        routes: list
            .routes
            .into_iter()
            .map(|r| RouteLine {
                category: r.category,
                village: (!r.village.is_empty()).then_some(r.village),
                unit: r.unit,
            })
            .collect(),
    }
}

/// A division's routing list (派单目录), its latest version.
#[utoipa::path(
    get,
    path = "/api/v1/routing-list",
    operation_id = "get_routing_list",
    extensions(("x-fazhi-access" = json!("complaint.read"))),
    tag = "complaints",
    params(RoutingParams),
    responses((status = 200, description = "The list", body = RoutingList))
)]
pub async fn get(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<RoutingParams>, QueryRejection>,
) -> Result<Json<RoutingList>, Problem> {
    let Query(params) = params?;
    let division_code =
        query::division_code(&identity.caller, "division", params.division.as_deref())?;
    let list = state
        .complaints
        .clone()
        .get_routing_list(state.signed(&identity, pb::GetRoutingListRequest { division_code }))
        .await?
        .into_inner();
    Ok(Json(view(list)))
}

/// Replace a division's routing list: the lines become its next version,
/// and later dispatches by the list record that version.
#[utoipa::path(
    put,
    path = "/api/v1/routing-list",
    operation_id = "put_routing_list",
    extensions(("x-fazhi-access" = json!("complaint.supervise"))),
    tag = "complaints",
    request_body = PutRoutingList,
    responses((status = 200, description = "The new version", body = RoutingList))
)]
pub async fn put(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<PutRoutingList>,
) -> Result<Json<RoutingList>, Problem> {
    let request = pb::PutRoutingListRequest {
        division_code: body.division_code,
        version: body.version,
        routes: body
            .routes
            .into_iter()
            .map(|r| pb::RouteLine {
                category: r.category,
                village: r.village.unwrap_or_default(),
                unit: r.unit,
            })
            .collect(),
    };
    let list = state
        .complaints
        .clone()
        .put_routing_list(state.signed(&identity, request))
        .await?
        .into_inner();
    Ok(Json(view(list)))
}
