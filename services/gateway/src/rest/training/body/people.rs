//! People over REST.

use fazhi_proto::training::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::*;
use crate::edge::{
    mapping::{date_from_rest, date_to_rest},
    problem::Problem,
};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Person {
    pub id: String,
    #[schema(example = "411624100")]
    pub division_code: String,
    pub name: String,
    /// Masked (411624********123X).
    pub id_number: String,
    pub unit: String,
    /// civil_servant, public_institution, auxiliary, worker, contract or temporary.
    #[schema(value_type = crate::rest::codes::Employment)]
    pub employment: String,
    pub rank: String,
    /// Where the rank stands; absent when not given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::RankLevel>)]
    pub rank_level: Option<String>,
    /// 科级以上.
    pub section_level: bool,
    pub enforcement_post: bool,
    /// The day they joined the division's staff (到岗); absent: on record
    /// before any day asked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2023-11-20")]
    pub joined_on: Option<String>,
    /// The number of their legal professional qualification certificate
    /// (法律职业资格证书); absent for none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_qualification: Option<String>,
    pub version: i64,
    /// A registration whose ID number is on the county's register elsewhere
    /// is held for the county: this names that register record to a caller
    /// who sees it too, and is empty otherwise.
    pub held_for: String,
}

impl From<pb::Person> for Person {
    fn from(p: pb::Person) -> Self {
        Self {
            employment: employment_code(p.employment),
            rank_level: (p.rank_level != 0).then(|| rank_level_code(p.rank_level)),
            id: p.id,
            division_code: p.division_code,
            name: p.name,
            id_number: p.id_number,
            unit: p.unit,
            rank: p.rank,
            section_level: p.section_level,
            enforcement_post: p.enforcement_post,
            joined_on: p.joined_on.as_ref().map(|d| date_to_rest(Some(d))),
            legal_qualification: (!p.legal_qualification.is_empty())
                .then_some(p.legal_qualification),
            version: p.version,
            held_for: p.held_for,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePersonRequest {
    #[schema(example = "411624100")]
    pub division_code: String,
    pub name: String,
    /// GB 11643 resident ID number (check digit verified).
    pub id_number: String,
    pub unit: String,
    /// civil_servant, public_institution, auxiliary, worker, contract or temporary.
    #[schema(value_type = crate::rest::codes::Employment)]
    pub employment: String,
    /// 职级, as written (e.g. 四级主任科员).
    #[serde(default)]
    pub rank: Option<String>,
    /// Where the rank stands; when given, it decides `section_level`.
    #[serde(default)]
    #[schema(value_type = Option<crate::rest::codes::RankLevel>)]
    pub rank_level: Option<String>,
    /// 科级以上 (default false).
    #[serde(default)]
    pub section_level: bool,
    /// In an enforcement post (default false).
    #[serde(default)]
    pub enforcement_post: bool,
    /// The day they joined the division's staff (到岗), not after today; a
    /// head count of an earlier day leaves them out. Default: on record
    /// before any day asked about.
    #[serde(default)]
    #[schema(format = Date, example = "2023-11-20")]
    pub joined_on: Option<String>,
    /// The number of their legal professional qualification certificate
    /// (法律职业资格证书), up to 32 letters and digits; a legal reviewer's
    /// first review needs one (行政处罚法 Art. 58).
    #[serde(default)]
    #[schema(example = "A20194116240123")]
    pub legal_qualification: Option<String>,
}

impl CreatePersonRequest {
    pub fn into_proto(self) -> Result<pb::CreatePersonRequest, Problem> {
        Ok(pb::CreatePersonRequest {
            person: Some(pb::Person {
                employment: employment("employment", &self.employment)?,
                rank_level: match self.rank_level.as_deref() {
                    None | Some("") => 0,
                    Some(code) => rank_level("rank_level", code)?,
                },
                division_code: self.division_code,
                name: self.name,
                id_number: self.id_number,
                unit: self.unit,
                rank: self.rank.unwrap_or_default(),
                section_level: self.section_level,
                enforcement_post: self.enforcement_post,
                joined_on: date_from_rest(
                    "joined_on",
                    self.joined_on.as_deref().unwrap_or_default(),
                )?,
                legal_qualification: self.legal_qualification.unwrap_or_default(),
                ..Default::default()
            }),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ListPeopleResponse {
    pub people: Vec<Person>,
    /// Pass as `page_token` for the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl From<pb::ListPeopleResponse> for ListPeopleResponse {
    fn from(r: pb::ListPeopleResponse) -> Self {
        Self {
            people: r.people.into_iter().map(Person::from).collect(),
            next_page_token: next_page(r.next_page_token),
        }
    }
}
