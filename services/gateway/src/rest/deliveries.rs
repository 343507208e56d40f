//! Answering back (回传) over REST: the county's administrators register the
//! endpoint each platform hears back at, read the deliveries given up after
//! every try, and send one again.

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use fazhi_platform::Code;
use fazhi_proto::complaints::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    AppState,
    edge::{json::JsonBody, mapping::instant, problem::Problem},
    identity::authn::Identity,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutDeliveryEndpoint {
    /// https://… where each step of the platform's tickets is POSTed.
    #[schema(example = "https://12345.example.gov.cn/fazhi/events")]
    url: String,
}

/// Where a platform hears back.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryEndpoint {
    source: String,
    url: String,
    /// Names the secret in each delivery's `Fazhi-Signature` header.
    key_id: String,
    /// The signing secret: shown in the answer that registers it, only.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    created_at: String,
    created_by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryEndpoints {
    endpoints: Vec<DeliveryEndpoint>,
}

/// One step to deliver, or given up.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// The step's place in the feed: the event id the platform receives.
    position: i64,
    source: String,
    complaint_id: String,
    attempts: i64,
    next_attempt_at: String,
    /// When it was given up.
    #[serde(skip_serializing_if = "Option::is_none")]
    dead_at: Option<String>,
    last_error: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadDeliveries {
    deliveries: Vec<Delivery>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadParams {
    /// Only this platform's.
    source: Option<String>,
    /// After this position (the last one read).
    #[param(value_type = Option<i64>, minimum = 0)]
    after: Option<String>,
    /// 1 to 1,000; default 100.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

fn endpoint_view(e: pb::DeliveryEndpoint) -> DeliveryEndpoint {
    DeliveryEndpoint {
        source: e.source,
        url: e.url,
        key_id: e.key_id,
        secret: (!e.secret.is_empty()).then_some(e.secret),
        created_at: instant(e.created_at).unwrap_or_default(),
        created_by: e.created_by,
    }
}

fn delivery_view(d: pb::Delivery) -> Delivery {
    Delivery {
        position: d.position,
        source: d.source,
        complaint_id: d.complaint_id,
        attempts: d.attempts,
        next_attempt_at: instant(d.next_attempt_at).unwrap_or_default(),
        dead_at: instant(d.dead_at),
        last_error: d.last_error,
    }
}

fn number<T: std::str::FromStr>(field: &str, text: Option<&str>) -> Result<Option<T>, Problem> {
    text.map(|t| {
        t.parse::<T>().map_err(|_| {
            Problem::bad_field(
                field,
                Code::InvalidArgument,
                format!("{field} must be a number"),
            )
        })
    })
    .transpose()
}

/// Register (or replace) the endpoint a platform hears back at: every step
/// of its tickets is POSTed there, signed with the secret this answer shows
/// once (`Fazhi-Signature: t=…,k=…,v1=<hex HMAC-SHA256 of "t.body">`), in
/// order per ticket, tried again until it answers 2xx.
#[utoipa::path(
    put,
    path = "/api/v1/delivery-endpoints/{source}",
    operation_id = "put_delivery_endpoint",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "complaints",
    params(("source" = String, Path, description = "The platform, as its tickets name it")),
    request_body = PutDeliveryEndpoint,
    responses((status = 200, description = "The endpoint, with its secret this once", body = DeliveryEndpoint))
)]
pub async fn put_endpoint(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(source): Path<String>,
    JsonBody(body): JsonBody<PutDeliveryEndpoint>,
) -> Result<Json<DeliveryEndpoint>, Problem> {
    let endpoint = state
        .complaints
        .clone()
        .put_delivery_endpoint(state.signed(
            &identity,
            pb::PutDeliveryEndpointRequest {
                source,
                url: body.url,
            },
        ))
        .await?
        .into_inner();
    Ok(Json(endpoint_view(endpoint)))
}

/// Every platform's endpoint (without the secrets).
#[utoipa::path(
    get,
    path = "/api/v1/delivery-endpoints",
    operation_id = "list_delivery_endpoints",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "complaints",
    responses((status = 200, description = "The endpoints", body = DeliveryEndpoints))
)]
pub async fn list_endpoints(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
) -> Result<Json<DeliveryEndpoints>, Problem> {
    let answer = state
        .complaints
        .clone()
        .list_delivery_endpoints(state.signed(&identity, pb::ListDeliveryEndpointsRequest {}))
        .await?
        .into_inner();
    Ok(Json(DeliveryEndpoints {
        endpoints: answer.endpoints.into_iter().map(endpoint_view).collect(),
    }))
}

/// Deliveries given up after every try (dead letters), oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/deliveries/dead",
    operation_id = "list_dead_deliveries",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "complaints",
    params(DeadParams),
    responses((status = 200, description = "The dead letters", body = DeadDeliveries))
)]
pub async fn list_dead(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<DeadParams>, QueryRejection>,
) -> Result<Json<DeadDeliveries>, Problem> {
    let Query(params) = params?;
    let request = pb::ListDeadDeliveriesRequest {
        source: params.source.unwrap_or_default(),
        after: number::<i64>("after", params.after.as_deref())?.unwrap_or(0),
        limit: number::<i32>("limit", params.limit.as_deref())?.unwrap_or(0),
    };
    let answer = state
        .complaints
        .clone()
        .list_dead_deliveries(state.signed(&identity, request))
        .await?
        .into_inner();
    Ok(Json(DeadDeliveries {
        deliveries: answer.deliveries.into_iter().map(delivery_view).collect(),
    }))
}

/// Send a dead-lettered delivery again, now.
#[utoipa::path(
    post,
    path = "/api/v1/deliveries/{position}/redeliver",
    operation_id = "redeliver",
    extensions(("x-fazhi-access" = json!("api_key.manage"))),
    tag = "complaints",
    params(("position" = i64, Path, description = "The delivery's position (its event id)")),
    responses((status = 200, description = "Queued again", body = Delivery))
)]
pub async fn redeliver(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(position): Path<String>,
) -> Result<Json<Delivery>, Problem> {
    let position = number::<i64>("position", Some(&position))?.unwrap_or(0);
    let again = state
        .complaints
        .clone()
        .redeliver(state.signed(&identity, pb::RedeliverRequest { position }))
        .await?
        .into_inner();
    Ok(Json(delivery_view(again)))
}
