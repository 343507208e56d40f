//! A full-process record's content over REST: the body is the file itself,
//! streamed to the cases service and back, never held in memory. The cases
//! service checks it against the registered size and SHA-256 both ways.

use axum::{
    Extension, Json,
    body::Body,
    extract::{Path, Request, State},
    http::{HeaderName, HeaderValue, header},
    response::{IntoResponse, Response},
};
use base64::Engine;
use fazhi_platform::{Code, Error, ErrorKind};
use fazhi_proto::cases::v1 as pb;
use futures::StreamExt;
use std::time::Duration;

use super::records::Record;
use crate::{AppState, edge::openapi::File, edge::problem::Problem, identity::authn::Identity};

/// The most bytes sent to the cases service in one message.
const PIECE_BYTES: usize = 256 * 1024;

/// Store a record's content, once: the body must have the registered size
/// and SHA-256 (422 `content_size_mismatch` / `content_hash_mismatch`
/// otherwise, and nothing is kept); content already stored is never
/// replaced (409 `record_content_stored`).
#[utoipa::path(
    put,
    path = "/api/v1/cases/{id}/records/{record_id}/content",
    extensions(("x-fazhi-access" = json!("case.manage"))),
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("record_id" = String, Path, description = "Record id"),
    ),
    request_body(
        description = "The record's content, exactly the registered bytes",
        content = File,
        content_type = "application/octet-stream"
    ),
    responses((status = 200, description = "Stored and checked", body = Record))
)]
pub async fn upload_record_content(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path((case_id, record_id)): Path<(String, String)>,
    request: Request,
) -> Result<Json<Record>, Problem> {
    let idle = Duration::from_secs(state.gate.settings.request_timeout_secs.max(1));
    let stalled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen_stall = stalled.clone();
    let body = request.into_body().into_data_stream();
    // A client that stops sending ends the stream: the service then sees
    // too few bytes and keeps nothing.
    let pieces = futures::stream::unfold(body, move |mut body| {
        let stalled = stalled.clone();
        async move {
            match tokio::time::timeout(idle, body.next()).await {
                Ok(Some(Ok(bytes))) => Some((bytes, body)),
                Ok(_) => None,
                Err(_) => {
                    stalled.store(true, std::sync::atomic::Ordering::Relaxed);
                    None
                }
            }
        }
    })
    .flat_map(|bytes| {
        let pieces: Vec<pb::RecordContent> = bytes
            .chunks(PIECE_BYTES)
            .map(|piece| pb::RecordContent {
                data: piece.to_vec(),
                ..Default::default()
            })
            .collect();
        futures::stream::iter(pieces)
    });
    let opening = pb::RecordContent {
        case_id,
        record_id,
        data: Vec::new(),
    };
    let messages = futures::stream::once(async move { opening }).chain(pieces);
    let stored = state
        .record_content
        .clone()
        .upload_record_content(state.signed(&identity, messages))
        .await;
    if seen_stall.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Problem::from(Error::new(
            ErrorKind::RequestTimeout,
            Code::RequestTimeout,
            format!(
                "no content arrived for {} seconds; nothing was kept",
                idle.as_secs()
            ),
        )));
    }
    Ok(Json(Record::from(stored?.into_inner())))
}

/// A record's content, checked against its registered size and SHA-256
/// before the first byte is sent (500 `record_content_corrupt` when the
/// stored bytes no longer match). `Repr-Digest` carries the SHA-256.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/records/{record_id}/content",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("record_id" = String, Path, description = "Record id"),
    ),
    responses((status = 200, description = "The content", content_type = "application/octet-stream", body = File))
)]
pub async fn read_record_content(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path((case_id, record_id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let mut client = state.record_content.clone();
    let record = state
        .cases
        .clone()
        .list_records(state.signed(
            &identity,
            pb::ListRecordsRequest {
                case_id: case_id.clone(),
            },
        ))
        .await?
        .into_inner()
        .records
        .into_iter()
        .find(|r| r.id == record_id)
        .ok_or_else(|| Problem::from(Error::not_found("record")))?;
    let stream = client
        .read_record_content(state.signed(
            &identity,
            pb::ReadRecordContentRequest { case_id, record_id },
        ))
        .await?
        .into_inner();
    let body = Body::from_stream(stream.map(|piece| {
        piece
            .map(|p| axum::body::Bytes::from(p.data))
            .map_err(|status| std::io::Error::other(status.message().to_owned()))
    }));
    let digest = hex_to_bytes(&record.sha256)
        .map(|raw| {
            format!(
                "sha-256=:{}:",
                base64::engine::general_purpose::STANDARD.encode(raw)
            )
        })
        .unwrap_or_default();
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    for (name, value) in [
        (header::CONTENT_LENGTH, record.size_bytes.to_string()),
        (header::ETAG, format!("\"{}\"", record.sha256)),
        (HeaderName::from_static("repr-digest"), digest),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}

fn hex_to_bytes(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(hex.get(at..at + 2)?, 16).ok())
        .collect()
}
