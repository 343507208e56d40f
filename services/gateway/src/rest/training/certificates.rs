//! Certificates over REST: issue, read, change by hand, and the annual review.

use axum::{
    Extension, Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    response::IntoResponse,
};
use fazhi_proto::training::v1 as pb;

use super::{Change, created};
use crate::{
    AppState,
    edge::{json::JsonBody, mapping::date_from_rest, problem::Problem, query},
    identity::authn::Identity,
    rest::training::body::{
        self, Certificate, IssueCertificateRequest, ListCertificatesResponse,
        RunAnnualReviewRequest, RunAnnualReviewResponse,
    },
};

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

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificateParams {
    /// Only this division and those under it (default: all the caller may see).
    division: Option<String>,
    /// Only this person's certificates.
    person_id: Option<String>,
    /// Only certificates with this status now.
    #[param(value_type = Option<crate::rest::codes::CertificateStatus>)]
    status: Option<String>,
    /// 1 to 200; default 50.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// Opaque token from the previous page.
    page_token: Option<String>,
}

/// Certificates of the caller's divisions, or of one person, page by page.
#[utoipa::path(
    get,
    path = "/api/v1/certificates",
    extensions(("x-fazhi-access" = json!("training.read"))),
    tag = "training",
    params(CertificateParams),
    responses((status = 200, description = "One page", body = ListCertificatesResponse))
)]
pub async fn list_certificates(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    params: Result<Query<CertificateParams>, QueryRejection>,
) -> Result<Json<ListCertificatesResponse>, Problem> {
    let Query(params) = params?;
    let request = pb::ListCertificatesRequest {
        division_code: query::division_code(
            &identity.caller,
            "division",
            params.division.as_deref(),
        )?,
        person_id: params.person_id.unwrap_or_default(),
        status: match params.status.as_deref() {
            None | Some("") => 0,
            Some(code) => body::status("status", code)?,
        },
        page_size: query::page_size(params.page_size.as_deref())?,
        page_token: params.page_token.unwrap_or_default(),
    };
    Ok(Json(
        state
            .training
            .clone()
            .list_certificates(state.signed(&identity, request))
            .await?
            .into_inner()
            .into(),
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
        division_code: body.division_code.unwrap_or_default(),
        year: body.year,
        on: date_from_rest("on", body.on.as_deref().unwrap_or_default())?,
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
