//! Training, exams, certificates and outreach over REST. Bodies are the
//! gateway's own (`body`), in the one REST mapping; rules are the training
//! service's.

pub(crate) mod body;
mod certificates;
mod read;

pub use certificates::*;
pub use read::*;

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::IntoResponse,
};
use fazhi_proto::training::v1 as pb;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::{
    AppState,
    edge::{json::JsonBody, mapping::date_from_rest, problem::Problem, query},
    identity::authn::Identity,
};
use body::{
    CreatePersonRequest, Exam, IsCertifiedResponse, ListPeopleResponse, OutreachEvent, Person,
    RecordExamRequest, RecordOutreachRequest, RecordTrainingRequest, TrainingSession,
    TrainingStats,
};

fn created<T: serde::Serialize>(location: String, body: T) -> impl IntoResponse {
    (
        StatusCode::CREATED,
        [(http::header::LOCATION, location)],
        Json(body),
    )
}

/// Record a person who may be trained, examined and certified.
#[utoipa::path(
    post,
    path = "/api/v1/people",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    request_body = CreatePersonRequest,
    responses((status = 201, description = "Recorded (ID number masked)", body = Person))
)]
pub async fn create_person(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<CreatePersonRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = body.into_proto()?;
    let person = Person::from(
        state
            .training
            .clone()
            .create_person(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok(created(format!("/api/v1/people/{}", person.id), person))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// Opaque token from the previous page.
    page_token: Option<String>,
}

/// People of the caller's divisions, page by page.
#[utoipa::path(
    get,
    path = "/api/v1/people",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(PeopleParams),
    responses((status = 200, description = "One page", body = ListPeopleResponse))
)]
pub async fn list_people(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<PeopleParams>, QueryRejection>,
) -> Result<Json<ListPeopleResponse>, Problem> {
    let Query(params) = params?;
    let request = pb::ListPeopleRequest {
        division_code: query::division_code(
            &identity.caller,
            "division",
            params.division.as_deref(),
        )?,
        page_size: query::page_size(params.page_size.as_deref())?,
        page_token: params.page_token.unwrap_or_default(),
    };
    Ok(Json(
        state
            .training
            .clone()
            .list_people(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// One person.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, description = "The person", body = Person))
)]
pub async fn get_person(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<Person>, Problem> {
    Ok(Json(
        state
            .training
            .clone()
            .get_person(state.signed(&identity, pb::GetPersonRequest { id }))
            .await?
            .into_inner()
            .into(),
    ))
}

/// A dated change at a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DatedChangeRequest)]
pub struct Change {
    /// The version read; a stale one answers 409.
    version: i64,
    /// When it takes effect (default today), e.g. 2023-11-20.
    #[serde(default)]
    on: String,
}

/// Take a person off the enforcement post; their certificates in force are cancelled (注销).
#[utoipa::path(
    post,
    path = "/api/v1/people/{id}/leave-post",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    params(("id" = String, Path, description = "Person id")),
    request_body = Change,
    responses((status = 200, description = "The person now", body = Person))
)]
pub async fn leave_post(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Change>,
) -> Result<Json<Person>, Problem> {
    let request = pb::LeavePostRequest {
        person_id: id,
        on: date_from_rest("on", &body.on)?,
        version: body.version,
    };
    Ok(Json(
        state
            .training
            .clone()
            .leave_post(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// A transfer to another division, at a version.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TransferPersonRequest)]
pub struct Transfer {
    /// The division the person moves to.
    #[schema(example = "411624101")]
    division_code: String,
    /// The version read; a stale one answers 409.
    version: i64,
    /// When the transfer takes effect (default today), e.g. 2023-11-20.
    #[serde(default)]
    #[schema(format = Date)]
    on: Option<String>,
}

/// Transfer a person to another division (调动; the caller must act for
/// both): their certificates in force are cancelled (注销), and a
/// registration of them held in the new division is merged into their record.
#[utoipa::path(
    post,
    path = "/api/v1/people/{id}/transfer",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    params(("id" = String, Path, description = "Person id")),
    request_body = Transfer,
    responses((status = 200, description = "The person now", body = Person))
)]
pub async fn transfer_person(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Transfer>,
) -> Result<Json<Person>, Problem> {
    let request = pb::TransferPersonRequest {
        person_id: id,
        division_code: body.division_code,
        on: date_from_rest("on", body.on.as_deref().unwrap_or_default())?,
        version: body.version,
    };
    Ok(Json(
        state
            .training
            .clone()
            .transfer_person(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertifiedParams {
    /// The date asked about (default today), e.g. 2023-11-20.
    #[param(value_type = Option<String>, format = Date)]
    on: Option<String>,
    /// The division an action is taken in: certified only by a certificate
    /// whose area takes it in (default: anywhere), e.g. 411624100.
    division: Option<String>,
    /// The action's enforcement category: certified only by a certificate
    /// for it (default: any).
    #[param(value_type = Option<crate::rest::codes::EnforcementCategory>)]
    category: Option<String>,
}

/// Whether a person may act as an enforcement officer on a date (in a
/// division and category when given), and if not, why.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/certified",
    operation_id = "is_certified",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(("id" = String, Path, description = "Person id"), CertifiedParams),
    responses((status = 200, description = "The answer", body = IsCertifiedResponse))
)]
pub async fn is_certified(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    params: Result<Query<CertifiedParams>, QueryRejection>,
) -> Result<Json<IsCertifiedResponse>, Problem> {
    let Query(params) = params?;
    let request = pb::IsCertifiedRequest {
        person_id: id,
        on: date_from_rest("on", params.on.as_deref().unwrap_or_default())?,
        // Any division may be asked about: a question, not a scope.
        division_code: fazhi_platform::DivisionCode::parse_optional_field(
            "division",
            params.division.as_deref().unwrap_or_default(),
        )?
        .map(String::from)
        .unwrap_or_default(),
        category: match params.category.as_deref() {
            None | Some("") => 0,
            Some(code) => body::category("category", code)?,
        },
    };
    Ok(Json(
        state
            .training
            .clone()
            .is_certified(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Record a training session and its attendance.
#[utoipa::path(
    post,
    path = "/api/v1/training-sessions",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    request_body = RecordTrainingRequest,
    responses((status = 201, description = "Recorded", body = TrainingSession))
)]
pub async fn record_training(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<RecordTrainingRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = pb::RecordTrainingRequest {
        session: Some(body.session()?),
    };
    let session = TrainingSession::from(
        state
            .training
            .clone()
            .record_training(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok(created(
        format!("/api/v1/training-sessions/{}", session.id),
        session,
    ))
}

/// Record an exam and its results.
#[utoipa::path(
    post,
    path = "/api/v1/exams",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    request_body = RecordExamRequest,
    responses((status = 201, description = "Recorded", body = Exam))
)]
pub async fn record_exam(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<RecordExamRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = pb::RecordExamRequest {
        exam: Some(body.exam()?),
    };
    let exam = Exam::from(
        state
            .training
            .clone()
            .record_exam(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok(created(format!("/api/v1/exams/{}", exam.id), exam))
}

/// Record a public legal-education event (普法宣传活动).
#[utoipa::path(
    post,
    path = "/api/v1/outreach-events",
    extensions(("x-fazhi-access" = json!("training.manage"))),
    tag = "training",
    request_body = RecordOutreachRequest,
    responses((status = 201, description = "Recorded", body = OutreachEvent))
)]
pub async fn record_outreach(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<RecordOutreachRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = body.into_proto()?;
    let event = OutreachEvent::from(
        state
            .training
            .clone()
            .record_outreach(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok(created(
        format!("/api/v1/outreach-events/{}", event.id),
        event,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// From this day (2026-03-01, China time) or RFC 3339 time on.
    from: Option<String>,
    /// To this day, included (2026-12-31), or before this RFC 3339 time.
    to: Option<String>,
    /// A whole China calendar year instead of `from`/`to`, e.g. 2026.
    #[param(value_type = Option<i32>, minimum = 1990, maximum = 9998)]
    year: Option<String>,
}

/// Training figures of a division and period: holders, certification rate,
/// annual review, hours, exam rates, outreach.
#[utoipa::path(
    get,
    path = "/api/v1/training/stats",
    operation_id = "get_training_stats",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(StatsParams),
    responses((status = 200, description = "The figures", body = TrainingStats))
)]
pub async fn stats(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<StatsParams>, QueryRejection>,
) -> Result<Json<TrainingStats>, Problem> {
    let Query(params) = params?;
    let division_code =
        query::division_code(&identity.caller, "division", params.division.as_deref())?;
    let period = query::period(
        ("year", params.year.as_deref()),
        ("from", params.from.as_deref()),
        ("to", params.to.as_deref()),
    )?;
    let request = pb::GetStatsRequest {
        division_code,
        period,
    };
    Ok(Json(
        state
            .training
            .clone()
            .get_stats(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}
