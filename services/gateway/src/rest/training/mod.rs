//! Training, exams, certificates and outreach over REST. Bodies are the
//! gateway's own (`body`), in the one REST mapping; rules are the training
//! service's.

pub(crate) mod body;

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
    Certificate, CreatePersonRequest, Exam, IsCertifiedResponse, IssueCertificateRequest,
    ListPeopleResponse, OutreachEvent, Person, RecordExamRequest, RecordOutreachRequest,
    RecordTrainingRequest, RunAnnualReviewRequest, RunAnnualReviewResponse, TrainingSession,
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
    let division =
        query::scoped_division(&identity.caller, "division", params.division.as_deref())?;
    let request = pb::ListPeopleRequest {
        division_code: division.map(String::from).unwrap_or_default(),
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
pub struct Change {
    /// The version read; a stale one answers 409.
    version: i64,
    /// When it takes effect (default today), e.g. 2023-11-20.
    #[serde(default)]
    on: String,
}

/// Take a person off the enforcement post; their certificates in force are revoked.
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnParams {
    /// The date asked about (default today), e.g. 2023-11-20.
    on: Option<String>,
}

/// Whether a person may act as an enforcement officer on a date, and if not, why.
#[utoipa::path(
    get,
    path = "/api/v1/people/{id}/certified",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(("id" = String, Path, description = "Person id"), OnParams),
    responses((status = 200, description = "The answer", body = IsCertifiedResponse))
)]
pub async fn is_certified(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
    params: Result<Query<OnParams>, QueryRejection>,
) -> Result<Json<IsCertifiedResponse>, Problem> {
    let Query(params) = params?;
    let request = pb::IsCertifiedRequest {
        person_id: id,
        on: date_from_rest("on", params.on.as_deref().unwrap_or_default())?,
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

/// Issue an enforcement certificate (执法证). Refused with 422 and a rule code
/// for auxiliary staff, without a qualification exam passed in the last 12
/// months, within the re-issue bar, or while another certificate is in force.
#[utoipa::path(
    post,
    path = "/api/v1/certificates",
    extensions(("x-fazhi-access" = json!("certificate.manage"))),
    tag = "training",
    request_body = IssueCertificateRequest,
    responses((status = 201, description = "Issued", body = Certificate))
)]
pub async fn issue_certificate(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<IssueCertificateRequest>,
) -> Result<impl IntoResponse, Problem> {
    let request = body.into_proto()?;
    let certificate = Certificate::from(
        state
            .training
            .clone()
            .issue_certificate(state.signed(&identity, request))
            .await?
            .into_inner(),
    );
    Ok(created(
        format!("/api/v1/certificates/{}", certificate.id),
        certificate,
    ))
}

/// One certificate.
#[utoipa::path(
    get,
    path = "/api/v1/certificates/{id}",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(("id" = String, Path, description = "Certificate id")),
    responses((status = 200, description = "The certificate", body = Certificate))
)]
pub async fn get_certificate(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    Path(id): Path<String>,
) -> Result<Json<Certificate>, Problem> {
    Ok(Json(
        state
            .training
            .clone()
            .get_certificate(state.signed(&identity, pb::GetCertificateRequest { id }))
            .await?
            .into_inner()
            .into(),
    ))
}

/// Which state change a certificate route asks for.
#[derive(Debug, Clone, Copy)]
enum Move {
    Suspend,
    Reinstate,
    Revoke,
    Expire,
}

async fn transition(
    state: &AppState,
    identity: &Identity,
    id: String,
    body: Change,
    to: Move,
) -> Result<Json<Certificate>, Problem> {
    let (certificate_id, version, on) = (id, body.version, date_from_rest("on", &body.on)?);
    let mut client = state.training.clone();
    let answer = match to {
        Move::Suspend => {
            let request = pb::SuspendCertificateRequest {
                certificate_id,
                version,
                on,
            };
            client
                .suspend_certificate(state.signed(identity, request))
                .await
        }
        Move::Reinstate => {
            let request = pb::ReinstateCertificateRequest {
                certificate_id,
                version,
                on,
            };
            client
                .reinstate_certificate(state.signed(identity, request))
                .await
        }
        Move::Revoke => {
            let request = pb::RevokeCertificateRequest {
                certificate_id,
                version,
                on,
            };
            client
                .revoke_certificate(state.signed(identity, request))
                .await
        }
        Move::Expire => {
            let request = pb::ExpireCertificateRequest {
                certificate_id,
                version,
                on,
            };
            client
                .expire_certificate(state.signed(identity, request))
                .await
        }
    };
    Ok(Json(answer?.into_inner().into()))
}

macro_rules! certificate_move {
    ($name:ident, $move:expr, $path:literal, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            post,
            path = $path,
            extensions(("x-fazhi-access" = json!("certificate.manage"))),
            tag = "training",
            params(("id" = String, Path, description = "Certificate id")),
            request_body = Change,
            responses((status = 200, description = "The certificate now", body = Certificate))
        )]
        pub async fn $name(
            State(state): State<AppState>,
            Extension(identity): Extension<Identity>,
            Path(id): Path<String>,
            JsonBody(body): JsonBody<Change>,
        ) -> Result<Json<Certificate>, Problem> {
            transition(&state, &identity, id, body, $move).await
        }
    };
}

certificate_move!(
    suspend_certificate,
    Move::Suspend,
    "/api/v1/certificates/{id}/suspend",
    "Suspend an active certificate (off duty)."
);
certificate_move!(
    reinstate_certificate,
    Move::Reinstate,
    "/api/v1/certificates/{id}/reinstate",
    "Reinstate a suspended certificate."
);
certificate_move!(
    revoke_certificate,
    Move::Revoke,
    "/api/v1/certificates/{id}/revoke",
    "Revoke a certificate."
);
certificate_move!(
    expire_certificate,
    Move::Expire,
    "/api/v1/certificates/{id}/expire",
    "Mark a certificate past its validity as expired."
);

/// Run the annual review (年审) of a year for a division's certificates in
/// force and apply the outcomes; running it again with no new results
/// changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/annual-reviews",
    extensions(("x-fazhi-access" = json!("certificate.manage"))),
    tag = "training",
    request_body = RunAnnualReviewRequest,
    responses((status = 200, description = "Every certificate reviewed for the year", body = RunAnnualReviewResponse))
)]
pub async fn run_annual_review(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    JsonBody(body): JsonBody<RunAnnualReviewRequest>,
) -> Result<Json<RunAnnualReviewResponse>, Problem> {
    let request = pb::RunAnnualReviewRequest {
        division_code: body.division_code,
        year: body.year,
    };
    Ok(Json(
        state
            .training
            .clone()
            .run_annual_review(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// Period start (RFC 3339).
    from: Option<String>,
    /// Period end (RFC 3339).
    to: Option<String>,
}

/// Training figures of a division and period: holders, certification rate,
/// annual review, hours, exam rates, outreach.
#[utoipa::path(
    get,
    path = "/api/v1/training/stats",
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
    let division =
        query::scoped_division(&identity.caller, "division", params.division.as_deref())?;
    let period = query::period(
        ("from", params.from.as_deref()),
        ("to", params.to.as_deref()),
    )?;
    let request = pb::GetStatsRequest {
        division_code: division.map(String::from).unwrap_or_default(),
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
