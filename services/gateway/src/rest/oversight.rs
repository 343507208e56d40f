//! `/api/v1/oversight/summary`: the figures a county overseer reads, gathered
//! from every service at once. A service that is down does not fail the
//! summary: its part is null, it is listed under `unavailable`, and the
//! summary is flagged `partial`.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use fazhi_proto::{cases::v1 as cases, complaints::v1 as complaints, training::v1 as training};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::figures::{CaseFigures, ComplaintFigures, TrainingStats};
use crate::{AppState, edge::problem::Problem, edge::query, identity::authn::Identity};

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

/// Whether a service's answer means it is down or late, not that it refused:
/// the oversight reads then go on without it, marked partial.
pub(crate) fn is_down(status: &tonic::Status) -> bool {
    matches!(
        status.code(),
        tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled
    )
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

/// One division's figures from every service at once; a service that is
/// down leaves its part null and is named.
pub(crate) async fn gather(
    state: &AppState,
    identity: &Identity,
    division_code: String,
    period: Option<fazhi_proto::common::v1::TimeRange>,
) -> Result<Figures, Problem> {
    let (mut complaint_client, mut case_client, mut training_client) = (
        state.complaints.clone(),
        state.cases.clone(),
        state.training.clone(),
    );
    let (c, k, t) = tokio::join!(
        complaint_client.get_stats(state.signed(
            identity,
            complaints::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        case_client.get_stats(state.signed(
            identity,
            cases::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        training_client.get_stats(state.signed(
            identity,
            training::GetStatsRequest {
                division_code,
                period
            }
        )),
    );
    let mut unavailable = Vec::new();
    let complaints = part(
        &mut unavailable,
        "complaints",
        c.map(|r| complaint_figures(r.into_inner())),
    )?;
    let cases = part(
        &mut unavailable,
        "cases",
        k.map(|r| case_figures(r.into_inner())),
    )?;
    let training = part(
        &mut unavailable,
        "training",
        t.map(|r| TrainingStats::from(r.into_inner())),
    )?;
    Ok(Figures {
        complaints,
        cases,
        training,
        partial: !unavailable.is_empty(),
        unavailable,
    })
}

/// Each township's figures under `division_code` (one row per code of
/// `townships`, in order), from one grouped read per service; a service that
/// is down leaves its part null in every row and is named.
pub(crate) async fn gather_townships(
    state: &AppState,
    identity: &Identity,
    division_code: String,
    townships: &[String],
    period: Option<fazhi_proto::common::v1::TimeRange>,
) -> Result<Vec<Figures>, Problem> {
    if townships.is_empty() {
        return Ok(Vec::new());
    }
    let (mut complaint_client, mut case_client, mut training_client) = (
        state.complaints.clone(),
        state.cases.clone(),
        state.training.clone(),
    );
    let (c, k, t) = tokio::join!(
        complaint_client.get_township_stats(state.signed(
            identity,
            complaints::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        case_client.get_township_stats(state.signed(
            identity,
            cases::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        training_client.get_township_stats(state.signed(
            identity,
            training::GetStatsRequest {
                division_code,
                period
            }
        )),
    );
    let mut unavailable = Vec::new();
    let mut complaints = part(
        &mut unavailable,
        "complaints",
        c.map(|r| {
            by_code(r.into_inner().townships, |row| {
                (row.division_code, row.stats)
            })
        }),
    )?;
    let mut cases = part(
        &mut unavailable,
        "cases",
        k.map(|r| {
            by_code(r.into_inner().townships, |row| {
                (row.division_code, row.stats)
            })
        }),
    )?;
    let mut training = part(
        &mut unavailable,
        "training",
        t.map(|r| {
            by_code(r.into_inner().townships, |row| {
                (row.division_code, row.stats)
            })
        }),
    )?;
    // A township a service left out had nothing in the period: its figures
    // are the service's zeros, as its own `GetStats` would answer.
    Ok(townships
        .iter()
        .map(|code| Figures {
            complaints: complaints
                .as_mut()
                .map(|rows| complaint_figures(rows.remove(code).unwrap_or_default())),
            cases: cases
                .as_mut()
                .map(|rows| case_figures(rows.remove(code).unwrap_or_default())),
            training: training
                .as_mut()
                .map(|rows| TrainingStats::from(rows.remove(code).unwrap_or_default())),
            partial: !unavailable.is_empty(),
            unavailable: unavailable.clone(),
        })
        .collect())
}

/// A service's township rows by their code.
fn by_code<R, S>(rows: Vec<R>, split: impl Fn(R) -> (String, Option<S>)) -> BTreeMap<String, S> {
    rows.into_iter()
        .filter_map(|row| {
            let (code, stats) = split(row);
            Some((code, stats?))
        })
        .collect()
}

/// A service's answer: its figures, or — when it is down or late — none,
/// with its name added to `unavailable`; a refusal is the caller's error.
fn part<T>(
    unavailable: &mut Vec<&'static str>,
    name: &'static str,
    result: Result<T, tonic::Status>,
) -> Result<Option<T>, Problem> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(status) if is_down(&status) => {
            tracing::warn!(service = name, code = ?status.code(), "summary is partial");
            unavailable.push(name);
            Ok(None)
        }
        Err(status) => Err(status.into()),
    }
}

fn case_figures(s: cases::CaseStats) -> CaseFigures {
    CaseFigures {
        total: s.total,
        filed: s.filed,
        decided: s.decided,
        decided_on_time: s.decided_on_time,
        closed: s.closed,
        review_required: s.review_required,
        reviewed: s.reviewed,
        discussion_required: s.discussion_required,
        discussed: s.discussed,
        recording_required: s.recording_required,
        recorded: s.recorded,
        penalty_decisions: s.penalty_decisions,
        no_penalty_decisions: s.no_penalty_decisions,
        dismissed: s.dismissed,
        transferred: s.transferred,
        simple_decisions: s.simple_decisions,
        published: s.published,
        published_on_time: s.published_on_time,
        avg_days_to_filing: s.avg_days_to_filing,
        avg_days_to_decision: s.avg_days_to_decision,
        fines_imposed_fen: s.fines_imposed_fen,
        fines_collected_fen: s.fines_collected_fen,
        late_charges_fen: s.late_charges_fen,
        certification_refusals: s.certification_refusals,
        not_filed: s.not_filed,
        terminated: s.terminated,
    }
}

fn complaint_figures(s: complaints::ComplaintStats) -> ComplaintFigures {
    let by = |rows: Vec<complaints::CountByKey>| -> BTreeMap<String, i64> {
        rows.into_iter().map(|row| (row.key, row.count)).collect()
    };
    ComplaintFigures {
        received: s.received,
        urgent: s.urgent,
        by_channel: by(s.by_channel),
        by_category: by(s.by_category),
        by_type: by(s.by_type),
        dispatched: s.dispatched,
        accepted_on_time: s.accepted_on_time,
        due: s.due,
        replied_on_time: s.replied_on_time,
        replied_late: s.replied_late,
        overdue: s.overdue,
        replied: s.replied,
        visited: s.visited,
        resolved: s.resolved,
        satisfied: s.satisfied,
        basically_satisfied: s.basically_satisfied,
        unsatisfied: s.unsatisfied,
        closed: s.closed,
        returned: s.returned,
        reopened: s.reopened,
        duplicates: s.duplicates,
        handed_off: s.handed_off,
        extended: s.extended,
        supervised: s.supervised,
        escalated: s.escalated,
        withdrawn: s.withdrawn,
        reassigned: s.reassigned,
        closed_without_follow_up: s.closed_without_follow_up,
        returned_to_county: s.returned_to_county,
        response_rate: s.response_rate,
        on_time_rate: s.on_time_rate,
        resolution_rate: s.resolution_rate,
        satisfaction_rate: s.satisfaction_rate,
        follow_up_rate: s.follow_up_rate,
        repeat_rate: s.repeat_rate,
    }
}
