//! The decision (决定) over REST: its kind, the penalty, and the orders
//! beside it.

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::cases::v1 as pb;
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::{self, Case, Penalty};
use crate::{
    AppState,
    edge::{json::JsonBody, mapping::date_from_rest, problem::Problem},
    identity::authn::Identity,
};

fn day(field: &str, value: Option<&str>) -> Result<Option<fazhi_proto::common::v1::Date>, Problem> {
    date_from_rest(field, value.unwrap_or_default())
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideCaseRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-15")]
    pub on: Option<String>,
    #[schema(value_type = crate::rest::codes::DecisionKind)]
    pub kind: String,
    /// For a penalty decision.
    #[serde(default)]
    pub penalty: Option<Penalty>,
    /// Orders beside it (correct; demolish by a day), each kind once.
    #[serde(default)]
    pub orders: Vec<body::Order>,
}

impl DecideCaseRequest {
    fn into_proto(self, case_id: String) -> Result<pb::DecideCaseRequest, Problem> {
        Ok(pb::DecideCaseRequest {
            on: day("on", self.on.as_deref())?,
            kind: body::decision_kind("kind", &self.kind)?,
            penalty: self.penalty.map(|p| p.to_proto("penalty")).transpose()?,
            orders: self
                .orders
                .into_iter()
                .take(3)
                .map(|o| {
                    Ok(pb::Order {
                        kind: body::order_kind("orders.kind", &o.kind)?,
                        by: day("orders.by", o.by.as_deref())?,
                    })
                })
                .collect::<Result<_, Problem>>()?,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    decide_case,
    "/api/v1/cases/{id}/decide",
    "case.decide",
    DecideCaseRequest,
    decide_case,
    "Decide (决定): a penalty only after its notice, once the period to state a defence ended (or the party defended) and the period to ask for a hearing ended (or the party waived it in writing), a hearing asked for held or given up; never heavier than the notice; with the legal review and collective discussion required. Not to penalise (dismissed, first_violation after the correction, transferred) needs no notice."
);
