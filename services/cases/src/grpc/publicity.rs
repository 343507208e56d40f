//! Publicity: publish a penalty decision, withdraw it, and what the public
//! reads.

use fazhi_platform::{
    Code, Error,
    auth::{self, Permission},
    paging, time,
};
use fazhi_proto::cases::v1 as pb;
use serde_json::json;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, Publication};
use crate::store::Step;

pub(super) fn publication_proto(p: &Publication) -> pb::Publication {
    let w = p.withdrawn.as_ref();
    pb::Publication {
        case_id: p.case_id.clone(),
        division_code: p.division.to_string(),
        agency: p.agency.clone(),
        party: p.party.clone(),
        violation: p.violation.clone(),
        basis: p.basis.clone(),
        penalty: super::convert::penalty_proto(&p.penalty),
        decided_on: time::date_to_proto(p.decided_on),
        published_on: time::date_to_proto(p.published_on),
        on_time: p.on_time,
        ends_on: time::date_to_proto(p.ends_on),
        withdrawn_on: w.and_then(|w| time::date_to_proto(w.on)),
        withdraw_reason: w.map_or(0, |w| withdraw_reason_proto(w.reason)),
        withdraw_note: w.map(|w| w.note.clone()).unwrap_or_default(),
        withdrawn_on_time: w.is_some_and(|w| w.on_time),
    }
}

pub(super) async fn publish_decision(
    api: &CasesApi,
    request: Request<pb::PublishDecisionRequest>,
) -> Result<Response<pb::Publication>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let case = api.case_in_scope(&caller, &r.case_id).await?;
    let code = case.power_item_code.clone().unwrap_or_default();
    let item = api
        .store
        .power_item_by_code(&code)
        .await?
        .ok_or_else(domain_not_decided)?;
    let publication = domain::publish(
        &case,
        &item,
        &r.agency,
        &r.violation,
        on,
        api.clock.today(),
        &api.calendar,
    )?;
    let detail = json!({
        "published_on": on.to_string(),
        "on_time": publication.on_time,
        "ends_on": publication.ends_on.to_string(),
    });
    api.store
        .insert_publication(
            &case,
            &publication,
            Step {
                actor: &caller.subject,
                kind: "published",
                detail: detail.to_string(),
            },
        )
        .await?;
    tracing::debug!(case = %case.id, on_time = publication.on_time, "decision published");
    Ok(Response::new(publication_proto(&publication)))
}

fn domain_not_decided() -> Error {
    Error::new(
        fazhi_platform::ErrorKind::RuleViolation,
        Code::NotDecided,
        "only a decided penalty is published",
    )
    .with_field("case_id")
}

pub(super) async fn withdraw_publication(
    api: &CasesApi,
    request: Request<pb::WithdrawPublicationRequest>,
) -> Result<Response<pb::Publication>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseDecide)?;
    let r = request.into_inner();
    let reason = withdraw_reason("reason", r.reason)?
        .ok_or_else(|| Error::invalid_field("reason", Code::Required, "reason is required"))?;
    let event_on = time::date_from_proto("event_on", r.event_on.as_ref())?;
    let on = day_or_today("on", r.on.as_ref(), api.clock.today())?;
    let case = api.case_in_scope(&caller, &r.case_id).await?;
    let published = api.store.publication(&case.id).await?.ok_or_else(|| {
        Error::new(
            fazhi_platform::ErrorKind::RuleViolation,
            Code::NotPublished,
            "nothing was published for this case",
        )
        .with_field("case_id")
    })?;
    let withdrawn = domain::withdraw(
        &published,
        reason,
        &r.note,
        event_on,
        on,
        api.clock.today(),
        &api.calendar,
    )?;
    let detail = json!({
        "reason": reason.code(),
        "note": r.note,
        "event_on": event_on.to_string(),
        "on": on.to_string(),
    });
    api.store
        .withdraw_publication(
            &case,
            &withdrawn,
            Step {
                actor: &caller.subject,
                kind: "withdrawn",
                detail: detail.to_string(),
            },
        )
        .await?;
    tracing::info!(case = %case.id, reason = reason.code(), "publication withdrawn");
    Ok(Response::new(publication_proto(&withdrawn)))
}

pub(super) async fn list_publications(
    api: &CasesApi,
    request: Request<pb::ListPublicationsRequest>,
) -> Result<Response<pb::ListPublicationsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::PublicationRead)?;
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let (limit, after) = paging::page(r.page_size, &r.page_token)?;
    let mut shown = api
        .store
        .shown_publications(&scope, api.clock.today(), &after, limit + 1)
        .await?;
    let next_page_token = paging::cut(&mut shown, limit, |p| vec![p.case_id.clone()]);
    Ok(Response::new(pb::ListPublicationsResponse {
        publications: shown.iter().map(publication_proto).collect(),
        next_page_token,
    }))
}
