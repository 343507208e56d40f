//! A record's content: uploaded once as a stream checked against the
//! registered size and SHA-256, read back checked the same way.

use bytes::Bytes;
use fazhi_platform::{
    Code, Error, ErrorKind,
    auth::{self, Permission},
};
use fazhi_proto::cases::v1 as pb;
use futures::{StreamExt, stream::BoxStream};
use serde_json::json;
use tonic::{Request, Response, Status, Streaming};

use super::*;
use crate::content::Expected;
use crate::domain::Record;
use crate::store::Step;

pub type ContentStream = BoxStream<'static, Result<pb::RecordContent, Status>>;

/// The record, in a case within the caller's divisions.
async fn record_in_scope(
    api: &CasesApi,
    caller: &fazhi_platform::auth::Caller,
    case_id: &str,
    record_id: &str,
) -> Result<(Case, Record), Error> {
    let case = api.case_in_scope(caller, case_id).await?;
    let record_id = Error::lookup_id("record", record_id)?;
    let record = api
        .store
        .record(&case.id, record_id)
        .await?
        .ok_or_else(|| Error::not_found("record"))?;
    Ok((case, record))
}

fn already_stored() -> Error {
    Error::new(
        ErrorKind::FailedPrecondition,
        Code::RecordContentStored,
        "the record's content is already stored; content is never replaced",
    )
}

pub(super) async fn upload(
    api: &CasesApi,
    request: Request<Streaming<pb::RecordContent>>,
) -> Result<Response<pb::Record>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseManage)?;
    let mut pieces = request.into_inner();
    let first = pieces.message().await?.ok_or_else(|| {
        Error::invalid_field(
            "record_id",
            Code::Required,
            "the first message names the case and the record",
        )
    })?;
    let (case, record) = record_in_scope(api, &caller, &first.case_id, &first.record_id).await?;
    if record.content_stored_at.is_some() {
        return Err(already_stored().into());
    }
    let content = futures::stream::once(async move { Ok(Bytes::from(first.data)) })
        .chain(pieces.map(|piece| {
            piece
                .map(|p| Bytes::from(p.data))
                .map_err(|status| Error::from_status(&status))
        }))
        .filter(|piece| futures::future::ready(!matches!(piece, Ok(b) if b.is_empty())));
    let expected = Expected {
        size_bytes: record.size_bytes,
        sha256: &record.sha256,
    };
    let key = api
        .content
        .put(&case.id, &record.id, expected, Box::pin(content))
        .await?;
    let detail = json!({
        "record_id": record.id,
        "sha256": record.sha256,
        "size_bytes": record.size_bytes,
    });
    let step = Step {
        actor: &caller.subject,
        kind: "record_content_stored",
        detail: detail.to_string(),
    };
    let marked = api
        .store
        .mark_content_stored(&case, &record.id, &key, step)
        .await;
    if !matches!(marked, Ok(true)) {
        // Another upload was marked first (or the mark failed): this one's
        // object is nobody's, and the record's own is left as it is.
        api.content.discard(&key).await;
        marked?;
        return Err(already_stored().into());
    }
    let stored = api
        .store
        .record(&case.id, &record.id)
        .await?
        .ok_or_else(|| Error::not_found("record"))?;
    tracing::debug!(case = %case.id, record = %record.id, bytes = record.size_bytes, "record content stored");
    Ok(Response::new(record_proto(&stored)))
}

pub(super) async fn read(
    api: &CasesApi,
    request: Request<pb::ReadRecordContentRequest>,
) -> Result<Response<ContentStream>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let r = request.into_inner();
    let (case, record) = record_in_scope(api, &caller, &r.case_id, &r.record_id).await?;
    if record.content_stored_at.is_none() {
        return Err(Error::new(
            ErrorKind::FailedPrecondition,
            Code::RecordContentMissing,
            "the record's content has not been uploaded",
        )
        .into());
    }
    let expected = Expected {
        size_bytes: record.size_bytes,
        sha256: &record.sha256,
    };
    let stream = api
        .content
        .get(
            &case.id,
            &record.id,
            record.content_key.as_deref(),
            expected,
        )
        .await?;
    Ok(Response::new(
        stream
            .map(|piece| {
                piece
                    .map(|data| pb::RecordContent {
                        data: data.to_vec(),
                        ..Default::default()
                    })
                    .map_err(Status::from)
            })
            .boxed(),
    ))
}
