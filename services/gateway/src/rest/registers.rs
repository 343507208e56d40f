//! The township's registers over REST (`/api/v1/registers/{register}`):
//! normative documents, emergency plans, legal advisers and demonstration
//! villages — listed, added one by one or imported as a list (all or
//! nothing), corrected and removed at the version read.

use axum::{
    Extension, Json,
    extract::{Path, Query, Request, State, rejection::QueryRejection},
    http::StatusCode,
};
use fazhi_identity::store::RegisterEntry;
use fazhi_platform::{Code, Error, paging};
use fazhi_proto::training::v1 as pb;
use fazhi_sheet::rows::{self, cell};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::registers::{Checked, Given, Register, check};
use crate::{
    AppState,
    edge::{json::JsonBody, openapi::File, problem::Problem, query},
    identity::authn::Identity,
    rest::{
        lists::{FormatParams, answer, upload},
        training::body::ImportReport,
    },
};

/// Rows one imported register list may hold.
const MAX_IMPORT_ROWS: usize = 5_000;

/// An entry as sent. Which optional fields a register keeps: `number`,
/// `filed_on`, `reviewed_on`, `corrected_on` for normative documents;
/// `kind` for emergency plans (`general`/`special`) and demonstration
/// villages (`national`/`provincial`/`municipal`/`county`); `organisation`
/// for legal advisers. Days are `YYYY-MM-DD`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntryInput {
    /// The township, or the village or community (legal advisers and
    /// demonstration villages: a village or community).
    #[schema(example = "411624100201")]
    division_code: String,
    /// The document's title, the plan's name, the adviser's name, or the
    /// honour (全国民主法治示范村).
    title: String,
    /// Issued, adopted or revised, appointed, or named on.
    #[schema(example = "2026-03-01")]
    dated: String,
    /// 文号.
    number: Option<String>,
    /// 报备: filed with the county for review.
    filed_on: Option<String>,
    /// 审查: reviewed (needs the filing).
    reviewed_on: Option<String>,
    /// 纠正: corrected after the review found it wrong (needs the review).
    corrected_on: Option<String>,
    kind: Option<String>,
    /// The adviser's law firm or legal service office.
    organisation: Option<String>,
    /// On a change: the version read (a stale one gets 409).
    version: Option<i64>,
}

/// An entry of a register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterEntryView {
    id: String,
    /// normative_document, emergency_plan, legal_adviser or demonstration_village.
    register: String,
    division_code: String,
    title: String,
    dated: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filed_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviewed_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    corrected_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organisation: Option<String>,
    version: i64,
}

impl From<RegisterEntry> for RegisterEntryView {
    fn from(e: RegisterEntry) -> Self {
        Self {
            id: e.id,
            register: e.register,
            division_code: e.division_code.as_str().to_owned(),
            title: e.title,
            dated: e.dated,
            number: e.number,
            filed_on: e.filed_on,
            reviewed_on: e.reviewed_on,
            corrected_on: e.corrected_on,
            kind: e.kind,
            organisation: e.organisation,
            version: e.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterEntries {
    entries: Vec<RegisterEntryView>,
    /// Give it as `page_token` for the next page; empty on the last.
    next_page_token: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterParams {
    /// Only this division and those under it (default: the caller's own).
    division: Option<String>,
    /// Only entries dated in this China calendar year.
    #[param(value_type = Option<i32>, minimum = 1990, maximum = 9998)]
    year: Option<String>,
    /// 1 to 200 (default 50).
    #[param(value_type = Option<i32>)]
    page_size: Option<String>,
    page_token: Option<String>,
}

fn entry(register: Register, identity: &Identity, id: String, c: Checked) -> RegisterEntry {
    RegisterEntry {
        id,
        register: register.code().to_owned(),
        division_code: c.division_code,
        title: c.title,
        dated: c.dated,
        number: c.number,
        filed_on: c.filed_on,
        reviewed_on: c.reviewed_on,
        corrected_on: c.corrected_on,
        kind: c.kind,
        organisation: c.organisation,
        created_by: identity.caller.subject.clone(),
        version: 1,
    }
}

fn given(body: &RegisterEntryInput) -> Given<'_> {
    Given {
        division_code: &body.division_code,
        title: &body.title,
        dated: &body.dated,
        number: body.number.as_deref(),
        filed_on: body.filed_on.as_deref(),
        reviewed_on: body.reviewed_on.as_deref(),
        corrected_on: body.corrected_on.as_deref(),
        kind: body.kind.as_deref(),
        organisation: body.organisation.as_deref(),
    }
}

/// A year parameter as the first and last day of it.
fn year_days(year: Option<&str>) -> Result<(Option<String>, Option<String>), Problem> {
    let Some(text) = year.filter(|y| !y.is_empty()) else {
        return Ok((None, None));
    };
    match text.parse::<i32>() {
        Ok(y) if (1990..=9998).contains(&y) => {
            Ok((Some(format!("{y:04}-01-01")), Some(format!("{y:04}-12-31"))))
        }
        _ => Err(Problem::bad_field(
            "year",
            Code::InvalidYear,
            "year must be a year from 1990 to 9998",
        )),
    }
}

/// A register's entries within a division, by division, day and id.
#[utoipa::path(
    get,
    path = "/api/v1/registers/{register}",
    operation_id = "list_register_entries",
    extensions(("x-fazhi-access" = json!("register.manage"))),
    tag = "oversight",
    params(
        ("register" = crate::rest::codes::RegisterName, Path, description = "Which register"),
        RegisterParams
    ),
    responses((status = 200, description = "The entries", body = RegisterEntries))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(register): Path<String>,
    params: Result<Query<RegisterParams>, QueryRejection>,
) -> Result<Json<RegisterEntries>, Problem> {
    let register = Register::from_path(&register)?;
    let Query(params) = params?;
    let scope = query::scoped_division(&identity.caller, "division", params.division.as_deref())?
        .unwrap_or_else(|| identity.caller.scope.clone());
    let (from, to) = year_days(params.year.as_deref())?;
    let size = paging::page_size(query::page_size(params.page_size.as_deref())?)?;
    let after = paging::decode_token(params.page_token.as_deref().unwrap_or_default(), 3)?;
    let mut found = state
        .gate
        .store
        .register_entries(
            register.code(),
            &scope,
            (from.as_deref(), to.as_deref()),
            after
                .as_ref()
                .map(|p| (p[0].as_str(), p[1].as_str(), p[2].as_str())),
            size + 1,
        )
        .await?;
    let next_page_token = paging::cut(&mut found, size, |e| {
        vec![
            e.division_code.as_str().to_owned(),
            e.dated.clone(),
            e.id.clone(),
        ]
    });
    Ok(Json(RegisterEntries {
        entries: found.into_iter().map(Into::into).collect(),
        next_page_token,
    }))
}

/// Add an entry to a register.
#[utoipa::path(
    post,
    path = "/api/v1/registers/{register}",
    operation_id = "create_register_entry",
    extensions(("x-fazhi-access" = json!("register.manage"))),
    tag = "oversight",
    params(("register" = crate::rest::codes::RegisterName, Path, description = "Which register")),
    request_body = RegisterEntryInput,
    responses((status = 201, description = "Recorded", body = RegisterEntryView))
)]
pub async fn create(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(register): Path<String>,
    JsonBody(body): JsonBody<RegisterEntryInput>,
) -> Result<(StatusCode, Json<RegisterEntryView>), Problem> {
    let register = Register::from_path(&register)?;
    if body.version.is_some() {
        return Err(Problem::bad_field(
            "version",
            Code::UnknownField,
            "a new entry has no version",
        ));
    }
    let checked = check(
        register,
        &identity.caller,
        &given(&body),
        state.gate.clock.today(),
    )?;
    let new = entry(
        register,
        &identity,
        uuid::Uuid::now_v7().to_string(),
        checked,
    );
    state
        .gate
        .store
        .insert_register_entries(std::slice::from_ref(&new))
        .await?;
    Ok((StatusCode::CREATED, Json(new.into())))
}

/// The entry `id` of `register`, if the caller may see it (404 otherwise).
async fn visible(
    state: &AppState,
    identity: &Identity,
    register: Register,
    id: &str,
) -> Result<RegisterEntry, Problem> {
    let found = state.gate.store.register_entry(register.code(), id).await?;
    match found {
        Some(e) if identity.caller.sees(&e.division_code) => Ok(e),
        _ => Err(Error::not_found("register entry").into()),
    }
}

/// Correct an entry (a normative document's review and correction are
/// recorded this way), at the version read.
#[utoipa::path(
    put,
    path = "/api/v1/registers/{register}/{id}",
    operation_id = "update_register_entry",
    extensions(("x-fazhi-access" = json!("register.manage"))),
    tag = "oversight",
    params(
        ("register" = crate::rest::codes::RegisterName, Path, description = "Which register"),
        ("id" = String, Path, description = "Entry id")
    ),
    request_body = RegisterEntryInput,
    responses((status = 200, description = "The entry as changed", body = RegisterEntryView))
)]
pub async fn update(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path((register, id)): Path<(String, String)>,
    JsonBody(body): JsonBody<RegisterEntryInput>,
) -> Result<Json<RegisterEntryView>, Problem> {
    let register = Register::from_path(&register)?;
    let Some(version) = body.version else {
        return Err(Problem::bad_field(
            "version",
            Code::Required,
            "give the version read",
        ));
    };
    let old = visible(&state, &identity, register, &id).await?;
    let checked = check(
        register,
        &identity.caller,
        &given(&body),
        state.gate.clock.today(),
    )?;
    let mut changed = entry(register, &identity, old.id, checked);
    changed.created_by = old.created_by;
    state
        .gate
        .store
        .update_register_entry(&changed, version)
        .await?;
    changed.version = version + 1;
    Ok(Json(changed.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    /// The version read (a stale one gets 409).
    #[param(value_type = i64)]
    version: String,
}

/// Remove an entry recorded by mistake, at the version read.
#[utoipa::path(
    delete,
    path = "/api/v1/registers/{register}/{id}",
    operation_id = "delete_register_entry",
    extensions(("x-fazhi-access" = json!("register.manage"))),
    tag = "oversight",
    params(
        ("register" = crate::rest::codes::RegisterName, Path, description = "Which register"),
        ("id" = String, Path, description = "Entry id"),
        VersionParams
    ),
    responses((status = 204, description = "Removed"))
)]
pub async fn delete(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path((register, id)): Path<(String, String)>,
    params: Result<Query<VersionParams>, QueryRejection>,
) -> Result<StatusCode, Problem> {
    let register = Register::from_path(&register)?;
    let Query(params) = params?;
    let version = params.version.parse::<i64>().map_err(|_| {
        Problem::bad_field("version", Code::InvalidType, "version must be a number")
    })?;
    let old = visible(&state, &identity, register, &id).await?;
    identity
        .caller
        .check_writes("division_code", &old.division_code)?;
    state
        .gate
        .store
        .delete_register_entry(register.code(), &id, version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Import a register's entries from a list (CSV or .xlsx), all or nothing.
/// Columns: normative documents 区划代码, 文件名称, 印发日期, 文号, 报备日期,
/// 审查日期, 纠正日期; emergency plans 区划代码, 预案名称, 制定或修订日期,
/// 预案类别 (总体/专项); legal advisers 区划代码, 姓名, 聘任日期, 执业机构;
/// demonstration villages 区划代码, 称号, 命名日期, 级别 (全国/省级/市级/县级).
#[utoipa::path(
    post,
    path = "/api/v1/imports/registers/{register}",
    operation_id = "import_register",
    extensions(("x-fazhi-access" = json!("register.manage"))),
    tag = "oversight",
    params(
        ("register" = crate::rest::codes::RegisterName, Path, description = "Which register"),
        FormatParams
    ),
    request_body(
        description = "The list as CSV or .xlsx, told by `format`, else by the file itself",
        content = File,
        content_type = "application/octet-stream"
    ),
    responses((status = 200, description = "Every row imported", body = ImportReport))
)]
pub async fn import(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(register): Path<String>,
    params: Result<Query<FormatParams>, QueryRejection>,
    request: Request,
) -> Result<Json<ImportReport>, Problem> {
    let register = Register::from_path(&register)?;
    let Query(params) = params?;
    let (format, content) = upload(&state, params.format.as_deref(), request).await?;
    let format = fazhi_sheet::Format::from_code(&format).ok_or_else(|| {
        Problem::bad_field(
            "format",
            Code::UnknownCode,
            "format must be one of csv, xlsx",
        )
    })?;
    let table = tokio::task::spawn_blocking(move || fazhi_sheet::read(format, &content))
        .await
        .map_err(Error::internal)??;
    let columns = register.columns();
    if let Err(p) = rows::check_header(&table, columns) {
        return Err(answer(report(0, 0, vec![p])).unwrap_err());
    }
    let data = &table[1..];
    if data.len() > MAX_IMPORT_ROWS {
        return Err(Problem::from(
            Error::new(
                fazhi_platform::ErrorKind::RuleViolation,
                Code::FileLimitExceeded,
                format!("a register list holds at most {MAX_IMPORT_ROWS} rows"),
            )
            .with_field("content"),
        ));
    }
    let mut entries = Vec::with_capacity(data.len());
    let mut rejected = Vec::new();
    for (number, row) in data {
        // The cell under `key`'s column; None when the register has no such column.
        let at = |key: &str| {
            columns
                .iter()
                .position(|(k, _)| *k == key)
                .map(|i| cell(row, i))
        };
        let g = Given {
            division_code: at("division_code").unwrap_or_default(),
            title: at("title").unwrap_or_default(),
            dated: at("dated").unwrap_or_default(),
            number: at("number"),
            filed_on: at("filed_on"),
            reviewed_on: at("reviewed_on"),
            corrected_on: at("corrected_on"),
            kind: at("kind"),
            organisation: at("organisation"),
        };
        match check(register, &identity.caller, &g, state.gate.clock.today()) {
            Ok(c) => entries.push(entry(
                register,
                &identity,
                uuid::Uuid::now_v7().to_string(),
                c,
            )),
            Err(e) => rejected.push(rows::refused(*number, e)),
        }
    }
    let rows = data.len();
    if rejected.is_empty() {
        state.gate.store.insert_register_entries(&entries).await?;
    }
    answer(report(rows, entries.len(), rejected))
}

fn report(rows: usize, records: usize, problems: Vec<rows::RowProblem>) -> pb::ImportReport {
    let report = rows::Report::new(rows, records, problems);
    pb::ImportReport {
        rows: report.rows as i64,
        imported: report.imported as i64,
        rejected: report.rejected_proto(),
        ..Default::default()
    }
}
