//! Certificates and the annual review over REST.

use fazhi_proto::training::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::edge::{
    mapping::{date_from_rest, date_to_rest},
    problem::Problem,
};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Certificate {
    pub id: String,
    pub number: String,
    pub person_id: String,
    #[schema(format = Date, example = "2023-11-20")]
    pub issued_on: String,
    #[schema(format = Date, example = "2023-11-20")]
    pub valid_until: String,
    /// active, suspended, revoked, expired or cancelled.
    #[schema(value_type = crate::rest::codes::CertificateStatus)]
    pub status: String,
    #[schema(format = Date, example = "2023-11-20")]
    pub status_since: String,
    pub version: i64,
    /// Enforcement area (执法区域): divisions where the holder may act, each
    /// with every division under it.
    #[schema(example = json!(["411624100"]))]
    pub areas: Vec<String>,
    /// Enforcement categories (执法类别).
    #[schema(value_type = Vec<crate::rest::codes::EnforcementCategory>)]
    pub categories: Vec<String>,
}

impl From<pb::Certificate> for Certificate {
    fn from(c: pb::Certificate) -> Self {
        Self {
            issued_on: date_to_rest(c.issued_on.as_ref()),
            valid_until: date_to_rest(c.valid_until.as_ref()),
            status: status_code(c.status),
            status_since: date_to_rest(c.status_since.as_ref()),
            categories: c.categories.into_iter().map(category_code).collect(),
            areas: c.area_division_codes,
            id: c.id,
            number: c.number,
            person_id: c.person_id,
            version: c.version,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListCertificatesResponse {
    pub certificates: Vec<Certificate>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl From<pb::ListCertificatesResponse> for ListCertificatesResponse {
    fn from(r: pb::ListCertificatesResponse) -> Self {
        Self {
            certificates: r.certificates.into_iter().map(Certificate::from).collect(),
            next_page_token: next_page(r.next_page_token),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueCertificateRequest {
    pub person_id: String,
    /// Unique certificate number (执法证号).
    pub number: String,
    /// Default today.
    #[serde(default)]
    #[schema(format = Date, example = "2023-11-20")]
    pub issued_on: Option<String>,
    /// Enforcement area: divisions within the holder's, at most 16 (default:
    /// the holder's division).
    #[serde(default)]
    #[schema(example = json!(["411624100"]))]
    pub areas: Option<Vec<String>>,
    /// Enforcement categories, each once (default: comprehensive).
    #[serde(default)]
    #[schema(value_type = Option<Vec<crate::rest::codes::EnforcementCategory>>)]
    pub categories: Option<Vec<String>>,
}

impl IssueCertificateRequest {
    pub fn into_proto(self) -> Result<pb::IssueCertificateRequest, Problem> {
        Ok(pb::IssueCertificateRequest {
            certificate: Some(pb::Certificate {
                issued_on: date_from_rest(
                    "issued_on",
                    self.issued_on.as_deref().unwrap_or_default(),
                )?,
                categories: self
                    .categories
                    .unwrap_or_default()
                    .iter()
                    .map(|code| category("categories", code))
                    .collect::<Result<_, _>>()?,
                area_division_codes: self.areas.unwrap_or_default(),
                person_id: self.person_id,
                number: self.number,
                ..Default::default()
            }),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IsCertifiedResponse {
    pub certified: bool,
    /// The certificate number when certified.
    pub certificate_number: String,
    /// When not: no_certificate, not_yet_issued, expired, suspended, revoked,
    /// cancelled, outside_area or outside_category; absent when certified.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::NotCertifiedReason>)]
    pub reason: Option<String>,
}

impl From<pb::IsCertifiedResponse> for IsCertifiedResponse {
    fn from(r: pb::IsCertifiedResponse) -> Self {
        Self {
            certified: r.certified,
            certificate_number: r.certificate_number,
            reason: (r.reason != 0).then(|| reason_code(r.reason)),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunAnnualReviewRequest {
    /// Only this division and those under it (default: all the caller may see).
    #[serde(default)]
    #[schema(example = "411624100")]
    pub division_code: Option<String>,
    pub year: i32,
    /// The day the outcomes were decided and take effect (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2027-01-10")]
    pub on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReviewDecision {
    pub certificate_id: String,
    pub certificate_number: String,
    pub person_id: String,
    /// passed, suspended or revoked.
    #[schema(value_type = crate::rest::codes::ReviewOutcome)]
    pub outcome: String,
    /// Whether this run changed it (false: decided by an earlier run).
    pub changed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RunAnnualReviewResponse {
    pub decisions: Vec<ReviewDecision>,
}

impl From<pb::RunAnnualReviewResponse> for RunAnnualReviewResponse {
    fn from(r: pb::RunAnnualReviewResponse) -> Self {
        Self {
            decisions: r
                .decisions
                .into_iter()
                .map(|d| ReviewDecision {
                    outcome: outcome_code(d.outcome),
                    certificate_id: d.certificate_id,
                    certificate_number: d.certificate_number,
                    person_id: d.person_id,
                    changed: d.changed,
                })
                .collect(),
        }
    }
}
