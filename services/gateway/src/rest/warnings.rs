//! `/api/v1/oversight/warnings`: deadlines near (yellow) or passed (red)
//! across the services, each linking to its record, for the caller's
//! divisions. A service that is down leaves its warnings out and is named.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use fazhi_platform::{Code, paging, time};
use fazhi_proto::common::v1 as common;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{AppState, edge::problem::Problem, edge::query, identity::authn::Identity};

/// The kinds of warning, with the service each comes from.
const KINDS: &[&str] = &[
    "complaint_accept",
    "complaint_reply",
    "complaint_feedback",
    "petition_accept",
    "case_decision",
    "case_statement",
    "case_hearing",
    "case_service",
    "case_publicity",
    "case_seizure",
    "case_payment",
    "case_court",
    "case_hand_in",
    "certificate_expiry",
    "training_hours",
];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WarningParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// `yellow` (near) or `red` (passed); both when absent.
    #[param(value_type = Option<crate::rest::codes::WarningLevelCode>)]
    level: Option<String>,
    /// One kind only: complaint_accept, complaint_reply, complaint_feedback
    /// (an urgent request's first feedback), petition_accept (a petition's
    /// decision whether it is accepted), case_decision,
    /// case_statement, case_hearing, case_service, case_publicity,
    /// case_seizure, case_payment, case_court, case_hand_in, certificate_expiry,
    /// training_hours.
    kind: Option<String>,
    /// 1 to 200 (default 50).
    #[param(value_type = Option<i32>)]
    page_size: Option<String>,
    page_token: Option<String>,
}

/// A deadline near or passed.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = DeadlineWarning)]
pub struct Warning {
    kind: String,
    /// yellow (near) or red (passed).
    #[schema(value_type = crate::rest::codes::WarningLevelCode)]
    level: &'static str,
    division_code: String,
    /// The deadline.
    due_at: String,
    /// What the record is (a tracking code, a case, a certificate number).
    title: String,
    record_id: String,
    /// The record's REST path.
    link: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = WarningList)]
pub struct Warnings {
    /// By deadline, the earliest first.
    warnings: Vec<Warning>,
    /// Give it as `page_token` for the next page; empty on the last.
    next_page_token: String,
    /// A service had more warnings than one answer holds (1,000 each).
    truncated: bool,
    /// True when some service did not answer.
    partial: bool,
    unavailable: Vec<&'static str>,
}

/// Every service's warnings for a division (empty: all the caller may
/// see), and the services that did not answer.
pub(crate) struct Gathered {
    pub(crate) warnings: Vec<common::Warning>,
    pub(crate) truncated: bool,
    pub(crate) unavailable: Vec<&'static str>,
}

/// Asks the three services at once; one that is down is named, not fatal.
pub(crate) async fn gather(
    state: &AppState,
    identity: &Identity,
    division: &str,
) -> Result<Gathered, Problem> {
    let request = || common::ListWarningsRequest {
        division_code: division.to_owned(),
    };
    let (mut complaints, mut cases, mut training) = (
        state.complaints.clone(),
        state.cases.clone(),
        state.training.clone(),
    );
    let (c, k, t) = tokio::join!(
        complaints.list_warnings(state.signed(identity, request())),
        cases.list_warnings(state.signed(identity, request())),
        training.list_warnings(state.signed(identity, request())),
    );
    let mut gathered = Gathered {
        warnings: Vec::new(),
        truncated: false,
        unavailable: Vec::new(),
    };
    for (name, answer) in [("complaints", c), ("cases", k), ("training", t)] {
        match answer {
            Ok(answer) => {
                let answer = answer.into_inner();
                gathered.truncated |= answer.truncated;
                gathered.warnings.extend(answer.warnings);
            }
            Err(status) if crate::rest::oversight::is_down(&status) => {
                tracing::warn!(service = name, code = ?status.code(), "warnings are partial");
                gathered.unavailable.push(name);
            }
            Err(status) => return Err(status.into()),
        }
    }
    Ok(gathered)
}

fn link(kind: &str, id: &str) -> String {
    match kind.split('_').next() {
        Some("complaint") => format!("/api/v1/complaints/{id}"),
        Some("case") => format!("/api/v1/cases/{id}"),
        Some("certificate") => format!("/api/v1/certificates/{id}"),
        _ => format!("/api/v1/people/{id}"),
    }
}

/// Deadlines near (yellow) or passed (red): complaint sign-for and replies,
/// case decisions, statement and hearing windows, service, publicity and
/// seizures, expiring certificates and, in the fourth quarter, officers short
/// of the year's training hours.
#[utoipa::path(
    get,
    path = "/api/v1/oversight/warnings",
    operation_id = "list_warnings",
    extensions(("x-fazhi-access" = json!("oversight.read"))),
    tag = "oversight",
    params(WarningParams),
    responses((status = 200, description = "The warnings", body = Warnings))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<WarningParams>, QueryRejection>,
) -> Result<Json<Warnings>, Problem> {
    let Query(params) = params?;
    let division = query::division_code(&identity.caller, "division", params.division.as_deref())?;
    let level = match params.level.as_deref().unwrap_or_default() {
        "" => None,
        "yellow" => Some(common::WarningLevel::Yellow as i32),
        "red" => Some(common::WarningLevel::Red as i32),
        _ => {
            return Err(Problem::bad_field(
                "level",
                Code::UnknownCode,
                "level must be yellow or red",
            ));
        }
    };
    let kind = params.kind.as_deref().unwrap_or_default();
    if !kind.is_empty() && !KINDS.contains(&kind) {
        return Err(Problem::bad_field(
            "kind",
            Code::UnknownCode,
            format!("kind must be one of {}", KINDS.join(", ")),
        ));
    }
    let size = paging::page_size(query::page_size(params.page_size.as_deref())?)?;
    let after = paging::decode_token(params.page_token.as_deref().unwrap_or_default(), 3)?;
    let Gathered {
        warnings: all,
        truncated,
        unavailable,
    } = gather(&state, &identity, &division).await?;
    let mut found: Vec<(String, Warning)> = all
        .into_iter()
        .filter(|w| level.is_none_or(|l| w.level == l))
        .filter(|w| kind.is_empty() || w.kind == kind)
        .filter_map(|w| {
            let due = time::from_timestamp(w.due_at.as_ref()?)?;
            Some((
                format!("{:020}", time::to_micros(due)),
                Warning {
                    link: link(&w.kind, &w.record_id),
                    level: if w.level == common::WarningLevel::Red as i32 {
                        "red"
                    } else {
                        "yellow"
                    },
                    kind: w.kind,
                    division_code: w.division_code,
                    due_at: time::to_rfc3339(due),
                    title: w.title,
                    record_id: w.record_id,
                },
            ))
        })
        .collect();
    let position =
        |(due, w): &(String, Warning)| (due.clone(), w.kind.clone(), w.record_id.clone());
    found.sort_by_key(position);
    if let Some(after) = after {
        let after = (after[0].clone(), after[1].clone(), after[2].clone());
        found.retain(|f| position(f) > after);
    }
    let next_page_token = paging::cut(&mut found, size, |f| {
        let (a, b, c) = position(f);
        vec![a, b, c]
    });
    Ok(Json(Warnings {
        warnings: found.into_iter().map(|(_, w)| w).collect(),
        next_page_token,
        truncated,
        partial: !unavailable.is_empty(),
        unavailable,
    }))
}
