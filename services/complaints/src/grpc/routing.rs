//! The routing list over gRPC: read a division's latest, replace it with a
//! new version.

use fazhi_platform::{
    Code, DivisionCode, Error,
    auth::{self, Permission},
};
use fazhi_proto::complaints::v1 as pb;
use tonic::{Request, Response, Status};

use super::ComplaintsApi;
use crate::domain::{self, Route, RoutingList};

fn list_proto(division: &DivisionCode, list: Option<RoutingList>) -> pb::RoutingList {
    let Some(list) = list else {
        return pb::RoutingList {
            division_code: division.as_str().to_owned(),
            version: 0,
            routes: Vec::new(),
        };
    };
    pb::RoutingList {
        division_code: list.division.as_str().to_owned(),
        version: list.version,
        routes: list
            .routes
            .into_iter()
            .map(|r| pb::RouteLine {
                category: r.category,
                village: r.village.map(|v| v.as_str().to_owned()).unwrap_or_default(),
                unit: r.unit.as_str().to_owned(),
            })
            .collect(),
    }
}

pub(super) async fn get(
    api: &ComplaintsApi,
    request: Request<pb::GetRoutingListRequest>,
) -> Result<Response<pb::RoutingList>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintRead)?;
    let asked =
        DivisionCode::parse_optional_field("division_code", &request.into_inner().division_code)?;
    let division = caller.narrow("division_code", asked)?;
    let list = api.store.routing_list(&division).await?;
    Ok(Response::new(list_proto(&division, list)))
}

pub(super) async fn put(
    api: &ComplaintsApi,
    request: Request<pb::PutRoutingListRequest>,
) -> Result<Response<pb::RoutingList>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::ComplaintSupervise)?;
    let r = request.into_inner();
    let division = DivisionCode::parse_field("division_code", &r.division_code)?;
    caller.check_writes("division_code", &division)?;
    if r.routes.len() > domain::routing::MAX_ROUTES {
        return Err(Error::invalid_field(
            "routes",
            Code::TooManyValues,
            format!(
                "a routing list holds at most {} lines",
                domain::routing::MAX_ROUTES
            ),
        )
        .into());
    }
    let routes = r
        .routes
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            Ok(Route {
                category: line.category.trim().to_owned(),
                village: DivisionCode::parse_optional_field(
                    &format!("routes[{i}].village"),
                    &line.village,
                )?,
                unit: DivisionCode::parse_field(&format!("routes[{i}].unit"), &line.unit)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    domain::check_routes(&division, &routes)?;
    let list = api
        .store
        .put_routing_list(&division, r.version, &routes, &caller.subject)
        .await?;
    tracing::info!(division = %division, version = list.version, lines = list.routes.len(), "routing list recorded");
    Ok(Response::new(list_proto(&division, Some(list))))
}
