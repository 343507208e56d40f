//! Full-process records (全过程记录) of a case over REST.

use axum::{
    Extension, Json,
    extract::{Path, State},
    response::IntoResponse,
};
use fazhi_proto::cases::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{record_kind, record_kind_code, record_step, record_step_code};
use crate::{
    AppState,
    edge::{
        json::JsonBody,
        mapping::{instant, instant_from_rest},
        problem::Problem,
    },
    identity::authn::Identity,
};

/// A record of one step of a case.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Record {
    pub id: String,
    pub case_id: String,
    #[schema(value_type = crate::rest::codes::RecordKind)]
    pub kind: String,
    #[schema(value_type = crate::rest::codes::RecordStep)]
    pub step: String,
    /// SHA-256 of the content, 64 hexadecimal digits.
    pub sha256: String,
    pub size_bytes: i64,
    /// Where the content is kept.
    pub location: String,
    /// Who recorded it (a person id).
    pub recorded_by: String,
    pub device: String,
    #[schema(format = DateTime, example = "2024-03-28T09:30:00+08:00")]
    pub recorded_at: String,
    /// When the content was uploaded and checked; absent while only the
    /// metadata is registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub content_stored_at: Option<String>,
}

impl From<pb::Record> for Record {
    fn from(r: pb::Record) -> Self {
        Self {
            kind: record_kind_code(r.kind),
            step: record_step_code(r.step),
            recorded_at: instant(r.recorded_at).unwrap_or_default(),
            content_stored_at: instant(r.content_stored_at),
            id: r.id,
            case_id: r.case_id,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            location: r.location,
            recorded_by: r.recorded_by,
            device: r.device,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRecordRequest {
    #[schema(value_type = crate::rest::codes::RecordKind)]
    pub kind: String,
    /// Seizure, demolition, a hearing and service by leaving need an audio
    /// or video record before they are completed.
    #[schema(value_type = crate::rest::codes::RecordStep)]
    pub step: String,
    /// SHA-256 of the content, 64 hexadecimal digits.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// 1 byte to 64 GiB.
    pub size_bytes: i64,
    /// Where the content is kept outside Fazhi (a path or an object URL);
    /// omit it when the content is uploaded to
    /// `PUT /api/v1/cases/{id}/records/{record_id}/content`.
    #[serde(default)]
    pub location: String,
    /// Who recorded it (a person id).
    pub recorded_by: String,
    pub device: String,
    /// When it was recorded (not in the future).
    #[schema(format = DateTime, example = "2024-03-28T09:30:00+08:00")]
    pub recorded_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListRecordsResponse {
    pub records: Vec<Record>,
}

/// Register a full-process record (全过程记录, 行政处罚法 Art. 47) of a case's
/// step; it joins the case's hash-chained history.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{id}/records",
    extensions(("x-fazhi-access" = json!("case.manage"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    request_body = RegisterRecordRequest,
    responses((status = 201, description = "Registered", body = Record))
)]
pub async fn register_record(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(case_id): Path<String>,
    JsonBody(body): JsonBody<RegisterRecordRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = pb::RegisterRecordRequest {
        record: Some(pb::Record {
            kind: record_kind("kind", &body.kind)?,
            step: record_step("step", &body.step)?,
            recorded_at: instant_from_rest("recorded_at", &body.recorded_at)?,
            sha256: body.sha256,
            size_bytes: body.size_bytes,
            location: body.location,
            recorded_by: body.recorded_by,
            device: body.device,
            ..Default::default()
        }),
        case_id: case_id.clone(),
    };
    let record = Record::from(
        state
            .cases
            .clone()
            .register_record(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok((
        axum::http::StatusCode::CREATED,
        [(
            http::header::LOCATION,
            format!("/api/v1/cases/{case_id}/records"),
        )],
        Json(record),
    ))
}

/// A case's full-process records, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/records",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, description = "The records", body = ListRecordsResponse))
)]
pub async fn list_records(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(case_id): Path<String>,
) -> Result<Json<ListRecordsResponse>, Problem> {
    let answer = state
        .cases
        .clone()
        .list_records(state.signed(&identity, pb::ListRecordsRequest { case_id }))
        .await?
        .into_inner();
    Ok(Json(ListRecordsResponse {
        records: answer.records.into_iter().map(Record::from).collect(),
    }))
}
