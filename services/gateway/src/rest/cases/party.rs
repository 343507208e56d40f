//! What the party does about the proceedings that a step records: gives up
//! the hearing, corrects the violation.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::cases::v1 as pb;
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{self, Case};
use super::steps::CaseStepRequest;
use crate::{
    AppState,
    edge::{json::JsonBody, mapping::date_from_rest, problem::Problem},
    identity::authn::Identity,
};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiveHearingRequest {
    pub version: i64,
    /// The day (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-14")]
    pub on: Option<String>,
    #[schema(value_type = crate::rest::codes::WaiverKind)]
    pub how: String,
}

impl WaiveHearingRequest {
    fn into_proto(self, case_id: String) -> Result<pb::WaiveHearingRequest, Problem> {
        Ok(pb::WaiveHearingRequest {
            on: date_from_rest("on", self.on.as_deref().unwrap_or_default())?,
            how: body::waiver_kind("how", &self.how)?,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    waive_hearing,
    "/api/v1/cases/{id}/hearing-waiver",
    "case.manage",
    WaiveHearingRequest,
    waive_hearing,
    "Record that the party gave up the hearing (Art. 64): in writing (then the case may be decided before the request period ends), a request withdrawn, or — a hearing asked for and notified — by staying away or leaving without leave (no_show, Art. 64(8))."
);
case_step!(
    record_correction,
    "/api/v1/cases/{id}/correction",
    "case.manage",
    CaseStepRequest,
    record_correction,
    "Record that the party corrected the violation (改正): the ground of a first_violation decision (首违不罚, Art. 33), which needs no notice."
);
