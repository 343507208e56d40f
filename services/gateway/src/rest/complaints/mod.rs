//! `/api/v1/complaints`: intake, one complaint, and paged lists.
//! JSON names and enum codes come from the proto contract (`CHANNEL_HOTLINE_12345`
//! is `hotline_12345` here), so REST and gRPC cannot drift apart.

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::IntoResponse,
};
use fazhi_platform::auth::Permission;
use fazhi_proto::complaints::v1::{self as pb, Channel, RequestType};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

mod view;
pub use view::*;

use crate::edge::mapping::{code_from_name, enum_from_code, instant_from_rest};
use crate::{
    AppState,
    edge::idempotency::RequestKey,
    edge::json::JsonBody,
    edge::problem::Problem,
    edge::query,
    identity::audit_log::{audit_acts, audit_reads},
    identity::authn::Identity,
};

/// A request from any channel, recorded by township staff or pushed by a county system.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateComplaintRequest)]
pub struct CreateComplaint {
    /// `hotline_12345`, `mailbox`, `petition_hall`, `service_station`, `web`, `mobile_app` or `referral`.
    #[schema(value_type = crate::rest::codes::Channel, example = "hotline_12345")]
    channel: String,
    /// `inquiry`, `help`, `suggestion`, `complaint` or `report`; decides the reply deadline.
    #[serde(rename = "type")]
    #[schema(value_type = crate::rest::codes::RequestType, example = "complaint")]
    request_type: String,
    /// Category code, e.g. `illegal_construction`.
    #[schema(example = "illegal_construction")]
    category: String,
    content: String,
    address: String,
    /// 行政区划代码 of the township or village concerned.
    #[schema(example = "411624100", pattern = r"^[1-8][0-9]{5}([0-9]{3}){0,2}$")]
    division_code: String,
    #[serde(default)]
    complainant_name: Option<String>,
    #[serde(default)]
    complainant_phone: Option<String>,
    #[serde(default)]
    urgent: bool,
    /// A report about enforcement conduct (`enforcement_conduct`): the unit
    /// (行政区划代码) whose conduct it reports. It is never sent to, nor
    /// readable by, that unit.
    #[serde(default)]
    #[schema(example = "411624100")]
    concerns_unit: Option<String>,
    /// … and the officer's account name, likewise kept from him.
    #[serde(default)]
    concerns_officer: Option<String>,
    /// When it was received, for a request entered after the fact (RFC
    /// 3339; needs `complaint.record_past`); absent: now.
    #[serde(default)]
    #[schema(example = "2026-03-02T09:30:00+08:00")]
    occurred_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ListComplaintsResponse)]
pub struct ComplaintPage {
    complaints: Vec<ComplaintView>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// Received from this day (2026-03-01, China time) or RFC 3339 time on.
    from: Option<String>,
    /// Received to this day, included, or before this RFC 3339 time.
    to: Option<String>,
    /// A whole China calendar year instead of `from`/`to`, e.g. 2026.
    #[param(value_type = Option<i32>, minimum = 1990, maximum = 9998)]
    year: Option<String>,
    /// The same as `from` (its earlier name).
    received_from: Option<String>,
    /// The same as `to` (its earlier name).
    received_to: Option<String>,
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// Opaque token from the previous page.
    page_token: Option<String>,
    /// `overdue` (not replied, past due) or `near` (not replied, due by the
    /// end of the next working day).
    due: Option<String>,
    /// With `external_id`: the complaint a platform's ticket became.
    source: Option<String>,
    /// The platform's ticket number (with `source`).
    external_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GetParams {
    /// `true` to see the complainant's name and phone unmasked (roles that
    /// handle requests only; every such read is audited).
    #[param(value_type = Option<bool>)]
    reveal: Option<String>,
}

/// Record a request from any channel.
#[utoipa::path(
    post,
    path = "/api/v1/complaints",
    operation_id = "create_complaint",
    extensions(("x-fazhi-access" = json!("complaint.create"))),
    tag = "complaints",
    request_body = CreateComplaint,
    responses((status = 201, description = "Recorded; durably committed", body = ComplaintView))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    request_key: Option<Extension<RequestKey>>,
    JsonBody(body): JsonBody<CreateComplaint>,
) -> Result<impl IntoResponse, Problem> {
    let entered_after = body.occurred_at.is_some();
    let request = pb::CreateComplaintRequest {
        channel: enum_from_code("channel", &body.channel, "CHANNEL_", |n| {
            Channel::from_str_name(n).map(|c| c as i32)
        })?,
        r#type: enum_from_code("type", &body.request_type, "REQUEST_TYPE_", |n| {
            RequestType::from_str_name(n).map(|t| t as i32)
        })?,
        category: body.category,
        content: body.content,
        address: body.address,
        division_code: body.division_code,
        complainant_name: body.complainant_name,
        complainant_phone: body.complainant_phone,
        urgent: body.urgent,
        request_id: request_key.map(|Extension(k)| k.0).unwrap_or_default(),
        concerns_unit: body.concerns_unit,
        concerns_officer: body.concerns_officer,
        occurred_at: match body.occurred_at {
            Some(text) => instant_from_rest("occurred_at", &text)?,
            None => None,
        },
    };
    let complaint = state
        .complaints
        .clone()
        .create_complaint(state.signed(&identity, request))
        .await?
        .into_inner();
    if entered_after {
        audit_acts(
            &state,
            &identity,
            "complaint.record_past",
            "complaint",
            &[(complaint.id.as_str(), audit_division(&complaint).as_str())],
        )
        .await?;
    }
    let location = format!("/api/v1/complaints/{}", complaint.id);
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, location)],
        Json(view(complaint)),
    ))
}

/// One complaint. Outside the caller's divisions it is 404, as if absent.
#[utoipa::path(
    get,
    path = "/api/v1/complaints/{id}",
    operation_id = "get_complaint",
    extensions(("x-fazhi-access" = json!("complaint.read"))),
    tag = "complaints",
    params(("id" = String, Path, description = "Complaint id"), GetParams),
    responses((status = 200, description = "The complaint", body = ComplaintView))
)]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    params: Result<Query<GetParams>, QueryRejection>,
) -> Result<Json<ComplaintView>, Problem> {
    let Query(params) = params?;
    let reveal = query::flag("reveal", params.reveal.as_deref())?;
    if reveal {
        identity.caller.require(Permission::ComplaintReadPersonal)?;
    }
    let complaint = state
        .complaints
        .clone()
        .get_complaint(state.signed(
            &identity,
            pb::GetComplaintRequest {
                id,
                reveal_personal: reveal,
            },
        ))
        .await?
        .into_inner();
    if reveal {
        // No unmasked data leaves without its audit entry committed first.
        let division = audit_division(&complaint);
        audit_reads(
            &state,
            &identity,
            "complaint",
            &[(complaint.id.as_str(), division.as_str())],
        )
        .await?;
    }
    let lead_id = complaint
        .handling
        .as_ref()
        .map(|h| h.lead_id.clone())
        .unwrap_or_default();
    let mut shown = view(complaint);
    if !lead_id.is_empty() {
        shown.handling.case_status = case_status(&state, &identity, lead_id).await;
    }
    Ok(Json(shown))
}

/// Where the case an escalation became stands, if the caller may read cases
/// and the cases service answers in time; otherwise left out.
async fn case_status(state: &AppState, identity: &Identity, lead_id: String) -> Option<String> {
    if !identity.caller.may(Permission::CaseRead) {
        return None;
    }
    let mut request = state.signed(
        identity,
        fazhi_proto::cases::v1::GetCaseRequest { id: lead_id },
    );
    request.set_timeout(std::time::Duration::from_millis(500));
    let case = state
        .cases
        .clone()
        .get_case(request)
        .await
        .ok()?
        .into_inner();
    fazhi_proto::cases::v1::CaseStatus::try_from(case.status)
        .ok()
        .map(|s| code_from_name(s.as_str_name(), "CASE_STATUS_"))
}

/// Complaints newest first, one page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/complaints",
    operation_id = "list_complaints",
    extensions(("x-fazhi-access" = json!("complaint.read"))),
    tag = "complaints",
    params(ListParams),
    responses((status = 200, description = "One page", body = ComplaintPage))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<ComplaintPage>, Problem> {
    let Query(params) = params?;
    let page_size = query::page_size(params.page_size.as_deref())?;
    let division_code =
        query::division_code(&identity.caller, "division", params.division.as_deref())?;
    let (from, to) = match (params.from.as_deref(), params.to.as_deref()) {
        (None, None) => (
            ("received_from", params.received_from.as_deref()),
            ("received_to", params.received_to.as_deref()),
        ),
        (from, to) => (("from", from), ("to", to)),
    };
    let received = query::period(("year", params.year.as_deref()), from, to)?;
    let request = pb::ListComplaintsRequest {
        division_code,
        received,
        page_size,
        page_token: params.page_token.unwrap_or_default(),
        due: params.due.unwrap_or_default(),
        source: params.source.unwrap_or_default(),
        external_id: params.external_id.unwrap_or_default(),
    };
    let page = state
        .complaints
        .clone()
        .list_complaints(state.signed(&identity, request))
        .await?
        .into_inner();
    Ok(Json(ComplaintPage {
        complaints: page.complaints.into_iter().map(view).collect(),
        next_page_token: (!page.next_page_token.is_empty()).then_some(page.next_page_token),
    }))
}

/// The division a complaint's audit entries are kept under: a report naming
/// a unit or an officer is audited at the county, out of their sight.
pub(crate) fn audit_division(complaint: &pb::Complaint) -> String {
    let names_someone = complaint
        .handling
        .as_ref()
        .is_some_and(|h| !h.concerns_unit.is_empty() || !h.concerns_officer.is_empty());
    fazhi_platform::DivisionCode::parse(&complaint.division_code)
        .map(|d| {
            fazhi_platform::privacy::derived_division(&d, names_someone)
                .as_str()
                .to_owned()
        })
        .unwrap_or_else(|_| complaint.division_code.clone())
}
