//! The documents a township serves on the party, as .docx written by the
//! cases service from the record, in the name of the agency the division
//! register names.

use axum::{
    Extension,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use fazhi_platform::{Code, DivisionCode, Error, ErrorKind, division::DivisionLevel};
use fazhi_proto::cases::v1 as pb;

use crate::{AppState, edge::problem::Problem, identity::authn::Identity, openapi::File};

crate::rest_enum!(
    read required document_kind,
    pb::DocumentKind,
    "DOCUMENT_KIND_"
);

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// `name` as a government signs: 老城镇 → 老城镇人民政府.
fn government(name: &str) -> String {
    if name.ends_with("人民政府") {
        name.to_owned()
    } else {
        format!("{name}人民政府")
    }
}

/// A file name for `filename*` (RFC 8187): UTF-8, percent-encoded.
fn encoded(name: &str) -> String {
    name.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A document served on the party, written from the case's record as .docx:
/// `notice` (行政处罚事先告知书), `decision` (行政处罚决定书, or
/// 不予行政处罚决定书 for a decision not to penalise) or `service_receipt`
/// (送达回证). It goes out in the name of the township's government and names
/// the county's government for 行政复议, both as the division register names
/// them: 409 until they are registered, or until the case has the step the
/// document is written from.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}/documents/{kind}",
    operation_id = "get_case_document",
    extensions(("x-fazhi-access" = json!("case.read"))),
    tag = "cases",
    params(
        ("id" = String, Path, description = "Case id"),
        ("kind" = crate::rest::codes::DocumentKind, Path, description = "Which document")
    ),
    responses((status = 200, description = "The document", content(
        (File = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )))
)]
pub async fn get_case_document(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let kind = document_kind("kind", &kind)?;
    let case = state
        .cases
        .clone()
        .get_case(state.signed(&identity, pb::GetCaseRequest { id: id.clone() }))
        .await?
        .into_inner();
    let division = DivisionCode::parse(&case.division_code)
        .map_err(|_| Error::internal("a case with an invalid division code"))?;
    let agency_code = match division.level() {
        DivisionLevel::Village => division.parent().unwrap_or_else(|| division.clone()),
        _ => division.clone(),
    };
    let county = division.county();
    let names = state.gate.store.divisions_under(&county).await?;
    let name = |code: &DivisionCode| {
        names
            .iter()
            .find(|d| &d.code == code)
            .map(|d| government(&d.name))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::FailedPrecondition,
                    Code::FailedPrecondition,
                    format!(
                        "the division register names no {code}: register it (PUT /api/v1/divisions) so the document can go out in its name"
                    ),
                )
            })
    };
    let request = pb::GetCaseDocumentRequest {
        case_id: id,
        kind,
        agency: name(&agency_code)?,
        appeal_to: name(&county)?,
    };
    let document = state
        .cases
        .clone()
        .get_case_document(state.signed(&identity, request))
        .await?
        .into_inner();
    let mut response = ([(header::CONTENT_TYPE, DOCX)], document.content).into_response();
    let disposition = format!(
        "attachment; filename=\"case-document.docx\"; filename*=UTF-8''{}",
        encoded(&document.file_name)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
