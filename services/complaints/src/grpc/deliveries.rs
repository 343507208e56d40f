//! Answering back (回传) over gRPC: the county registers each platform's
//! endpoint, reads what was given up and sends it again.

use fazhi_platform::{
    Code, Error, ErrorKind,
    auth::{self, Caller, Permission, random_hex},
    division::DivisionLevel,
    time,
};
use fazhi_proto::complaints::v1 as pb;
use tonic::{Request, Response, Status};

use super::ComplaintsApi;
use crate::{
    domain,
    store::deliveries::{Delivery, DeliveryEndpoint},
};

/// Dead letters read at once, at most.
const MAX_DEAD_PAGE: i32 = 1_000;

/// The county's administrators keep the endpoints: they answer for what
/// leaves the county's systems.
fn county_admin(caller: &Caller) -> Result<(), Error> {
    caller.require(Permission::ApiKeyManage)?;
    if caller.scope.level() != DivisionLevel::County {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            Code::Forbidden,
            "only the county's administrators register where the platforms hear back",
        ));
    }
    Ok(())
}

fn endpoint_proto(e: DeliveryEndpoint, with_secret: bool) -> pb::DeliveryEndpoint {
    pb::DeliveryEndpoint {
        source: e.source,
        url: e.url,
        key_id: e.key_id,
        secret: if with_secret { e.secret } else { String::new() },
        created_at: Some(time::to_timestamp(e.created_at)),
        created_by: e.created_by,
    }
}

fn delivery_proto(d: Delivery) -> pb::Delivery {
    pb::Delivery {
        position: d.position,
        source: d.source,
        complaint_id: d.complaint_id,
        attempts: d.attempts,
        next_attempt_at: Some(time::to_timestamp(d.next_attempt_at)),
        dead_at: d.dead_at.map(time::to_timestamp),
        last_error: d.last_error,
    }
}

pub(super) async fn put_endpoint(
    api: &ComplaintsApi,
    request: Request<pb::PutDeliveryEndpointRequest>,
) -> Result<Response<pb::DeliveryEndpoint>, Status> {
    let caller = auth::caller(&request)?;
    county_admin(&caller)?;
    let r = request.into_inner();
    let source = super::push::key_part("source", &r.source)?;
    let target = domain::delivery::endpoint(r.url.trim(), &api.rules.delivery_allowed_hosts)?;
    let endpoint = DeliveryEndpoint {
        source,
        url: target.url,
        key_id: format!("k{}", random_hex(4)),
        secret: random_hex(32),
        created_at: api.clock.now(),
        created_by: caller.subject.clone(),
    };
    api.store.put_endpoint(&endpoint).await?;
    tracing::info!(source = %endpoint.source, key_id = %endpoint.key_id, "a delivery endpoint was registered");
    Ok(Response::new(endpoint_proto(endpoint, true)))
}

pub(super) async fn list_endpoints(
    api: &ComplaintsApi,
    request: Request<pb::ListDeliveryEndpointsRequest>,
) -> Result<Response<pb::ListDeliveryEndpointsResponse>, Status> {
    let caller = auth::caller(&request)?;
    county_admin(&caller)?;
    let endpoints = api.store.endpoints().await?;
    Ok(Response::new(pb::ListDeliveryEndpointsResponse {
        endpoints: endpoints
            .into_iter()
            .map(|e| endpoint_proto(e, false))
            .collect(),
    }))
}

pub(super) async fn list_dead(
    api: &ComplaintsApi,
    request: Request<pb::ListDeadDeliveriesRequest>,
) -> Result<Response<pb::ListDeadDeliveriesResponse>, Status> {
    let caller = auth::caller(&request)?;
    county_admin(&caller)?;
    let r = request.into_inner();
    let limit = match r.limit {
        0 => 100,
        n if (1..=MAX_DEAD_PAGE).contains(&n) => n,
        _ => {
            return Err(Error::invalid_field(
                "limit",
                Code::InvalidArgument,
                format!("limit must be from 1 to {MAX_DEAD_PAGE}"),
            )
            .into());
        }
    };
    let source = match r.source.as_str() {
        "" => String::new(),
        text => super::push::key_part("source", text)?,
    };
    let dead = api
        .store
        .dead_deliveries(&source, r.after.max(0), i64::from(limit))
        .await?;
    Ok(Response::new(pb::ListDeadDeliveriesResponse {
        deliveries: dead.into_iter().map(delivery_proto).collect(),
    }))
}

pub(super) async fn redeliver(
    api: &ComplaintsApi,
    request: Request<pb::RedeliverRequest>,
) -> Result<Response<pb::Delivery>, Status> {
    let caller = auth::caller(&request)?;
    county_admin(&caller)?;
    let position = request.into_inner().position;
    let again = api.store.redeliver(position, api.clock.now()).await?;
    api.relay.notify_one();
    tracing::info!(position, source = %again.source, "a dead-lettered delivery was put back");
    Ok(Response::new(delivery_proto(again)))
}
