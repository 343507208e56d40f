//! A township's complaint ledger or a 12345 platform's export brought in:
//! the file is the body; the complaints service builds each row with its
//! dated workflow, all or nothing.

use axum::{
    Extension, Json,
    extract::{Query, Request, State, rejection::QueryRejection},
};
use fazhi_proto::complaints::v1 as pb;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    AppState,
    edge::{openapi::File, problem::Problem, problem::RowProblem},
    identity::authn::Identity,
    rest::lists::{FormatParams, rejected, upload},
};

/// What a ledger import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LedgerReport {
    /// Data rows read.
    pub rows: i64,
    /// Complaints created: every new row, or none when any is rejected.
    pub imported: i64,
    /// Rows whose ticket (来源, 工单编号) was recorded already, left as they are.
    pub unchanged: i64,
    pub rejected: Vec<RowProblem>,
}

/// Import a complaint ledger (工单台账) or a 12345 platform's export, CSV or
/// .xlsx, each row a request with its dated workflow, checked by the same
/// rules as live steps (leaders and the county: entering the past). Columns
/// in order: 工单编号, 来源, 受理时间, 渠道, 类型, 分类, 诉求内容, 地址, 区划代码,
/// 诉求人, 电话, 派单时间, 承办单位, 签收时间, 退单时间, 退单原因, 延期批准时间,
/// 延期天数, 答复时间, 答复内容, 回访时间, 是否解决, 满意度, 办结时间,
/// 重复件原工单编号. A ticket recorded already is left as it is, so importing the
/// same file again changes nothing; if any row is rejected, nothing is
/// imported and the 422 names every rejected row.
#[utoipa::path(
    post,
    path = "/api/v1/imports/complaints",
    operation_id = "import_complaints",
    extensions(("x-fazhi-access" = json!("complaint.record_past"))),
    tag = "complaints",
    params(FormatParams),
    request_body(
        description = "The ledger as CSV or .xlsx, told by `format`, else by the file itself",
        content = File,
        content_type = "application/octet-stream"
    ),
    responses((status = 200, description = "Every new row imported", body = LedgerReport))
)]
pub async fn import(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<FormatParams>, QueryRejection>,
    request: Request,
) -> Result<Json<LedgerReport>, Problem> {
    let Query(params) = params?;
    let (format, content) = upload(&state, params.format.as_deref(), request).await?;
    let report = state
        .complaints
        .clone()
        .import_complaints(state.signed(&identity, pb::ImportComplaintsRequest { format, content }))
        .await?
        .into_inner();
    let report = LedgerReport {
        rows: report.rows,
        imported: report.imported,
        unchanged: report.unchanged,
        rejected: report
            .rejected
            .into_iter()
            .map(|p| RowProblem {
                row: p.row,
                field: p.field,
                message: p.message,
            })
            .collect(),
    };
    if report.rejected.is_empty() {
        return Ok(Json(report));
    }
    Err(rejected(report.rows, report.rejected))
}
