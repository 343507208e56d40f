//! Coercive measures over REST: seizure, its extension and release; the
//! demolition notice and the forced demolition.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::cases::v1 as pb;
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::Case;
use super::steps::CaseStepRequest;
use crate::{
    AppState,
    edge::{
        json::JsonBody,
        mapping::{date_from_rest, instant_from_rest},
        problem::Problem,
    },
    identity::authn::Identity,
};

fn day(field: &str, value: Option<&str>) -> Result<Option<fazhi_proto::common::v1::Date>, Problem> {
    date_from_rest(field, value.unwrap_or_default())
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeizeRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-06")]
    pub on: Option<String>,
    /// What was sealed or seized.
    pub items: String,
}

impl SeizeRequest {
    fn into_proto(self, case_id: String) -> Result<pb::SeizeRequest, Problem> {
        Ok(pb::SeizeRequest {
            on: day("on", self.on.as_deref())?,
            items: self.items,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendSeizureRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2026-04-01")]
    pub on: Option<String>,
    /// 1 to 30.
    #[schema(minimum = 1, maximum = 30)]
    pub days: i64,
}

impl ExtendSeizureRequest {
    fn into_proto(self, case_id: String) -> Result<pb::ExtendSeizureRequest, Problem> {
        Ok(pb::ExtendSeizureRequest {
            on: day("on", self.on.as_deref())?,
            days: self.days,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnounceDemolitionRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2026-04-02")]
    pub on: Option<String>,
    /// Days the party is given to remove it themselves: 1 to 365.
    #[schema(minimum = 1, maximum = 365)]
    pub removal_days: i32,
}

impl AnnounceDemolitionRequest {
    fn into_proto(self, case_id: String) -> Result<pb::AnnounceDemolitionRequest, Problem> {
        Ok(pb::AnnounceDemolitionRequest {
            on: day("on", self.on.as_deref())?,
            removal_days: self.removal_days,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemolishRequest {
    pub version: i64,
    /// When it was carried out.
    #[schema(format = DateTime, example = "2026-05-06T10:00:00+08:00")]
    pub at: String,
}

impl DemolishRequest {
    fn into_proto(self, case_id: String) -> Result<pb::DemolishRequest, Problem> {
        Ok(pb::DemolishRequest {
            at: instant_from_rest("at", &self.at)?,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreserveEvidenceRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-12")]
    pub on: Option<String>,
    /// What was registered and preserved.
    pub items: String,
}

impl PreserveEvidenceRequest {
    fn into_proto(self, case_id: String) -> Result<pb::PreserveEvidenceRequest, Problem> {
        Ok(pb::PreserveEvidenceRequest {
            on: day("on", self.on.as_deref())?,
            items: self.items,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecidePreservationRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2026-03-19")]
    pub on: Option<String>,
    /// Which preservation (0 the first).
    #[schema(minimum = 0)]
    pub index: i32,
    #[schema(value_type = crate::rest::codes::PreservationOutcome)]
    pub outcome: String,
}

impl DecidePreservationRequest {
    fn into_proto(self, case_id: String) -> Result<pb::DecidePreservationRequest, Problem> {
        Ok(pb::DecidePreservationRequest {
            on: day("on", self.on.as_deref())?,
            outcome: super::body::preservation_outcome("outcome", &self.outcome)?,
            index: self.index,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    preserve_evidence,
    "/api/v1/cases/{id}/evidence-preservation",
    "case.decide",
    PreserveEvidenceRequest,
    preserve_evidence,
    "Register and preserve evidence first (先行登记保存, Art. 56) on the leader's approval; it is decided on within seven working days."
);
case_step!(
    decide_preservation,
    "/api/v1/cases/{id}/evidence-preservation/decide",
    "case.decide",
    DecidePreservationRequest,
    decide_preservation,
    "Decide on preserved evidence: returned, seized, confiscated or transferred."
);
case_step!(
    seize,
    "/api/v1/cases/{id}/seizure",
    "case.decide",
    SeizeRequest,
    seize,
    "Seal or seize (查封、扣押) for at most 30 days, with its audio or video record registered first (行政强制法 Art. 25)."
);
case_step!(
    extend_seizure,
    "/api/v1/cases/{id}/seizure/extend",
    "case.decide",
    ExtendSeizureRequest,
    extend_seizure,
    "Extend the seizure once, by at most 30 days, before it runs out (Art. 25)."
);
case_step!(
    release_seizure,
    "/api/v1/cases/{id}/seizure/release",
    "case.manage",
    CaseStepRequest,
    release_seizure,
    "Release the seizure (解除)."
);
case_step!(
    announce_demolition,
    "/api/v1/cases/{id}/demolition-notice",
    "case.decide",
    AnnounceDemolitionRequest,
    announce_demolition,
    "Announce a forced demolition (公告) after the decision, giving the party a period to remove it themselves (Art. 44)."
);
case_step!(
    demolish,
    "/api/v1/cases/{id}/demolition",
    "case.decide",
    DemolishRequest,
    demolish,
    "Record the forced demolition: after the removal period, on a working day, not at night, with its audio or video record (Arts. 43–44)."
);
case_step!(
    demand_payment,
    "/api/v1/cases/{id}/payment/demand",
    "case.decide",
    CaseStepRequest,
    demand_payment,
    "Demand an unpaid fine in writing (催告), after its due day (行政强制法 Art. 54)."
);
case_step!(
    apply_to_court,
    "/api/v1/cases/{id}/court-enforcement",
    "case.decide",
    CaseStepRequest,
    apply_to_court,
    "Apply to the court for enforcement: ten days after the demand, after the party's six months to sue and within three months of that (行政强制法 Arts. 53–54)."
);
