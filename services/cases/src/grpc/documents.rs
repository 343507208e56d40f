//! The documents served on the party, generated from the case's record.

use fazhi_platform::{
    Code, Error,
    auth::{self, Permission},
    text::{self, Lines},
};
use fazhi_proto::cases::v1 as pb;
use tonic::{Request, Response, Status};

use super::CasesApi;
use crate::documents::{self, DocumentKind, Source};

pub(super) async fn get_case_document(
    api: &CasesApi,
    request: Request<pb::GetCaseDocumentRequest>,
) -> Result<Response<pb::CaseDocument>, Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::CaseRead)?;
    let r = request.into_inner();
    let kind = match pb::DocumentKind::try_from(r.kind) {
        Ok(pb::DocumentKind::Notice) => DocumentKind::Notice,
        Ok(pb::DocumentKind::Decision) => DocumentKind::Decision,
        Ok(pb::DocumentKind::ServiceReceipt) => DocumentKind::ServiceReceipt,
        _ => {
            return Err(Error::invalid_field(
                "kind",
                Code::Required,
                "kind is notice, decision or service_receipt",
            )
            .into());
        }
    };
    let agency = text::required("agency", &r.agency, 100, Lines::One)?;
    let appeal_to =
        text::optional("appeal_to", Some(&r.appeal_to), 100, Lines::One)?.unwrap_or_default();
    if kind == DocumentKind::Decision && appeal_to.is_empty() {
        return Err(Error::invalid_field(
            "appeal_to",
            Code::Required,
            "a decision names where 行政复议 is applied for",
        )
        .into());
    }
    let case = api.case_in_scope(&caller, &r.case_id).await?;
    let code = case.power_item_code.as_deref().ok_or_else(|| {
        Error::new(
            fazhi_platform::ErrorKind::FailedPrecondition,
            Code::InvalidTransition,
            "a lead not filed has no document to serve",
        )
    })?;
    let item = api.store.power_item_by_code(code).await?.ok_or_else(|| {
        Error::internal(format!("the case cites power item {code}, not on record"))
    })?;
    let records = api.store.records(&case.id).await?;
    let doc = documents::write(
        kind,
        &Source {
            case: &case,
            item: &item,
            records: &records,
            agency: &agency,
            appeal_to: &appeal_to,
        },
    )?;
    let content = documents::docx(&doc)?;
    let number = if doc.number.is_empty() {
        case.proceedings.case_number.clone()
    } else {
        doc.number.clone()
    };
    tracing::debug!(case = %case.id, document = %doc.title, "case document written");
    Ok(Response::new(pb::CaseDocument {
        file_name: format!("{}-{}.docx", doc.title, number),
        content,
    }))
}
