//! Full-process records: register one against a case, list a case's.

use fazhi_platform::{
    Error,
    auth::{self, Permission},
    time,
};
use fazhi_proto::cases::v1 as pb;
use serde_json::json;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::{self, Record};
use crate::store::Step;

pub(super) async fn register_record(
    api: &CasesApi,
    request: Request<pb::RegisterRecordRequest>,
) -> Result<Response<pb::Record>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let r = request.into_inner();
    let given = r.record.unwrap_or_default();
    let recorded_at = given
        .recorded_at
        .as_ref()
        .and_then(time::from_timestamp)
        .ok_or_else(|| {
            Error::invalid_field(
                "record.recorded_at",
                fazhi_platform::Code::InvalidTime,
                "recorded_at is required",
            )
        })?;
    let required = |field: &str| {
        Error::invalid_field(
            field,
            fazhi_platform::Code::Required,
            format!("{field} is required"),
        )
    };
    let case = api.case_in_scope(&caller, &r.case_id).await?;
    let record = domain::check_record(
        Record {
            id: new_id(),
            case_id: case.id.clone(),
            kind: record_kind("record.kind", given.kind)?.ok_or_else(|| required("record.kind"))?,
            step: record_step("record.step", given.step)?.ok_or_else(|| required("record.step"))?,
            sha256: given.sha256,
            size_bytes: given.size_bytes,
            location: given.location,
            recorded_by: given.recorded_by,
            device: given.device,
            recorded_at,
            content_stored_at: None,
            content_key: None,
        },
        api.clock.now(),
    )?;
    let detail = json!({
        "record_id": record.id,
        "kind": record.kind.code(),
        "step": record.step.code(),
        "sha256": record.sha256,
        "size_bytes": record.size_bytes,
    });
    api.store
        .insert_record(
            &case,
            &record,
            Step {
                actor: &caller.subject,
                kind: "record_registered",
                detail: detail.to_string(),
            },
        )
        .await?;
    tracing::debug!(case = %case.id, record = %record.id, step = record.step.code(), "record registered");
    Ok(Response::new(record_proto(&record)))
}

pub(super) async fn list_records(
    api: &CasesApi,
    request: Request<pb::ListRecordsRequest>,
) -> Result<Response<pb::ListRecordsResponse>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let case = api
        .case_in_scope(&caller, &request.into_inner().case_id)
        .await?;
    let records = api.store.records(&case.id).await?;
    Ok(Response::new(pb::ListRecordsResponse {
        records: records.iter().map(record_proto).collect(),
    }))
}
