//! The division register (行政区划名录): codes and names the county keeps, so
//! summaries and reports list every township and village by name.

use axum::{
    Extension, Json,
    extract::{Query, State, rejection::QueryRejection},
};
use fazhi_identity::store::NamedDivision;
use fazhi_platform::{
    Code, DivisionCode, Error,
    text::{self, Lines},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    AppState,
    edge::{json::JsonBody, problem::Problem, query},
    identity::authn::Identity,
};

/// Divisions one request may record.
const MAX_DIVISIONS: usize = 5_000;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Division {
    #[schema(example = "411624100")]
    code: String,
    /// 老城镇, 西关村, …
    #[schema(example = "老城镇")]
    name: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DivisionRegister)]
pub struct Divisions {
    divisions: Vec<Division>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DivisionParams {
    /// This division and those under it (default: the caller's own).
    under: Option<String>,
}

/// The registered divisions within a division (itself included), by code.
#[utoipa::path(
    get,
    path = "/api/v1/divisions",
    operation_id = "list_divisions",
    extensions(("x-fazhi-access" = json!("authenticated"))),
    tag = "oversight",
    params(DivisionParams),
    responses((status = 200, description = "The divisions", body = Divisions))
)]
pub async fn list(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<DivisionParams>, QueryRejection>,
) -> Result<Json<Divisions>, Problem> {
    let Query(params) = params?;
    let scope = query::scoped_division(&identity.caller, "under", params.under.as_deref())?
        .unwrap_or_else(|| identity.caller.scope.clone());
    let found = state.gate.store.divisions_under(&scope).await?;
    Ok(Json(Divisions {
        divisions: found
            .into_iter()
            .map(|d| Division {
                code: d.code.as_str().to_owned(),
                name: d.name,
            })
            .collect(),
    }))
}

/// Record or rename divisions (up to 5,000, all or none), each within the
/// caller's own.
#[utoipa::path(
    put,
    path = "/api/v1/divisions",
    operation_id = "put_divisions",
    extensions(("x-fazhi-access" = json!("division.manage"))),
    tag = "oversight",
    request_body = Divisions,
    responses((status = 200, description = "Recorded", body = Divisions))
)]
pub async fn put(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<Divisions>,
) -> Result<Json<Divisions>, Problem> {
    if body.divisions.len() > MAX_DIVISIONS {
        return Err(Problem::bad_field(
            "divisions",
            Code::TooManyValues,
            format!("at most {MAX_DIVISIONS} divisions at once"),
        ));
    }
    let checked = body
        .divisions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let code = DivisionCode::parse_field(&format!("divisions[{i}].code"), &d.code)?;
            identity
                .caller
                .check_writes(&format!("divisions[{i}].code"), &code)?;
            Ok(NamedDivision {
                code,
                name: text::required(&format!("divisions[{i}].name"), &d.name, 50, Lines::One)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    state.gate.store.put_divisions(&checked).await?;
    Ok(Json(Divisions {
        divisions: checked
            .into_iter()
            .map(|d| Division {
                code: d.code.as_str().to_owned(),
                name: d.name,
            })
            .collect(),
    }))
}
