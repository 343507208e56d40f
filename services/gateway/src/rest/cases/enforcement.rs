//! After service, as REST takes and shows it: the party's appeals, a fine
//! in instalments and paid in part, and the agency enforcing its own
//! decision's order (催告, the party's statement, 强制执行决定, 执行协议).

use axum::{
    Extension, Json,
    extract::{Path, State},
};
use fazhi_proto::cases::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{Case, optional_day};
use super::proceedings::Payment;
use crate::{
    AppState,
    edge::{
        json::JsonBody,
        mapping::{date_from_rest, date_to_rest},
        problem::Problem,
    },
    identity::authn::Identity,
};

crate::rest_enum!(
    required appeal_kind,
    appeal_kind_code,
    pb::AppealKind,
    "APPEAL_KIND_"
);
crate::rest_enum!(
    required appeal_outcome,
    appeal_outcome_code,
    pb::AppealOutcome,
    "APPEAL_OUTCOME_"
);
crate::rest_enum!(
    required period_unit,
    period_unit_code,
    pb::PeriodUnit,
    "PERIOD_UNIT_"
);

fn day(field: &str, value: Option<&str>) -> Result<Option<fazhi_proto::common::v1::Date>, Problem> {
    date_from_rest(field, value.unwrap_or_default())
}

pub(super) fn payment(p: pb::Payment) -> Payment {
    Payment {
        on: date_to_rest(p.on.as_ref()),
        fine_fen: p.fine_fen,
        late_charge_fen: p.late_charge_fen,
        late_charge_accrued_fen: p.late_charge_accrued_fen,
        late_charge_basis: p.late_charge_basis,
    }
}

/// The execution part of a case's proceedings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Execution {
    /// The 案号, given at filing.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[schema(example = "老城镇罚立字〔2024〕第007号")]
    pub case_number: String,
    /// Payments of part of the fine before the one that settled it.
    pub part_payments: Vec<Payment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instalments: Option<Instalments>,
    /// The party's appeals (复议, suits), each with how it ended.
    pub appeals: Vec<Appeal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforcement: Option<Enforcement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Instalment {
    #[schema(format = Date, example = "2024-04-30")]
    pub due: String,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Instalments {
    #[schema(format = Date, example = "2024-03-25")]
    pub on: String,
    pub approved_by: String,
    pub basis: String,
    pub schedule: Vec<Instalment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Appeal {
    #[schema(value_type = crate::rest::codes::AppealKind)]
    pub kind: String,
    #[schema(format = Date, example = "2024-04-03")]
    pub filed_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-05-20")]
    pub concluded_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::AppealOutcome>)]
    pub outcome: Option<String>,
}

/// The agency enforcing the decision's order itself (行政强制法 Arts. 35–42).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Enforcement {
    /// The 催告 served, the period it gave and its last day.
    #[schema(format = Date, example = "2025-01-20")]
    pub demanded_on: String,
    pub period_days: i32,
    #[schema(value_type = crate::rest::codes::PeriodUnit)]
    pub period_unit: String,
    #[schema(format = Date, example = "2025-02-08")]
    pub perform_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2025-01-22")]
    pub statement_on: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub statement: String,
    /// The 强制执行决定 and its service.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2025-02-10")]
    pub decided_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2025-02-11")]
    pub served_on: Option<String>,
    /// The 执行协议.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2025-02-12")]
    pub agreed_on: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub agreement_terms: String,
}

impl Execution {
    pub(super) fn from_proto(p: &mut pb::Proceedings) -> Self {
        Self {
            case_number: std::mem::take(&mut p.case_number),
            part_payments: std::mem::take(&mut p.part_payments)
                .into_iter()
                .map(payment)
                .collect(),
            instalments: p.instalments.take().map(|i| Instalments {
                on: date_to_rest(i.on.as_ref()),
                approved_by: i.approved_by,
                basis: i.basis,
                schedule: i
                    .schedule
                    .into_iter()
                    .map(|x| Instalment {
                        due: date_to_rest(x.due.as_ref()),
                        amount_fen: x.amount_fen,
                    })
                    .collect(),
            }),
            appeals: std::mem::take(&mut p.appeals)
                .into_iter()
                .map(|a| Appeal {
                    kind: appeal_kind_code(a.kind),
                    filed_on: date_to_rest(a.filed_on.as_ref()),
                    concluded_on: optional_day(a.concluded_on.as_ref()),
                    outcome: Some(appeal_outcome_code(a.outcome)).filter(|o| !o.is_empty()),
                })
                .collect(),
            enforcement: p.enforcement.take().map(|e| Enforcement {
                demanded_on: date_to_rest(e.demanded_on.as_ref()),
                period_days: e.period_days,
                period_unit: period_unit_code(e.period_unit),
                perform_by: date_to_rest(e.perform_by.as_ref()),
                statement_on: optional_day(e.statement_on.as_ref()),
                statement: e.statement,
                decided_on: optional_day(e.decided_on.as_ref()),
                served_on: optional_day(e.served_on.as_ref()),
                agreed_on: optional_day(e.agreed_on.as_ref()),
                agreement_terms: e.agreement_terms,
            }),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAppealRequest {
    pub version: i64,
    /// Filed on (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2024-04-03")]
    pub on: Option<String>,
    #[schema(value_type = crate::rest::codes::AppealKind)]
    pub kind: String,
}

impl RecordAppealRequest {
    fn into_proto(self, case_id: String) -> Result<pb::RecordAppealRequest, Problem> {
        Ok(pb::RecordAppealRequest {
            on: day("on", self.on.as_deref())?,
            kind: appeal_kind("kind", &self.kind)?,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConcludeAppealRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-05-20")]
    pub on: Option<String>,
    #[schema(value_type = crate::rest::codes::AppealOutcome)]
    pub outcome: String,
}

impl ConcludeAppealRequest {
    fn into_proto(self, case_id: String) -> Result<pb::ConcludeAppealRequest, Problem> {
        Ok(pb::ConcludeAppealRequest {
            on: day("on", self.on.as_deref())?,
            outcome: appeal_outcome("outcome", &self.outcome)?,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveInstalmentsRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2024-03-25")]
    pub on: Option<String>,
    /// 2 to 36, each due after the one before, together what is owed.
    pub instalments: Vec<Instalment>,
    /// Who approved it (the agency's leader).
    pub approved_by: String,
    /// The party's application and its hardship.
    pub basis: String,
}

impl ApproveInstalmentsRequest {
    fn into_proto(self, case_id: String) -> Result<pb::ApproveInstalmentsRequest, Problem> {
        if self.instalments.len() > 36 {
            return Err(fazhi_platform::Error::invalid_field(
                "instalments",
                fazhi_platform::Code::TooManyValues,
                "at most 36 instalments",
            )
            .into());
        }
        let instalments = self
            .instalments
            .into_iter()
            .map(|i| {
                Ok(pb::Instalment {
                    due: date_from_rest("instalments.due", &i.due)?,
                    amount_fen: i.amount_fen,
                })
            })
            .collect::<Result<Vec<_>, Problem>>()?;
        Ok(pb::ApproveInstalmentsRequest {
            on: day("on", self.on.as_deref())?,
            instalments,
            approved_by: self.approved_by,
            basis: self.basis,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandPerformanceRequest {
    pub version: i64,
    /// Served on (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2025-01-20")]
    pub on: Option<String>,
    pub period_days: i32,
    /// working_days, or calendar_days for a period over ten days (Art. 69).
    #[schema(value_type = crate::rest::codes::PeriodUnit)]
    pub period_unit: String,
}

impl DemandPerformanceRequest {
    fn into_proto(self, case_id: String) -> Result<pb::DemandPerformanceRequest, Problem> {
        Ok(pb::DemandPerformanceRequest {
            on: day("on", self.on.as_deref())?,
            period_days: self.period_days,
            period_unit: period_unit("period_unit", &self.period_unit)?,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnforcementStatementRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2025-01-22")]
    pub on: Option<String>,
    /// What the party stated, or that nothing was stated.
    pub statement: String,
}

impl EnforcementStatementRequest {
    fn into_proto(self, case_id: String) -> Result<pb::HearEnforcementStatementRequest, Problem> {
        Ok(pb::HearEnforcementStatementRequest {
            on: day("on", self.on.as_deref())?,
            statement: self.statement,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideEnforcementRequest {
    pub version: i64,
    /// Decided on (default today).
    #[serde(default)]
    #[schema(format = Date, example = "2025-02-10")]
    pub on: Option<String>,
    /// Served on the party (default the decision's day).
    #[serde(default)]
    #[schema(format = Date, example = "2025-02-11")]
    pub served_on: Option<String>,
}

impl DecideEnforcementRequest {
    fn into_proto(self, case_id: String) -> Result<pb::DecideEnforcementRequest, Problem> {
        Ok(pb::DecideEnforcementRequest {
            on: day("on", self.on.as_deref())?,
            served_on: day("served_on", self.served_on.as_deref())?,
            case_id,
            version: self.version,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreeEnforcementRequest {
    pub version: i64,
    #[serde(default)]
    #[schema(format = Date, example = "2025-02-12")]
    pub on: Option<String>,
    /// What was agreed: stages of performance, the late charge reduced or waived.
    pub terms: String,
}

impl AgreeEnforcementRequest {
    fn into_proto(self, case_id: String) -> Result<pb::AgreeEnforcementRequest, Problem> {
        Ok(pb::AgreeEnforcementRequest {
            on: day("on", self.on.as_deref())?,
            terms: self.terms,
            case_id,
            version: self.version,
        })
    }
}

case_step!(
    record_appeal,
    "/api/v1/cases/{id}/appeal",
    "case.manage",
    RecordAppealRequest,
    record_appeal,
    "Record that the party applied for 行政复议 or sued, after service: while it runs nothing is enforced, the court is not asked, and the late charge's days are not counted (行政处罚法 Art. 73; 行政强制法 Arts. 44, 53)."
);
case_step!(
    conclude_appeal,
    "/api/v1/cases/{id}/appeal/conclusion",
    "case.manage",
    ConcludeAppealRequest,
    conclude_appeal,
    "Record how the running appeal ended: upheld or withdrawn, enforcement may go on; set aside or changed, the decision is enforced no further as it stood."
);
case_step!(
    approve_instalments,
    "/api/v1/cases/{id}/payment/instalments",
    "case.decide",
    ApproveInstalmentsRequest,
    approve_instalments,
    "Split what is owed of a served fine into 2 to 36 instalments on the party's application, with the leader's approval recorded (分期缴纳, Art. 66): each falls due on its own day and the late charge runs from each."
);
case_step!(
    demand_performance,
    "/api/v1/cases/{id}/enforcement/demand",
    "case.decide",
    DemandPerformanceRequest,
    demand_performance,
    "催告 (行政强制法 Art. 35): once the decision's order passed its day unperformed, the party is given a period to perform — ten days or fewer counted in working days (Art. 69), calendar days refused."
);
case_step!(
    hear_enforcement_statement,
    "/api/v1/cases/{id}/enforcement/statement",
    "case.manage",
    EnforcementStatementRequest,
    hear_enforcement_statement,
    "Record the party's statement on the 催告, or that none was made (行政强制法 Art. 36)."
);
case_step!(
    decide_enforcement,
    "/api/v1/cases/{id}/enforcement/decision",
    "case.decide",
    DecideEnforcementRequest,
    decide_enforcement,
    "The written 强制执行决定 and its service on the party (行政强制法 Arts. 37–38): after the 催告's period ran out, the party heard; a forced demolition waits for it."
);
case_step!(
    agree_enforcement,
    "/api/v1/cases/{id}/enforcement/agreement",
    "case.decide",
    AgreeEnforcementRequest,
    agree_enforcement,
    "Record an 执行协议 (行政强制法 Art. 42): performance in stages, the late charge reduced or waived once the party takes remedial measures."
);
