//! `/api/v1/oversight/summary`: the figures a county overseer reads, gathered
//! from every service at once. A service that is down does not fail the
//! summary: its part is null, it is listed under `unavailable`, and the
//! summary is flagged `partial`.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use fazhi_proto::{cases::v1 as cases, complaints::v1 as complaints, training::v1 as training};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::rest::training::body::TrainingStats;
use crate::{AppState, edge::problem::Problem, edge::query, identity::authn::Identity};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// Period start (RFC 3339).
    from: Option<String>,
    /// Period end (RFC 3339).
    to: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    /// The division asked for; null means all the caller may see.
    division: Option<String>,
    /// Complaint figures; null when the complaints service is unavailable.
    complaints: Option<Value>,
    /// Case figures; null when the cases service is unavailable.
    cases: Option<Value>,
    /// Training figures; null when the training service is unavailable.
    training: Option<Value>,
    /// True when some service did not answer.
    partial: bool,
    /// The services that did not answer.
    unavailable: Vec<&'static str>,
}

/// Figures from every service for a division and period; a service that is
/// down leaves its part null and flags the summary `partial`.
#[utoipa::path(
    get,
    path = "/api/v1/oversight/summary",
    extensions(("x-fazhi-access" = json!("oversight.read"))),
    tag = "oversight",
    params(SummaryParams),
    responses((status = 200, description = "The summary", body = Summary))
)]
pub async fn summary(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<SummaryParams>, QueryRejection>,
) -> Result<Json<Summary>, Problem> {
    let Query(params) = params?;
    let division =
        query::scoped_division(&identity.caller, "division", params.division.as_deref())?
            .map(String::from);
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
        complaint_client.get_stats(state.signed(
            &identity,
            complaints::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        case_client.get_stats(state.signed(
            &identity,
            cases::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        training_client.get_stats(state.signed(
            &identity,
            training::GetStatsRequest {
                division_code,
                period
            }
        )),
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
        t.map(|r| serde_json::to_value(TrainingStats::from(r.into_inner())).unwrap_or_default()),
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
