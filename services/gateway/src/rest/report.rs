//! `/api/v1/reports/annual`: a division's annual rule-of-law government
//! report (法治政府建设情况的报告) with its figures computed from records —
//! the services' figures for the year and the year before, and the
//! township's registers — as Markdown, HTML, .docx or JSON.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use fazhi_identity::store::NamedDivision;
use fazhi_platform::{Code, DivisionCode, Error, ErrorKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::registers::Register;
use crate::{
    AppState,
    edge::{openapi::File, problem::Problem, query},
    identity::authn::Identity,
    rest::oversight::{Figures, gather},
};

use crate::domain::report::{
    compose::{self, Inputs, Year},
    model::Figure,
    render,
};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The township (or county) reporting (default: the caller's own).
    division: Option<String>,
    /// The China calendar year reported on, e.g. 2026.
    #[param(value_type = i32, minimum = 1990, maximum = 9998)]
    year: String,
    /// `markdown` (default), `html`, `docx` (for WPS or Word) or `json`.
    #[param(value_type = Option<crate::rest::codes::ReportFormat>)]
    format: Option<String>,
}

/// The report as JSON: its Markdown and every figure with its source.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnualReport {
    division_code: String,
    year: i32,
    title: String,
    markdown: String,
    figures: Vec<Figure>,
}

/// A division's annual rule-of-law government report, every figure computed
/// from records and footnoted with the request it came from; the narrative
/// is left as marked placeholders for the township to write.
#[utoipa::path(
    get,
    path = "/api/v1/reports/annual",
    operation_id = "get_annual_report",
    extensions(("x-fazhi-access" = json!("oversight.read"))),
    tag = "oversight",
    params(ReportParams),
    responses((status = 200, description = "The report", content(
        (File = "text/markdown"),
        (File = "text/html"),
        (File = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (AnnualReport = "application/json"),
    )))
)]
pub async fn annual(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params?;
    let format = params.format.as_deref().unwrap_or("markdown");
    if !matches!(format, "markdown" | "html" | "docx" | "json") {
        return Err(Problem::bad_field(
            "format",
            Code::UnknownCode,
            "format must be one of markdown, html, docx, json",
        ));
    }
    let division =
        query::scoped_division(&identity.caller, "division", params.division.as_deref())?
            .unwrap_or_else(|| identity.caller.scope.clone());
    let year = match params.year.parse::<i32>() {
        Ok(y) if (1990..=9998).contains(&y) => y,
        _ => {
            return Err(Problem::bad_field(
                "year",
                Code::InvalidYear,
                "year must be a year from 1990 to 9998",
            ));
        }
    };
    let this_year = chrono::Datelike::year(&state.gate.clock.today());
    if year > this_year {
        return Err(Problem::bad_field(
            "year",
            Code::InvalidYear,
            "the report is for a year that has begun",
        ));
    }
    let inputs = inputs(&state, &identity, &division, year).await?;
    let report = compose::compose(&inputs);
    let typed = |content_type: &'static str, body: Vec<u8>| {
        let mut response = body.into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    };
    Ok(match format {
        "html" => typed(
            "text/html; charset=utf-8",
            render::html(&report).into_bytes(),
        ),
        "docx" => {
            let bytes = tokio::task::spawn_blocking(move || render::docx(&report))
                .await
                .map_err(Error::internal)??;
            let mut response = typed(DOCX, bytes);
            let name = format!("attachment; filename=\"report-{division}-{year}.docx\"");
            if let Ok(value) = HeaderValue::from_str(&name) {
                response
                    .headers_mut()
                    .insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        "json" => Json(AnnualReport {
            division_code: division.as_str().to_owned(),
            year,
            title: report.title.clone(),
            markdown: render::markdown(&report),
            figures: report.figures,
        })
        .into_response(),
        _ => typed(
            "text/markdown; charset=utf-8",
            render::markdown(&report).into_bytes(),
        ),
    })
}

/// Every service's figures for a year, or 503 naming those that did not answer.
fn whole(figures: Figures) -> Result<Year, Vec<&'static str>> {
    match (figures.complaints, figures.cases, figures.training) {
        (Some(complaints), Some(cases), Some(training)) => Ok(Year {
            complaints,
            cases,
            training,
        }),
        _ => Err(figures.unavailable),
    }
}

async fn inputs(
    state: &AppState,
    identity: &Identity,
    division: &DivisionCode,
    year: i32,
) -> Result<Inputs, Problem> {
    let period =
        |y: i32| query::period(("year", Some(&y.to_string())), ("from", None), ("to", None));
    let code = division.as_str().to_owned();
    let (this, last) = tokio::join!(
        gather(state, identity, code.clone(), period(year)?),
        gather(state, identity, code, period(year - 1)?),
    );
    let this = whole(this?).map_err(|missing| {
        Problem::from(Error::new(
            ErrorKind::Unavailable,
            Code::ServiceUnavailable,
            format!(
                "the report needs every service's figures; not answering: {}",
                missing.join(", ")
            ),
        ))
    })?;
    let last = whole(last?).ok();
    let store = &state.gate.store;
    let mut under = store.divisions_under(division).await?;
    let own = under
        .iter()
        .position(|d| &d.code == division)
        .map(|i| under.remove(i))
        .unwrap_or_else(|| NamedDivision {
            code: division.clone(),
            name: division.as_str().to_owned(),
        });
    let end = format!("{year:04}-12-31");
    let read = |register: Register| {
        let end = end.clone();
        async move {
            store
                .register_entries(
                    register.code(),
                    division,
                    (None, Some(&end)),
                    None,
                    i64::MAX,
                )
                .await
        }
    };
    let (documents, plans, advisers, honours) = tokio::try_join!(
        read(Register::NormativeDocuments),
        read(Register::EmergencyPlans),
        read(Register::LegalAdvisers),
        read(Register::DemonstrationVillages),
    )?;
    Ok(Inputs {
        division: own,
        year,
        this,
        last,
        under,
        documents,
        plans,
        advisers,
        honours,
    })
}
