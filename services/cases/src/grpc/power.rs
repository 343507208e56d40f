//! The power list: record an item, read one, list those of a division.

use fazhi_platform::{
    DivisionCode, Error,
    auth::{self, Permission},
    paging, time,
};
use fazhi_proto::cases::v1 as pb;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, NewPowerItem, PowerItem};

/// Holders named in one request, bounded before they are read.
const MAX_HOLDERS_READ: usize = domain::MAX_HOLDERS;

pub(super) async fn create_power_item(
    api: &CasesApi,
    request: Request<pb::CreatePowerItemRequest>,
) -> Result<Response<pb::PowerItem>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::PowerManage)?;
    let r = request.into_inner().item.unwrap_or_default();
    if r.holder_division_codes.len() > MAX_HOLDERS_READ {
        return Err(Error::invalid_field(
            "holder_division_codes",
            fazhi_platform::Code::TooManyValues,
            format!("an item names at most {MAX_HOLDERS_READ} holding divisions"),
        )
        .into());
    }
    let holders = r
        .holder_division_codes
        .iter()
        .map(|code| {
            let division = DivisionCode::parse_field("holder_division_codes", code)?;
            caller.check_writes("holder_division_codes", &division)?;
            Ok(division)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let item = domain::new_power_item(
        NewPowerItem {
            code: r.code,
            name: r.name,
            legal_basis: r.legal_basis,
            kind: power_kind("kind", r.kind)?,
            source: power_source("source", r.source)?,
            category: category("category", r.category)?,
            effective_from: r
                .effective_from
                .as_ref()
                .map(|d| time::date_from_proto("effective_from", Some(d)))
                .transpose()?,
            effective_to: r
                .effective_to
                .as_ref()
                .map(|d| time::date_from_proto("effective_to", Some(d)))
                .transpose()?,
            holders,
        },
        new_id(),
    )?;
    api.store.insert_power_item(&item).await?;
    tracing::info!(item = %item.id, code = %item.code, "power item recorded");
    Ok(Response::new(power_item_proto(&item)))
}

/// An item the caller may see: held in their divisions or above them.
fn visible(caller: &auth::Caller, item: &PowerItem) -> bool {
    item.holders
        .iter()
        .any(|h| caller.sees(h) || h.contains(&caller.scope))
}

pub(super) async fn get_power_item(
    api: &CasesApi,
    request: Request<pb::GetPowerItemRequest>,
) -> Result<Response<pb::PowerItem>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let id = request.into_inner().id;
    Error::lookup_id("power item", &id)?;
    let item = api
        .store
        .power_item(&id)
        .await?
        .filter(|item| visible(&caller, item))
        .ok_or_else(|| Error::not_found("power item"))?;
    Ok(Response::new(power_item_proto(&item)))
}

pub(super) async fn list_power_items(
    api: &CasesApi,
    request: Request<pb::ListPowerItemsRequest>,
) -> Result<Response<pb::ListPowerItemsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let (limit, after) = paging::page(r.page_size, &r.page_token)?;
    let mut items = api
        .store
        .list_power_items(&scope, &after, limit + 1)
        .await?;
    let next_page_token = paging::cut(&mut items, limit, |i| vec![i.code.clone()]);
    Ok(Response::new(pb::ListPowerItemsResponse {
        items: items.iter().map(power_item_proto).collect(),
        next_page_token,
    }))
}
