//! Importing and exporting the training lists as files: the body is the
//! CSV or .xlsx file itself. An import is all or nothing: if any row is
//! rejected, the answer is 422 with every rejected row and nothing is written.

use axum::{
    Extension, Json,
    body::{Body, to_bytes},
    extract::{Path, Query, Request, State, rejection::QueryRejection},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use fazhi_platform::Code;
use fazhi_proto::training::v1 as pb;
use serde::Deserialize;
use utoipa::IntoParams;

use fazhi_platform::{Error, ErrorKind, auth::Permission};

use crate::{
    AppState,
    edge::openapi::File,
    edge::{problem::Problem, query},
    identity::{audit_log::audit_reads, authn::Identity},
    rest::training::body::{self, ImportReport, RecordExamRequest, RecordTrainingRequest},
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The uploaded file and its format: the `format` parameter, else the
/// Content-Type, else — for `application/octet-stream` — the file itself (an
/// .xlsx is a zip archive; anything else is read as CSV).
pub(crate) async fn upload(
    state: &AppState,
    format: Option<&str>,
    request: Request,
) -> Result<(String, Vec<u8>), Problem> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let named = match (format, content_type.as_str()) {
        (Some(f), _) if !f.is_empty() => Some(f.to_owned()),
        (_, "text/csv") => Some("csv".to_owned()),
        (_, XLSX) => Some("xlsx".to_owned()),
        (_, "application/octet-stream" | "") => None,
        _ => {
            return Err(Problem::bad_field(
                "format",
                Code::FormatRequired,
                "give format=csv or format=xlsx, or send the file as text/csv, the .xlsx type or application/octet-stream",
            ));
        }
    };
    let bytes = to_bytes(request.into_body(), state.gate.settings.upload_limit_bytes)
        .await
        .map_err(|_| {
            Problem::from(Error::new(
                ErrorKind::PayloadTooLarge,
                Code::BodyTooLarge,
                "the file is larger than the upload limit",
            ))
        })?;
    let format = named.unwrap_or_else(|| {
        if bytes.starts_with(b"PK\x03\x04") {
            "xlsx".to_owned()
        } else {
            "csv".to_owned()
        }
    });
    Ok((format, bytes.to_vec()))
}

/// 200 with the report when everything was imported, 422 listing every
/// rejected row otherwise.
pub(crate) fn answer(report: pb::ImportReport) -> Result<Json<ImportReport>, Problem> {
    let mut report = ImportReport::from(report);
    if report.rejected.is_empty() {
        return Ok(Json(report));
    }
    Err(rejected(report.rows, std::mem::take(&mut report.rejected)))
}

/// The 422 of an import refused whole: every rejected row named, nothing
/// imported.
pub(crate) fn rejected(rows: i64, rejected: Vec<crate::edge::problem::RowProblem>) -> Problem {
    let mut problem = Problem::from(Error::new(
        ErrorKind::RuleViolation,
        Code::ImportRejected,
        format!(
            "{} of {rows} rows were rejected; nothing was imported",
            rejected.len()
        ),
    ));
    problem.rejected = rejected;
    problem
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatParams {
    /// csv or xlsx (default: from the Content-Type, else from the file).
    #[param(value_type = Option<crate::rest::codes::FileFormat>)]
    pub(crate) format: Option<String>,
}

/// Import people from a list (行政区划代码, 姓名, 身份证号, 单位, 人员类别, 职级, 科级以上, 执法岗位).
#[utoipa::path(
    post,
    path = "/api/v1/imports/people",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    params(FormatParams),
    request_body(
        description = "The list as CSV or .xlsx, told by `format`, else by the file itself (the server also reads a Content-Type of `text/csv` or the .xlsx type)",
        content = File,
        content_type = "application/octet-stream"
    ),
    responses((status = 200, description = "Every row imported", body = ImportReport))
)]
pub async fn import_people(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<FormatParams>, QueryRejection>,
    request: Request,
) -> Result<Json<ImportReport>, Problem> {
    let Query(params) = params?;
    let (format, content) = upload(&state, params.format.as_deref(), request).await?;
    let report = state
        .training
        .clone()
        .import_people(state.signed(
            &identity,
            pb::ImportPeopleRequest {
                format: body::file_format("format", &format)?,
                content,
            },
        ))
        .await?
        .into_inner();
    answer(report)
}

/// Import a power list (权限清单: 事项编码, 事项名称, 实施依据, 权力类型, 来源,
/// 执法类别, 生效日期, 失效日期, 承接区划), all or nothing.
#[utoipa::path(
    post,
    path = "/api/v1/imports/power-items",
    extensions(("x-fazhi-access" = json!("power.manage"))),
    tag = "cases",
    params(FormatParams),
    request_body(
        description = "The list as CSV or .xlsx, told by `format`, else by the file itself (the server also reads a Content-Type of `text/csv` or the .xlsx type)",
        content = File,
        content_type = "application/octet-stream"
    ),
    responses((status = 200, description = "Every row imported", body = ImportReport))
)]
pub async fn import_power_items(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<FormatParams>, QueryRejection>,
    request: Request,
) -> Result<Json<ImportReport>, Problem> {
    let Query(params) = params?;
    let (format, content) = upload(&state, params.format.as_deref(), request).await?;
    if !matches!(format.as_str(), "csv" | "xlsx") {
        return Err(Problem::bad_field(
            "format",
            Code::UnknownCode,
            "format must be one of csv, xlsx",
        ));
    }
    let report = state
        .cases
        .clone()
        .import_power_items(state.signed(
            &identity,
            fazhi_proto::cases::v1::ImportPowerItemsRequest { format, content },
        ))
        .await?
        .into_inner();
    answer(pb::ImportReport {
        rows: report.rows,
        imported: report.imported,
        rejected: report
            .rejected
            .into_iter()
            .map(|p| fazhi_proto::common::v1::RowProblem {
                row: p.row,
                field: p.field,
                message: p.message,
            })
            .collect(),
        ..Default::default()
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionParams {
    /// csv or xlsx (default: from the Content-Type, else from the file).
    #[param(value_type = Option<crate::rest::codes::FileFormat>)]
    format: Option<String>,
    #[param(value_type = String, required = true, example = "411624100")]
    division_code: Option<String>,
    #[param(value_type = String, required = true)]
    topic: Option<String>,
    /// in_person, online or special_topic.
    #[param(value_type = crate::rest::codes::TrainingKind, required = true)]
    kind: Option<String>,
    /// e.g. 2023-06-15.
    #[param(value_type = String, format = Date, required = true)]
    held_on: Option<String>,
}

/// Import a session's attendance list (身份证号, 学时); the session is described
/// by the parameters.
#[utoipa::path(
    post,
    path = "/api/v1/imports/attendance",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    params(SessionParams),
    request_body(
        description = "The list as CSV or .xlsx, told by `format`, else by the file itself (the server also reads a Content-Type of `text/csv` or the .xlsx type)",
        content = File,
        content_type = "application/octet-stream"
    ),
    responses((status = 200, description = "Every row imported", body = ImportReport))
)]
pub async fn import_attendance(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<SessionParams>, QueryRejection>,
    request: Request,
) -> Result<Json<ImportReport>, Problem> {
    let Query(p) = params?;
    let (format, content) = upload(&state, p.format.as_deref(), request).await?;
    let session = RecordTrainingRequest {
        division_code: p.division_code.unwrap_or_default(),
        topic: p.topic.unwrap_or_default(),
        kind: p.kind.unwrap_or_default(),
        held_on: p.held_on.unwrap_or_default(),
        attendance: Vec::new(),
    }
    .session()?;
    let request = pb::ImportAttendanceRequest {
        session: Some(session),
        format: body::file_format("format", &format)?,
        content,
    };
    let report = state
        .training
        .clone()
        .import_attendance(state.signed(&identity, request))
        .await?
        .into_inner();
    answer(report)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExamParams {
    /// csv or xlsx (default: from the Content-Type, else from the file).
    #[param(value_type = Option<crate::rest::codes::FileFormat>)]
    format: Option<String>,
    #[param(value_type = String, required = true, example = "411624100")]
    division_code: Option<String>,
    /// qualification, annual_review, law_study or new_law.
    #[param(value_type = crate::rest::codes::ExamKind, required = true)]
    kind: Option<String>,
    #[param(value_type = String, required = true)]
    title: Option<String>,
    /// e.g. 2023-11-20.
    #[param(value_type = String, format = Date, required = true)]
    held_on: Option<String>,
    /// Default 60.
    #[param(value_type = Option<f64>, minimum = 0, maximum = 100)]
    pass_mark: Option<String>,
    /// Default 90.
    #[param(value_type = Option<f64>, minimum = 0, maximum = 100)]
    excellent_mark: Option<String>,
}

fn mark(name: &str, value: Option<&str>) -> Result<Option<f64>, Problem> {
    match value {
        None | Some("") => Ok(None),
        Some(text) => text.parse::<f64>().map(Some).map_err(|_| {
            Problem::bad_field(
                name,
                Code::InvalidNumber,
                format!("{name} must be a number"),
            )
        }),
    }
}

/// Import an exam's results (身份证号, 成绩; blank or 缺考 for absent); the exam
/// is described by the parameters.
#[utoipa::path(
    post,
    path = "/api/v1/imports/exam-results",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    params(ExamParams),
    request_body(
        description = "The list as CSV or .xlsx, told by `format`, else by the file itself (the server also reads a Content-Type of `text/csv` or the .xlsx type)",
        content = File,
        content_type = "application/octet-stream"
    ),
    responses((status = 200, description = "Every row imported", body = ImportReport))
)]
pub async fn import_exam_results(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<ExamParams>, QueryRejection>,
    request: Request,
) -> Result<Json<ImportReport>, Problem> {
    let Query(p) = params?;
    let exam = RecordExamRequest {
        division_code: p.division_code.unwrap_or_default(),
        kind: p.kind.unwrap_or_default(),
        title: p.title.unwrap_or_default(),
        held_on: p.held_on.unwrap_or_default(),
        pass_mark: mark("pass_mark", p.pass_mark.as_deref())?,
        excellent_mark: mark("excellent_mark", p.excellent_mark.as_deref())?,
        results: Vec::new(),
    }
    .exam()?;
    let (format, content) = upload(&state, p.format.as_deref(), request).await?;
    let request = pb::ImportExamResultsRequest {
        exam: Some(exam),
        format: body::file_format("format", &format)?,
        content,
    };
    let report = state
        .training
        .clone()
        .import_exam_results(state.signed(&identity, request))
        .await?
        .into_inner();
    answer(report)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// From this day (2026-03-01, China time) or RFC 3339 time on.
    from: Option<String>,
    /// To this day, included (2026-12-31), or before this RFC 3339 time.
    to: Option<String>,
    /// A whole China calendar year instead of `from`/`to`, e.g. 2026.
    #[param(value_type = Option<i32>, minimum = 1990, maximum = 9998)]
    year: Option<String>,
    /// `true` for full ID numbers (training.manage only; audited), so the
    /// list can be edited and imported again.
    #[param(value_type = Option<bool>)]
    reveal: Option<String>,
}

/// A list as .xlsx: `people`, `attendance` or `results` (ID numbers masked
/// unless `reveal=true`).
#[utoipa::path(
    get,
    path = "/api/v1/exports/{list}",
    operation_id = "export_list",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(("list" = crate::rest::codes::ListKind, Path, description = "people, attendance or results"), ExportParams),
    responses((status = 200, description = "The .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = File))
)]
pub async fn export(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(list): Path<String>,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params?;
    let division =
        query::scoped_division(&identity.caller, "division", params.division.as_deref())?;
    let period = query::period(
        ("year", params.year.as_deref()),
        ("from", params.from.as_deref()),
        ("to", params.to.as_deref()),
    )?;
    let reveal = query::flag("reveal", params.reveal.as_deref())?;
    if reveal {
        identity.caller.require(Permission::TrainingManage)?;
    }
    let scope = division
        .as_ref()
        .map_or_else(|| identity.caller.scope.to_string(), ToString::to_string);
    let request = pb::ExportListRequest {
        list: body::list_kind("list", &list)?,
        division_code: division.map(String::from).unwrap_or_default(),
        period,
        reveal_personal: reveal,
    };
    let file = state
        .training
        .clone()
        .export_list(state.signed(&identity, request))
        .await?
        .into_inner();
    if reveal {
        // No ID number leaves without its audit entry committed first.
        audit_reads(
            &state,
            &identity,
            "training_list",
            &[(list.as_str(), scope.as_str())],
        )
        .await?;
    }
    let mut response = Body::from(file.content).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(disposition) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.filename))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}
