//! The cases service's REST bodies: the gateway's own types, written in the
//! one REST mapping (`edge::mapping`: enum codes in lower case, days as
//! `YYYY-MM-DD`) and converted to and from `fazhi.cases.v1`.

use fazhi_proto::{cases::v1 as pb, common::v1 as common};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::proceedings::{Order, Penalty, Proceedings};
use crate::edge::{
    mapping::{date_from_rest, date_to_rest},
    problem::Problem,
};

crate::rest_enum!(optional power_kind, power_kind_code, pb::PowerKind, "POWER_KIND_");
crate::rest_enum!(
    optional power_source,
    power_source_code,
    pb::PowerSource,
    "POWER_SOURCE_"
);
crate::rest_enum!(
    optional category,
    category_code,
    common::EnforcementCategory,
    "ENFORCEMENT_CATEGORY_"
);
crate::rest_enum!(
    optional case_status,
    case_status_code,
    pb::CaseStatus,
    "CASE_STATUS_"
);
crate::rest_enum!(
    optional case_source,
    case_source_code,
    pb::CaseSource,
    "CASE_SOURCE_"
);
crate::rest_enum!(optional party_kind, party_kind_code, pb::PartyKind, "PARTY_KIND_");
crate::rest_enum!(read optional collection, pb::Collection, "COLLECTION_");
crate::rest_enum!(
    optional preservation_outcome,
    preservation_outcome_code,
    pb::PreservationOutcome,
    "PRESERVATION_OUTCOME_"
);
crate::rest_enum!(
    required penalty_measure,
    penalty_measure_code,
    pb::PenaltyMeasure,
    "PENALTY_MEASURE_"
);
crate::rest_enum!(
    required officer_change_reason,
    officer_change_reason_code,
    pb::OfficerChangeReason,
    "OFFICER_CHANGE_REASON_"
);
crate::rest_enum!(
    required order_kind,
    order_kind_code,
    pb::OrderKind,
    "ORDER_KIND_"
);
crate::rest_enum!(
    required suspension_reason,
    suspension_reason_code,
    pb::SuspensionReason,
    "SUSPENSION_REASON_"
);
crate::rest_enum!(
    required waiver_kind,
    waiver_kind_code,
    pb::WaiverKind,
    "WAIVER_KIND_"
);
crate::rest_enum!(
    optional recusal_reason,
    recusal_reason_code,
    pb::RecusalReason,
    "RECUSAL_REASON_"
);
crate::rest_enum!(
    optional withdraw_reason,
    withdraw_reason_code,
    pb::WithdrawReason,
    "WITHDRAW_REASON_"
);
crate::rest_enum!(
    optional record_kind,
    record_kind_code,
    pb::RecordKind,
    "RECORD_KIND_"
);
crate::rest_enum!(
    optional record_step,
    record_step_code,
    pb::RecordStep,
    "RECORD_STEP_"
);
crate::rest_enum!(
    optional decision_kind,
    decision_kind_code,
    pb::DecisionKind,
    "DECISION_KIND_"
);
crate::rest_enum!(
    optional service_method,
    service_method_code,
    pb::ServiceMethod,
    "SERVICE_METHOD_"
);

fn next_page(token: String) -> Option<String> {
    (!token.is_empty()).then_some(token)
}

pub(super) fn optional_day(date: Option<&common::Date>) -> Option<String> {
    date.map(|d| date_to_rest(Some(d)))
}

/// One item of the power list (权限清单).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PowerItem {
    pub id: String,
    /// The list's code for the item.
    #[schema(example = "330217001000")]
    pub code: String,
    pub name: String,
    /// The article it rests on.
    pub legal_basis: String,
    #[schema(value_type = crate::rest::codes::PowerKind)]
    pub kind: String,
    #[schema(value_type = crate::rest::codes::PowerSource)]
    pub source: String,
    #[schema(value_type = crate::rest::codes::EnforcementCategory)]
    pub category: String,
    #[schema(format = Date, example = "2022-01-01")]
    pub effective_from: String,
    /// The last day in force; absent: until withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2027-12-31")]
    pub effective_to: Option<String>,
    /// Divisions that hold it, each with those under it.
    #[schema(example = json!(["411624100"]))]
    pub holders: Vec<String>,
    pub version: i64,
}

impl From<pb::PowerItem> for PowerItem {
    fn from(i: pb::PowerItem) -> Self {
        Self {
            kind: power_kind_code(i.kind),
            source: power_source_code(i.source),
            category: category_code(i.category),
            effective_from: date_to_rest(i.effective_from.as_ref()),
            effective_to: optional_day(i.effective_to.as_ref()),
            id: i.id,
            code: i.code,
            name: i.name,
            legal_basis: i.legal_basis,
            holders: i.holder_division_codes,
            version: i.version,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePowerItemRequest {
    /// Letters, digits, dots and dashes; unique.
    #[schema(example = "330217001000")]
    pub code: String,
    pub name: String,
    /// The article it rests on, e.g. 《中华人民共和国城乡规划法》第六十五条.
    pub legal_basis: String,
    #[schema(value_type = crate::rest::codes::PowerKind)]
    pub kind: String,
    #[schema(value_type = crate::rest::codes::PowerSource)]
    pub source: String,
    #[schema(value_type = crate::rest::codes::EnforcementCategory)]
    pub category: String,
    #[schema(format = Date, example = "2022-01-01")]
    pub effective_from: String,
    /// The last day in force (default: until withdrawn).
    #[serde(default)]
    #[schema(format = Date, example = "2027-12-31")]
    pub effective_to: Option<String>,
    /// Divisions that hold it (1 to 64, within the caller's).
    #[schema(example = json!(["411624100"]))]
    pub holders: Vec<String>,
}

impl CreatePowerItemRequest {
    pub fn into_proto(self) -> Result<pb::CreatePowerItemRequest, Problem> {
        Ok(pb::CreatePowerItemRequest {
            item: Some(pb::PowerItem {
                kind: power_kind("kind", &self.kind)?,
                source: power_source("source", &self.source)?,
                category: category("category", &self.category)?,
                effective_from: date_from_rest("effective_from", &self.effective_from)?,
                effective_to: date_from_rest(
                    "effective_to",
                    self.effective_to.as_deref().unwrap_or_default(),
                )?,
                code: self.code,
                name: self.name,
                legal_basis: self.legal_basis,
                holder_division_codes: self.holders,
                ..Default::default()
            }),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListPowerItemsResponse {
    pub items: Vec<PowerItem>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl From<pb::ListPowerItemsResponse> for ListPowerItemsResponse {
    fn from(r: pb::ListPowerItemsResponse) -> Self {
        Self {
            items: r.items.into_iter().map(PowerItem::from).collect(),
            next_page_token: next_page(r.next_page_token),
        }
    }
}

/// The party (当事人) a case concerns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    #[schema(value_type = crate::rest::codes::PartyKind)]
    pub kind: String,
    /// A natural person's name leaves masked.
    pub name: String,
    /// Resident ID number (masked on the way out) or unified social credit
    /// code; may be left out of a lead, required to file.
    #[serde(default)]
    pub id_number: String,
    /// Address or domicile (住所), as a decision states it (Art. 59); a natural
    /// person's is never read back.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
}

/// An enforcement case (行政执法案件), from its lead on.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Case {
    pub id: String,
    #[schema(example = "411624100")]
    pub division_code: String,
    #[schema(value_type = crate::rest::codes::CaseSource)]
    pub source: String,
    /// The complaint a lead escalated from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint_id: Option<String>,
    pub party: Party,
    pub facts: String,
    #[schema(format = Date, example = "2024-01-10")]
    pub act_on: String,
    pub continuing: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-02-01")]
    pub act_ended_on: Option<String>,
    pub serious_harm: bool,
    #[schema(format = Date, example = "2024-03-01")]
    pub discovered_on: String,
    /// Set at filing, as are the category, officers and the filing day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_item_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::EnforcementCategory>)]
    pub category: Option<String>,
    pub officer_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-03-05")]
    pub filed_on: Option<String>,
    #[schema(value_type = crate::rest::codes::CaseStatus)]
    pub status: String,
    pub version: i64,
    /// Complex or serious: collective discussion and legal review required.
    pub major: bool,
    /// Every step after filing, as recorded.
    pub proceedings: Proceedings,
}

impl From<pb::Case> for Case {
    fn from(c: pb::Case) -> Self {
        let party = c.party.unwrap_or_default();
        Self {
            source: case_source_code(c.source),
            status: case_status_code(c.status),
            category: Some(category_code(c.category)).filter(|c| !c.is_empty()),
            act_on: date_to_rest(c.act_on.as_ref()),
            act_ended_on: optional_day(c.act_ended_on.as_ref()),
            discovered_on: date_to_rest(c.discovered_on.as_ref()),
            filed_on: optional_day(c.filed_on.as_ref()),
            party: Party {
                kind: party_kind_code(party.kind),
                name: party.name,
                id_number: party.id_number,
                address: party.address,
            },
            complaint_id: Some(c.complaint_id).filter(|c| !c.is_empty()),
            power_item_code: Some(c.power_item_code).filter(|c| !c.is_empty()),
            id: c.id,
            division_code: c.division_code,
            facts: c.facts,
            continuing: c.continuing,
            serious_harm: c.serious_harm,
            officer_ids: c.officer_ids,
            version: c.version,
            major: c.major,
            proceedings: c.proceedings.map(Proceedings::from).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLeadRequest {
    #[schema(example = "411624100")]
    pub division_code: String,
    #[schema(value_type = crate::rest::codes::CaseSource)]
    pub source: String,
    /// The complaint escalated (source `complaint` only): one lead per
    /// complaint, a repeat answers the first.
    #[serde(default)]
    pub complaint_id: Option<String>,
    pub party: Party,
    pub facts: String,
    /// When the act was done, or began for a continuing act.
    #[schema(format = Date, example = "2024-01-10")]
    pub act_on: String,
    /// A continuing act (e.g. a building that stands; default false).
    #[serde(default)]
    pub continuing: bool,
    /// The day a continuing act ended (absent while it goes on).
    #[serde(default)]
    #[schema(format = Date, example = "2024-02-01")]
    pub act_ended_on: Option<String>,
    /// Harm to life, health or financial safety: five years' limitation, not two.
    #[serde(default)]
    pub serious_harm: bool,
    /// The day it was discovered (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-01")]
    pub discovered_on: Option<String>,
}

impl CreateLeadRequest {
    pub fn into_proto(self) -> Result<pb::CreateLeadRequest, Problem> {
        let day =
            |field: &str, value: Option<&str>| date_from_rest(field, value.unwrap_or_default());
        Ok(pb::CreateLeadRequest {
            lead: Some(pb::Case {
                source: case_source("source", &self.source)?,
                party: Some(pb::Party {
                    kind: party_kind("party.kind", &self.party.kind)?,
                    name: self.party.name,
                    id_number: self.party.id_number,
                    address: self.party.address,
                }),
                act_on: day("act_on", Some(&self.act_on))?,
                act_ended_on: day("act_ended_on", self.act_ended_on.as_deref())?,
                discovered_on: day("discovered_on", self.discovered_on.as_deref())?,
                division_code: self.division_code,
                complaint_id: self.complaint_id.unwrap_or_default(),
                facts: self.facts,
                continuing: self.continuing,
                serious_harm: self.serious_harm,
                ..Default::default()
            }),
            // Set by the handler from the Idempotency-Key.
            request_id: String::new(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListCasesResponse {
    pub cases: Vec<Case>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl From<pb::ListCasesResponse> for ListCasesResponse {
    fn from(r: pb::ListCasesResponse) -> Self {
        Self {
            cases: r.cases.into_iter().map(Case::from).collect(),
            next_page_token: next_page(r.next_page_token),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileCaseRequest {
    /// The version read; a stale one answers 409.
    pub version: i64,
    /// The power item cited: one the case's division holds on the day.
    #[schema(example = "330217001000")]
    pub power_item_code: String,
    /// Person ids of the officers assigned: 2 to 10, each certified that day
    /// for the case's division and the item's category.
    pub officer_ids: Vec<String>,
    /// The filing day (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-05")]
    pub on: Option<String>,
    /// The party's ID number or credit code, when the lead lacked it.
    #[serde(default)]
    pub party_id_number: Option<String>,
    /// The party's address or domicile (住所), when the lead lacked it (a
    /// lead escalated from a complaint): what the decision states (Art. 59).
    #[serde(default)]
    pub party_address: Option<String>,
    /// Complex or serious (情节复杂或者重大): collective discussion and legal
    /// review are required before the decision (default false).
    #[serde(default)]
    pub major: bool,
}

impl FileCaseRequest {
    pub fn into_proto(self, case_id: String) -> Result<pb::FileCaseRequest, Problem> {
        Ok(pb::FileCaseRequest {
            on: date_from_rest("on", self.on.as_deref().unwrap_or_default())?,
            case_id,
            version: self.version,
            power_item_code: self.power_item_code,
            officer_ids: self.officer_ids,
            party_id_number: self.party_id_number.unwrap_or_default(),
            party_address: self.party_address.unwrap_or_default(),
            major: self.major,
        })
    }
}

/// A step that ends a lead or a case, with its reason.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndCaseRequest {
    /// The version read; a stale one answers 409.
    pub version: i64,
    pub reason: String,
    /// The day (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-05")]
    pub on: Option<String>,
}
