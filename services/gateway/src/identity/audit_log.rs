//! The audit log over REST: reading it (scoped to the caller's divisions)
//! and recording the unmasked reads the REST handlers answer.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use fazhi_platform::{paging, time};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    AppState, edge::problem::Problem, identity::admin::PageParams, identity::authn::Identity,
};
use fazhi_identity::manage;
use fazhi_identity::store::AuditEvent;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = AuditEvent)]
pub struct AuditEventView {
    id: String,
    at: String,
    actor: String,
    actor_roles: Vec<String>,
    /// `complaint.read_personal`, `account.create`, `api_key.revoke`, …
    action: String,
    resource: String,
    resource_id: String,
    division_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ListAuditEventsResponse)]
pub struct AuditPage {
    events: Vec<AuditEventView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

/// The audit log, newest first: every unmasked read of personal data and
/// every change to accounts and keys, about records of the caller's
/// divisions. Append-only.
#[utoipa::path(
    get,
    path = "/api/v1/audit-events",
    operation_id = "list_audit_events",
    extensions(("x-fazhi-access" = json!("audit.read"))),
    tag = "audit",
    params(PageParams),
    responses((status = 200, description = "One page", body = AuditPage))
)]
pub async fn list_audit(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<AuditPage>, Problem> {
    let Query(params) = params?;
    let (size, after) = params.read(2)?;
    let after = match after {
        Some(parts) => Some((
            parts[0]
                .parse::<i64>()
                .map_err(|_| paging::invalid_token())?,
            parts[1].clone(),
        )),
        None => None,
    };
    let mut found = state
        .gate
        .store
        .list_audit(&identity.caller.scope, after, size + 1)
        .await?;
    let next_page_token = paging::cut(&mut found, size, |e| {
        vec![time::to_micros(e.at).to_string(), e.id.clone()]
    });
    let next_page_token = Some(next_page_token).filter(|t| !t.is_empty());
    Ok(Json(AuditPage {
        events: found
            .into_iter()
            .map(|e| AuditEventView {
                id: e.id,
                at: time::to_rfc3339(e.at),
                actor: e.actor,
                actor_roles: e
                    .actor_roles
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
                    .collect(),
                action: e.action,
                resource: e.resource,
                resource_id: e.resource_id,
                division_code: e.division,
            })
            .collect(),
        next_page_token,
    }))
}

/// Records unmasked reads of `resource` records given as (id, division).
pub async fn audit_reads(
    state: &AppState,
    identity: &Identity,
    resource: &str,
    records: &[(&str, &str)],
) -> Result<(), Problem> {
    audit_acts(
        state,
        identity,
        &format!("{resource}.read_personal"),
        resource,
        records,
    )
    .await
}

/// Records `action` on `resource` records given as (id, division): an
/// unmasked read, a record entered after the fact.
pub async fn audit_acts(
    state: &AppState,
    identity: &Identity,
    action: &str,
    resource: &str,
    records: &[(&str, &str)],
) -> Result<(), Problem> {
    let events: Vec<AuditEvent> = records
        .iter()
        .map(|(id, division)| {
            manage::audit_event(
                &state.gate.store,
                &identity.caller,
                action,
                resource,
                id,
                division,
            )
        })
        .collect();
    Ok(state.gate.store.append_audit(&events).await?)
}
