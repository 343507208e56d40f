//! What citizens reach without an account: submitting a request and
//! following it by tracking code plus the phone number's last four digits.
//! Both are rate-limited per client address (429 with `Retry-After`).

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::IntoResponse,
};
use fazhi_platform::Code;
use fazhi_platform::{Error, ErrorKind};
use fazhi_proto::complaints::v1::{self as pb, RequestType};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    AppState,
    edge::idempotency::RequestKey,
    edge::json::JsonBody,
    edge::mapping::{enum_from_code, instant},
    edge::problem::Problem,
    identity::authn::Identity,
    rest::complaints::status_code,
};

/// A request from a citizen over the web.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = SubmitComplaintRequest)]
pub struct SubmitComplaint {
    /// `inquiry`, `help`, `suggestion`, `complaint` or `report`.
    #[serde(rename = "type")]
    #[schema(value_type = crate::rest::codes::RequestType, example = "complaint")]
    request_type: String,
    #[schema(example = "illegal_construction")]
    category: String,
    content: String,
    address: String,
    /// 行政区划代码 of the township or village concerned.
    #[schema(example = "411624100", pattern = r"^[1-8][0-9]{5}([0-9]{3}){0,2}$")]
    division_code: String,
    #[serde(default)]
    complainant_name: Option<String>,
    /// Needed to follow the request online: its last four digits go with the
    /// tracking code. Anonymous requests (no name, no phone) are accepted but
    /// cannot be followed.
    #[serde(default)]
    #[schema(example = "13812345678", pattern = r"^[0-9+() -]{5,20}$")]
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
}

/// What the citizen keeps.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    /// With the phone's last four digits, follows the request.
    tracking_code: String,
    received_at: String,
    reply_due: String,
}

/// Progress of one request: where it stands, when the reply is due and the
/// reply — nothing a guessed code could tell of what was asked or where.
#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    tracking_code: String,
    #[schema(value_type = crate::rest::codes::ComplaintStatus)]
    status: String,
    reply_due: String,
    /// The answer, once given.
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replied_at: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrackParams {
    /// Last four digits of the phone number given with the request.
    #[param(value_type = String, required = true, pattern = "^[0-9]{4}$")]
    phone_last4: Option<String>,
}

/// Submit a request (no account needed).
#[utoipa::path(
    post,
    path = "/api/v1/public/complaints",
    operation_id = "submit_public_complaint",
    extensions(("x-fazhi-access" = json!("public_limited"))),
    tag = "public",
    request_body = SubmitComplaint,
    responses((status = 201, description = "Received; keep the tracking code", body = Receipt))
)]
pub async fn submit(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    request_key: Option<Extension<RequestKey>>,
    JsonBody(body): JsonBody<SubmitComplaint>,
) -> Result<impl IntoResponse, Problem> {
    let request = pb::CreateComplaintRequest {
        channel: pb::Channel::Web as i32,
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
        occurred_at: None,
    };
    // Citizens act as citizens, whatever credentials they also hold.
    let citizen = Identity {
        caller: fazhi_platform::auth::Caller::citizen(state.gate.authn.county().clone()),
        authenticated: identity.authenticated,
    };
    let complaint = match state
        .complaints
        .clone()
        .create_complaint(state.signed(&citizen, request))
        .await
    {
        Ok(answer) => answer.into_inner(),
        // A public route answers no 403: a division outside the county
        // served is a rule of the request, not a lack of rights.
        Err(status) if status.code() == tonic::Code::PermissionDenied => {
            return Err(Problem::from(
                Error::new(
                    ErrorKind::RuleViolation,
                    Code::DivisionOutOfScope,
                    "division_code is outside the county this service serves",
                )
                .with_field("division_code"),
            ));
        }
        Err(status) => return Err(status.into()),
    };
    let location = format!("/api/v1/public/complaints/{}", complaint.tracking_code);
    Ok((
        StatusCode::CREATED,
        [(http::header::LOCATION, location)],
        Json(Receipt {
            tracking_code: complaint.tracking_code,
            received_at: instant(complaint.received_at).unwrap_or_default(),
            reply_due: instant(complaint.reply_due).unwrap_or_default(),
        }),
    ))
}

/// Follow a request by tracking code and the phone's last four digits. A
/// wrong code and wrong digits answer the same 404.
#[utoipa::path(
    get,
    path = "/api/v1/public/complaints/{tracking_code}",
    operation_id = "track_public_complaint",
    extensions(("x-fazhi-access" = json!("public_limited"))),
    tag = "public",
    params(("tracking_code" = String, Path, description = "Tracking code, e.g. K7Q2-M9XD-4TPA"), TrackParams),
    responses((status = 200, description = "Progress", body = Progress))
)]
pub async fn track(
    State(state): State<AppState>,
    Path(tracking_code): Path<String>,
    params: Result<Query<TrackParams>, QueryRejection>,
) -> Result<Json<Progress>, Problem> {
    let Query(params) = params?;
    let phone_last_four = params.phone_last4.unwrap_or_default();
    if phone_last_four.len() != 4 || !phone_last_four.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_field(
            "phone_last4",
            Code::InvalidPhoneLast4,
            "phone_last4 must be the last 4 digits of the phone number given",
        )
        .into());
    }
    let citizen = Identity {
        caller: fazhi_platform::auth::Caller::citizen(state.gate.authn.county().clone()),
        authenticated: false,
    };
    // The four digits are the only secret once a code is known: wrong
    // guesses are counted per code, from every address.
    let code_key = tracking_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect::<String>()
        .to_ascii_uppercase();
    state
        .gate
        .tracking_guesses
        .check(&code_key)
        .await
        .map_err(|wait| {
            Problem::rate_limited(
                "too many wrong guesses for this tracking code; retry later",
                wait,
            )
        })?;
    let progress = match state
        .complaints
        .clone()
        .track_complaint(state.signed(
            &citizen,
            pb::TrackComplaintRequest {
                tracking_code,
                phone_last_four,
            },
        ))
        .await
    {
        Ok(progress) => progress.into_inner(),
        Err(status) => {
            if status.code() == tonic::Code::NotFound {
                state.gate.tracking_guesses.record(&code_key).await;
            }
            return Err(status.into());
        }
    };
    Ok(Json(Progress {
        tracking_code: progress.tracking_code,
        status: status_code(progress.status),
        reply_due: instant(progress.reply_due).unwrap_or_default(),
        reply: (!progress.reply.is_empty()).then_some(progress.reply),
        replied_at: instant(progress.replied_at),
    }))
}
