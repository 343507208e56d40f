//! `/api/v1/oversight/summary`: the figures a county overseer reads, gathered
//! from every service at once. A service that is down does not fail the
//! summary: its part is null, it is listed under `unavailable`, and the
//! summary is flagged `partial`.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::figures::{CaseFigures, ComplaintFigures, TrainingStats};
use crate::{AppState, edge::problem::Problem, edge::query, identity::authn::Identity};

mod gather;
pub(crate) use gather::{gather, gather_townships, is_down};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// From this day (2026-03-01, China time) or RFC 3339 time on.
    from: Option<String>,
    /// To this day, included (2026-12-31), or before this RFC 3339 time.
    to: Option<String>,
    /// A whole China calendar year instead of `from`/`to`, e.g. 2026.
    #[param(value_type = Option<i32>, minimum = 1990, maximum = 9998)]
    year: Option<String>,
    /// `json` (default), or the same table as `csv` or `xlsx`: a line per
    /// township and the total, a column per figure.
    #[param(value_type = Option<crate::rest::codes::TableFormat>)]
    format: Option<String>,
    /// `true`: beside the total and each township, `previous` holds the
    /// same figures for the period a year earlier (同比).
    #[param(value_type = Option<bool>)]
    year_on_year: Option<String>,
    /// `zh`: the CSV or .xlsx header row in Chinese (诉求受理数, 立案数, …);
    /// default: the figures' keys. The columns are the same either way.
    #[param(value_type = Option<String>)]
    lang: Option<String>,
}

/// One division's figures from every service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Figures {
    /// Complaint figures; null when the complaints service is unavailable.
    pub(crate) complaints: Option<ComplaintFigures>,
    /// Case figures; null when the cases service is unavailable.
    pub(crate) cases: Option<CaseFigures>,
    /// Training figures; null when the training service is unavailable.
    pub(crate) training: Option<TrainingStats>,
    /// True when some service did not answer.
    pub(crate) partial: bool,
    /// The services that did not answer.
    pub(crate) unavailable: Vec<&'static str>,
}

/// A township's row of the summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct TownshipRow {
    division_code: String,
    /// Its name in the division register.
    name: String,
    #[serde(flatten)]
    figures: Figures,
    /// The same period a year earlier, when asked for (`year_on_year`).
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<Figures>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = OversightSummary)]
pub struct Summary {
    /// The division asked for; null means all the caller may see.
    division: Option<String>,
    /// Complaint figures; null when the complaints service is unavailable.
    complaints: Option<ComplaintFigures>,
    /// Case figures; null when the cases service is unavailable.
    cases: Option<CaseFigures>,
    /// Training figures; null when the training service is unavailable.
    training: Option<TrainingStats>,
    /// True when some service did not answer.
    partial: bool,
    /// The services that did not answer (for the total).
    unavailable: Vec<&'static str>,
    /// Each township registered under the division (`PUT /api/v1/divisions`),
    /// side by side; the fields above are the division's total.
    townships: Vec<TownshipRow>,
    /// The total for the same period a year earlier, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<Figures>,
}

/// Figures from every service for a division and period; a service that is
/// down leaves its part null and flags the summary `partial`.
#[utoipa::path(
    get,
    path = "/api/v1/oversight/summary",
    operation_id = "get_oversight_summary",
    extensions(("x-fazhi-access" = json!("oversight.read"))),
    tag = "oversight",
    params(SummaryParams),
    responses((status = 200, description = "The summary", content(
        (Summary = "application/json"),
        (crate::edge::openapi::File = "text/csv"),
        (crate::edge::openapi::File = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )))
)]
pub async fn summary(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<SummaryParams>, QueryRejection>,
) -> Result<axum::response::Response, Problem> {
    let Query(params) = params?;
    let format = params.format.as_deref().unwrap_or("json");
    let zh = match params.lang.as_deref() {
        None | Some("key") => false,
        Some("zh") => true,
        Some(_) => {
            return Err(Problem::bad_field(
                "lang",
                fazhi_platform::Code::UnknownCode,
                "lang must be zh or key",
            ));
        }
    };
    if !matches!(format, "json" | "csv" | "xlsx") {
        return Err(Problem::bad_field(
            "format",
            fazhi_platform::Code::UnknownCode,
            "format must be one of json, csv, xlsx",
        ));
    }
    let division =
        query::scoped_division(&identity.caller, "division", params.division.as_deref())?;
    let period = query::period(
        ("year", params.year.as_deref()),
        ("from", params.from.as_deref()),
        ("to", params.to.as_deref()),
    )?;
    let earlier = query::flag("year_on_year", params.year_on_year.as_deref())?
        .then(|| year_before(period))
        .flatten();
    let previous = |division: String| {
        let (state, identity) = (&state, &identity);
        async move {
            match earlier {
                Some(range) => gather(state, identity, division, Some(range))
                    .await
                    .map(Some),
                None => Ok(None),
            }
        }
    };
    let total_code = division
        .as_ref()
        .map(|d| d.as_str().to_owned())
        .unwrap_or_default();
    let (total, total_previous) = tokio::try_join!(
        gather(&state, &identity, total_code.clone(), period),
        previous(total_code.clone()),
    )?;
    // Each registered township under the division asked for, side by side.
    let scope = division
        .clone()
        .unwrap_or_else(|| identity.caller.scope.clone());
    let division = division.map(String::from);
    let townships: Vec<_> = state
        .gate
        .store
        .divisions_under(&scope)
        .await?
        .into_iter()
        // A township's own summary has one row: its own.
        .filter(|d| d.code.level() == fazhi_platform::division::DivisionLevel::Township)
        .take(MAX_ROWS)
        .collect();
    // Every township's figures from one grouped read per service and period.
    let codes: Vec<String> = townships
        .iter()
        .map(|t| t.code.as_str().to_owned())
        .collect();
    let (figures, before) = tokio::try_join!(
        gather_townships(&state, &identity, total_code.clone(), &codes, period),
        async {
            match earlier {
                Some(range) => {
                    gather_townships(&state, &identity, total_code.clone(), &codes, Some(range))
                        .await
                        .map(Some)
                }
                None => Ok(None),
            }
        },
    )?;
    let mut before = before.map(Vec::into_iter);
    let rows: Vec<TownshipRow> = townships
        .into_iter()
        .zip(figures)
        .map(|(township, figures)| TownshipRow {
            division_code: township.code.as_str().to_owned(),
            name: township.name,
            figures,
            previous: before.as_mut().and_then(Iterator::next),
        })
        .collect();
    let summary = Summary {
        division,
        partial: total.partial || rows.iter().any(|r| r.figures.partial),
        complaints: total.complaints,
        cases: total.cases,
        training: total.training,
        unavailable: total.unavailable,
        townships: rows,
        previous: total_previous,
    };
    if format == "json" {
        return Ok(axum::response::IntoResponse::into_response(Json(summary)));
    }
    let value = serde_json::to_value(&summary).map_err(fazhi_platform::Error::internal)?;
    crate::rest::oversight_table::file(&value, format, zh)
}

/// The same span one year earlier (29 February falls back to the 28th);
/// an open end stays open.
fn year_before(
    period: Option<fazhi_proto::common::v1::TimeRange>,
) -> Option<fazhi_proto::common::v1::TimeRange> {
    use chrono::Datelike;
    let back = |ts: &fazhi_proto::Timestamp| {
        let at =
            fazhi_platform::time::from_timestamp(ts)?.with_timezone(&fazhi_platform::time::china());
        let moved = at
            .with_year(at.year() - 1)
            .or_else(|| (at - chrono::Duration::days(1)).with_year(at.year() - 1))?;
        Some(fazhi_platform::time::to_timestamp(
            moved.with_timezone(&chrono::Utc),
        ))
    };
    let range = period?;
    Some(fazhi_proto::common::v1::TimeRange {
        start: range.start.as_ref().and_then(back),
        end: range.end.as_ref().and_then(back),
    })
}

/// Townships one summary lists at most.
const MAX_ROWS: usize = 200;
