//! `/api/v1/oversight/summary`: the figures a county overseer reads, gathered
//! from every service at once. A service that is down does not fail the
//! summary: its part is null, it is listed under `unavailable`, and the
//! summary is flagged `partial`.

use axum::{
    Json, Router,
    extract::{Query, State, rejection::QueryRejection},
    routing::get,
};
use fazhi_proto::{cases::v1 as cases, complaints::v1 as complaints, training::v1 as training};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{AppState, problem::Problem, query};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/oversight/summary", get(summary))
}

#[derive(Debug, Deserialize)]
pub struct SummaryParams {
    division: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    division: Option<String>,
    complaints: Option<Value>,
    cases: Option<Value>,
    training: Option<Value>,
    partial: bool,
    unavailable: Vec<&'static str>,
}

async fn summary(
    State(state): State<AppState>,
    params: Result<Query<SummaryParams>, QueryRejection>,
) -> Result<Json<Summary>, Problem> {
    let Query(params) = params?;
    let division = query::division("division", params.division.as_deref())?.map(String::from);
    let period = query::period(
        ("from", params.from.as_deref()),
        ("to", params.to.as_deref()),
    )?;
    let division_code = division.clone().unwrap_or_default();

    let (mut complaint_client, mut case_client, mut training_client) = (
        state.complaints.clone(),
        state.cases.clone(),
        state.training.clone(),
    );
    let (c, k, t) = tokio::join!(
        complaint_client.get_stats(complaints::GetStatsRequest {
            division_code: division_code.clone(),
            period
        }),
        case_client.get_stats(cases::GetStatsRequest {
            division_code: division_code.clone(),
            period
        }),
        training_client.get_stats(training::GetStatsRequest {
            division_code,
            period
        }),
    );
    let mut unavailable = Vec::new();
    let mut part = |name: &'static str,
                    result: Result<Value, tonic::Status>|
     -> Result<Option<Value>, Problem> {
        match result {
            Ok(value) => Ok(Some(value)),
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::Unavailable
                        | tonic::Code::DeadlineExceeded
                        | tonic::Code::Cancelled
                ) =>
            {
                tracing::warn!(service = name, code = ?status.code(), "summary is partial");
                unavailable.push(name);
                Ok(None)
            }
            Err(status) => Err(status.into()),
        }
    };
    let complaints = part("complaints", c.map(|r| complaint_figures(r.into_inner())))?;
    let cases = part(
        "cases",
        k.map(|r| {
            let s = r.into_inner();
            json!({ "total": s.total, "filed": s.filed, "decided": s.decided, "closed": s.closed })
        }),
    )?;
    let training = part(
        "training",
        t.map(|r| {
            let s = r.into_inner();
            json!({
                "people": s.people,
                "enforcement_staff": s.enforcement_staff,
                "certificate_holders": s.certificate_holders,
                "certificate_holders_section_level": s.certificate_holders_section_level,
            })
        }),
    )?;
    Ok(Json(Summary {
        division,
        complaints,
        cases,
        training,
        partial: !unavailable.is_empty(),
        unavailable,
    }))
}

fn complaint_figures(s: complaints::ComplaintStats) -> Value {
    let by = |rows: Vec<complaints::CountByKey>| -> Value {
        Value::Object(
            rows.into_iter()
                .map(|row| (row.key, json!(row.count)))
                .collect(),
        )
    };
    json!({
        "received": s.received,
        "urgent": s.urgent,
        "by_channel": by(s.by_channel),
        "by_category": by(s.by_category),
        "by_status": by(s.by_status),
    })
}
