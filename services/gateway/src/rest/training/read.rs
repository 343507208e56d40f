//! Reading a township's records back: sessions, exams and outreach events
//! of a division and period, page by page.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use fazhi_platform::auth::Caller;
use fazhi_proto::{common::v1::TimeRange, training::v1 as pb};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    AppState,
    edge::{problem::Problem, query},
    identity::authn::Identity,
    rest::training::body::{
        self, ListExamsResponse, ListOutreachEventsResponse, ListTrainingSessionsResponse,
    },
};

/// The parameters every read-back shares, and `kind` where it applies.
macro_rules! list_params {
    ($(#[$meta:meta])* $name:ident $(, kind: $kind:ty)?) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, IntoParams)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            /// Only this division and those under it (default: all the caller may see).
            division: Option<String>,
            /// Held from this day (2026-03-01, China time) or RFC 3339 time on.
            from: Option<String>,
            /// Held to this day, included, or before this RFC 3339 time.
            to: Option<String>,
            /// A whole China calendar year instead of `from`/`to`, e.g. 2026.
            #[param(value_type = Option<i32>, minimum = 1990, maximum = 9998)]
            year: Option<String>,
            $(
            /// Only those of this kind.
            #[param(value_type = Option<$kind>)]
            kind: Option<String>,
            )?
            /// 1 to 200; default 50.
            #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
            page_size: Option<String>,
            /// Opaque token from the previous page.
            page_token: Option<String>,
        }

        impl $name {
            /// The division (within the caller's), the period, the page size
            /// and the page token asked for.
            fn parts(&self, caller: &Caller) -> Result<Parts, Problem> {
                Ok(Parts {
                    division_code: query::division_code(caller, "division", self.division.as_deref())?,
                    period: query::period(
                        ("year", self.year.as_deref()),
                        ("from", self.from.as_deref()),
                        ("to", self.to.as_deref()),
                    )?,
                    page_size: query::page_size(self.page_size.as_deref())?,
                    page_token: self.page_token.clone().unwrap_or_default(),
                })
            }
        }
    };
}

/// What every read-back asks for, read and checked.
struct Parts {
    division_code: String,
    period: Option<TimeRange>,
    page_size: i32,
    page_token: String,
}

list_params!(SessionListParams, kind: crate::rest::codes::TrainingKind);
list_params!(ExamListParams, kind: crate::rest::codes::ExamKind);
list_params!(OutreachListParams);

/// Training sessions held in the caller's divisions, with their attendance,
/// page by page.
#[utoipa::path(
    get,
    path = "/api/v1/training-sessions",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(SessionListParams),
    responses((status = 200, description = "One page", body = ListTrainingSessionsResponse))
)]
pub async fn list_training_sessions(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<SessionListParams>, QueryRejection>,
) -> Result<Json<ListTrainingSessionsResponse>, Problem> {
    let Query(params) = params?;
    let parts = params.parts(&identity.caller)?;
    let request = pb::ListTrainingSessionsRequest {
        division_code: parts.division_code,
        period: parts.period,
        kind: match params.kind.as_deref() {
            None | Some("") => 0,
            Some(code) => body::training_kind("kind", code)?,
        },
        page_size: parts.page_size,
        page_token: parts.page_token,
    };
    Ok(Json(
        state
            .training
            .clone()
            .list_training_sessions(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Exams held in the caller's divisions, with their results, page by page.
#[utoipa::path(
    get,
    path = "/api/v1/exams",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(ExamListParams),
    responses((status = 200, description = "One page", body = ListExamsResponse))
)]
pub async fn list_exams(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<ExamListParams>, QueryRejection>,
) -> Result<Json<ListExamsResponse>, Problem> {
    let Query(params) = params?;
    let parts = params.parts(&identity.caller)?;
    let request = pb::ListExamsRequest {
        division_code: parts.division_code,
        period: parts.period,
        kind: match params.kind.as_deref() {
            None | Some("") => 0,
            Some(code) => body::exam_kind("kind", code)?,
        },
        page_size: parts.page_size,
        page_token: parts.page_token,
    };
    Ok(Json(
        state
            .training
            .clone()
            .list_exams(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Outreach events held in the caller's divisions, page by page.
#[utoipa::path(
    get,
    path = "/api/v1/outreach-events",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(OutreachListParams),
    responses((status = 200, description = "One page", body = ListOutreachEventsResponse))
)]
pub async fn list_outreach_events(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<OutreachListParams>, QueryRejection>,
) -> Result<Json<ListOutreachEventsResponse>, Problem> {
    let Query(params) = params?;
    let parts = params.parts(&identity.caller)?;
    let request = pb::ListOutreachEventsRequest {
        division_code: parts.division_code,
        period: parts.period,
        page_size: parts.page_size,
        page_token: parts.page_token,
    };
    Ok(Json(
        state
            .training
            .clone()
            .list_outreach_events(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}
