//! Liveness (`/healthz`: the process answers), readiness (`/readyz`: this
//! gateway takes requests — it is not draining and its own database
//! answers) and status (`/statusz`: each service behind it, as its health
//! check answers now). A service that is down never makes the gateway
//! unready: every route that does not need it goes on serving, and those
//! that do answer 503 (partial, for the summaries); `/statusz` and the
//! `fazhi_replica_serving` gauge say which.

use axum::{Json, extract::State, http::StatusCode};
use fazhi_platform::grpc;
use serde_json::{Map, Value, json};

use crate::{AppState, READINESS_TIMEOUT};

pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    // Draining: answered at once, so balancers move away.
    if state.gate.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "draining" })),
        );
    }
    let database =
        tokio::time::timeout(READINESS_TIMEOUT, state.gate.store.database().ping()).await;
    let (code, status) = match database {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "the gateway's database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database_timeout"),
    };
    (
        code,
        Json(json!({
            "status": status,
            // The gateway's own SQLite file and its write-ahead log (kept
            // under `database.wal_limit_mib`); null on PostgreSQL.
            "database": state.gate.store.database().file_sizes().map(|(file, wal)| {
                json!({ "file_bytes": file, "wal_bytes": wal })
            }),
        })),
    )
}

/// Each service behind the gateway as its health check answers now, and
/// the calendar's warnings; always 200 while the gateway answers at all.
pub async fn statusz(State(state): State<AppState>) -> Json<Value> {
    let checks = state
        .channels
        .iter()
        .map(|(name, service, channel)| async move {
            let status = match tokio::time::timeout(
                READINESS_TIMEOUT,
                grpc::check_health(channel.clone(), service),
            )
            .await
            {
                Ok(Ok(true)) => "serving",
                Ok(Ok(false)) => "not_serving",
                Ok(Err(_)) => "unavailable",
                Err(_) => "timeout",
            };
            (*name, status)
        });
    let results = futures::future::join_all(checks).await;
    let all = results.iter().all(|(_, status)| *status == "serving");
    let services: Map<String, Value> = results
        .into_iter()
        .map(|(name, status)| (name.to_owned(), json!(status)))
        .collect();
    let warnings = state
        .calendar
        .as_deref()
        .map(|calendar| calendar_warnings(calendar, state.gate.clock.today()))
        .unwrap_or_default();
    Json(json!({
        "status": if state.gate.is_draining() {
            "draining"
        } else if all {
            "serving"
        } else {
            "degraded"
        },
        "services": services,
        "warnings": warnings,
        "database": state.gate.store.database().file_sizes().map(|(file, wal)| {
            json!({ "file_bytes": file, "wal_bytes": wal })
        }),
    }))
}

/// Days before a year's end from which next year's holidays are needed:
/// deadlines (15 working days, an extension, the follow-up) reach into it.
const CALENDAR_LEAD_DAYS: i64 = 60;

/// Readiness stays up, but says so when deadlines now count weekends alone:
/// this year, or soon next year, has no holiday notice in the calendar.
fn calendar_warnings(calendar: &fazhi_calendar::Calendar, today: chrono::NaiveDate) -> Vec<String> {
    use chrono::Datelike;
    let mut years = vec![today.year()];
    let year_end = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    if (year_end - today).num_days() <= CALENDAR_LEAD_DAYS {
        years.push(today.year() + 1);
    }
    years
        .into_iter()
        .filter(|year| !calendar.covers(*year))
        .map(|year| {
            format!(
                "the holiday calendar has no notice for {year}: deadlines there count weekends only and are flagged; add it with calendar.file"
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_warns_of_a_year_the_calendar_does_not_cover() {
        let empty = fazhi_calendar::Calendar::from_toml("year = []").unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2031, 6, 1).unwrap();
        let warnings = calendar_warnings(&empty, today);
        let this_year = chrono::Datelike::year(&today);
        assert!(
            warnings.iter().any(|w| w.contains(&this_year.to_string())),
            "{warnings:?}"
        );
    }
}
