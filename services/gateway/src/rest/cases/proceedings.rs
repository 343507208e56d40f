//! A case's steps after filing as REST reads them.

use fazhi_proto::cases::v1 as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::{
    decision_kind_code, optional_day, preservation_outcome_code, recusal_reason_code,
    service_method_code,
};
pub use super::penalty::Penalty;
use crate::edge::mapping::{date_to_rest, instant};

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Notice {
    #[schema(format = Date, example = "2024-03-11")]
    pub on: String,
    pub penalty: Penalty,
    /// The last day to state a defence (working days).
    #[schema(format = Date, example = "2024-03-14")]
    pub statement_due: String,
    /// The last day to ask for a hearing, when one is offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-03-18")]
    pub hearing_due: Option<String>,
    /// Notices before this one that it replaced (a heavier penalty needs a new one).
    pub replaces: i32,
}

/// The hearing given up, and how.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HearingWaiver {
    #[schema(format = Date, example = "2024-03-14")]
    pub on: String,
    #[schema(value_type = crate::rest::codes::WaiverKind)]
    pub how: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Hearing {
    #[schema(format = Date, example = "2024-03-18")]
    pub requested_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-03-28")]
    pub held_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presider_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LegalReview {
    #[schema(format = Date, example = "2024-03-13")]
    pub on: String,
    pub reviewer_id: String,
    pub approved: bool,
    pub opinion: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Discussion {
    #[schema(format = Date, example = "2024-03-14")]
    pub on: String,
    pub leaders: Vec<String>,
    pub minutes: String,
    pub conclusion: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Decision {
    #[schema(format = Date, example = "2024-03-15")]
    pub on: String,
    #[schema(value_type = crate::rest::codes::DecisionKind)]
    pub kind: String,
    pub penalty: Penalty,
    /// Within the decision period from filing (90 days by default).
    pub on_time: bool,
    /// The orders beside it: 责令改正 (correct), 责令限期拆除 (demolish).
    pub orders: Vec<Order>,
    /// Its number, given at deciding (on the spot: the form's).
    #[serde(skip_serializing_if = "String::is_empty")]
    #[schema(example = "老城镇罚决字〔2024〕第003号")]
    pub number: String,
}

/// An order beside a decision and the day it is carried out by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Order {
    #[schema(value_type = crate::rest::codes::OrderKind)]
    pub kind: String,
    /// Required for demolish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-04-15")]
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Service {
    #[schema(format = Date, example = "2024-03-18")]
    pub on: String,
    #[schema(value_type = crate::rest::codes::ServiceMethod)]
    pub method: String,
    pub on_time: bool,
    /// The fine's due day, when there is a fine.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-04-02")]
    pub fine_due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Payment {
    #[schema(format = Date, example = "2024-04-02")]
    pub on: String,
    pub fine_fen: i64,
    /// 加处罚款 imposed: at most what accrued.
    pub late_charge_fen: i64,
    /// What accrued: 3 % a day after the due day, at most the fine.
    pub late_charge_accrued_fen: i64,
    /// Why less than accrued was charged.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub late_charge_basis: String,
}

/// A decision on the spot (简易程序).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OnTheSpot {
    /// The pre-printed, numbered decision form.
    pub form_number: String,
    /// The fine was collected on the spot.
    pub collected: bool,
    /// Reported to the agency (备案, Art. 52).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-03-05")]
    pub reported_on: Option<String>,
    /// The cash handed in to the agency, its receipt, and whether within
    /// two working days (Arts. 70–71).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-03-06")]
    pub handed_in_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handed_in_on_time: Option<bool>,
}

/// An officer recused from the case (Art. 43).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Recusal {
    pub officer_id: String,
    #[schema(value_type = crate::rest::codes::RecusalReason)]
    pub reason: String,
    pub note: String,
}

/// A seizure (查封、扣押).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Seizure {
    #[schema(format = Date, example = "2026-03-06")]
    pub on: String,
    pub items: String,
    /// The last day it may last.
    #[schema(format = Date, example = "2026-04-04")]
    pub until: String,
    pub extended: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-04-20")]
    pub released_on: Option<String>,
}

/// An announced forced demolition.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Demolition {
    #[schema(format = Date, example = "2026-04-02")]
    pub notice_on: String,
    /// The last day the party may remove it themselves.
    #[schema(format = Date, example = "2026-05-02")]
    pub removal_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime, example = "2026-05-06T10:00:00+08:00")]
    pub done_at: Option<String>,
}

/// A deadline moved on a recorded approval.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Approval {
    #[schema(format = Date, example = "2026-03-20")]
    pub on: String,
    pub days: i32,
    pub approved_by: String,
    pub basis: String,
}

fn approval(a: pb::Approval) -> Approval {
    Approval {
        on: date_to_rest(a.on.as_ref()),
        days: a.days,
        approved_by: a.approved_by,
        basis: a.basis,
    }
}

/// An unpaid fine demanded (催告) and taken to the court.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CourtEnforcement {
    #[schema(format = Date, example = "2026-07-05")]
    pub demanded_on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2027-01-05")]
    pub applied_on: Option<String>,
}

/// Evidence registered and preserved first (先行登记保存).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Preservation {
    #[schema(format = Date, example = "2026-03-12")]
    pub on: String,
    pub items: String,
    /// The last day to decide on it (seven working days).
    #[schema(format = Date, example = "2026-03-23")]
    pub decide_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-03-19")]
    pub decided_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::rest::codes::PreservationOutcome>)]
    pub outcome: Option<String>,
}

/// Every step after filing, as recorded; a step not taken is absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct Proceedings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-03-12")]
    pub defence_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hearing: Option<Hearing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<LegalReview>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discussion: Option<Discussion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<Service>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-04-10")]
    pub closed_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_the_spot: Option<OnTheSpot>,
    /// Officers recused from the case.
    pub recusals: Vec<Recusal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seizure: Option<Seizure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demolition: Option<Demolition>,
    /// The decision period's extension (Art. 60).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_extension: Option<Approval>,
    /// The fine's deferral (Art. 66).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deferral: Option<Approval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub court: Option<CourtEnforcement>,
    /// Evidence preserved first, each with its decision.
    pub preservations: Vec<Preservation>,
    /// The hearing given up: in writing, withdrawn, or by not attending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hearing_waiver: Option<HearingWaiver>,
    /// The party corrected the violation (改正): what 首违不罚 rests on.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2024-03-13")]
    pub corrected_on: Option<String>,
    /// Officers assigned after filing, each with whom they replaced.
    pub officer_changes: Vec<OfficerChange>,
    /// Suspensions (中止), each with its resumption: their days are left
    /// out of the decision period.
    pub suspensions: Vec<Suspension>,
    #[serde(flatten)]
    pub execution: super::enforcement::Execution,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Suspension {
    #[schema(format = Date, example = "2026-03-20")]
    pub from: String,
    #[schema(value_type = crate::rest::codes::SuspensionReason)]
    pub reason: String,
    pub note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date, example = "2026-04-19")]
    pub resumed_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OfficerChange {
    #[schema(format = Date, example = "2026-03-10")]
    pub on: String,
    pub officer_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    #[schema(value_type = crate::rest::codes::OfficerChangeReason)]
    pub reason: String,
    pub note: String,
    pub approved_by: String,
}

impl From<pb::Proceedings> for Proceedings {
    fn from(mut p: pb::Proceedings) -> Self {
        Self {
            execution: super::enforcement::Execution::from_proto(&mut p),
            notice: p.notice.map(|n| Notice {
                on: date_to_rest(n.on.as_ref()),
                penalty: n.penalty.into(),
                statement_due: date_to_rest(n.statement_due.as_ref()),
                hearing_due: optional_day(n.hearing_due.as_ref()),
                replaces: n.replaces,
            }),
            hearing_waiver: p.hearing_waiver.map(|w| HearingWaiver {
                on: date_to_rest(w.on.as_ref()),
                how: super::body::waiver_kind_code(w.how),
            }),
            corrected_on: optional_day(p.corrected_on.as_ref()),
            officer_changes: p
                .officer_changes
                .into_iter()
                .map(|c| OfficerChange {
                    on: date_to_rest(c.on.as_ref()),
                    officer_id: c.officer_id,
                    replaces: Some(c.replaces).filter(|r| !r.is_empty()),
                    reason: super::body::officer_change_reason_code(c.reason),
                    note: c.note,
                    approved_by: c.approved_by,
                })
                .collect(),
            suspensions: p
                .suspensions
                .into_iter()
                .map(|x| Suspension {
                    from: date_to_rest(x.from.as_ref()),
                    reason: super::body::suspension_reason_code(x.reason),
                    note: x.note,
                    resumed_on: optional_day(x.resumed_on.as_ref()),
                })
                .collect(),
            defence_on: optional_day(p.defence_on.as_ref()),
            hearing: p.hearing.map(|h| Hearing {
                requested_on: date_to_rest(h.requested_on.as_ref()),
                held_on: optional_day(h.held_on.as_ref()),
                presider_id: Some(h.presider_id).filter(|p| !p.is_empty()),
            }),
            review: p.review.map(|r| LegalReview {
                on: date_to_rest(r.on.as_ref()),
                reviewer_id: r.reviewer_id,
                approved: r.approved,
                opinion: r.opinion,
            }),
            discussion: p.discussion.map(|d| Discussion {
                on: date_to_rest(d.on.as_ref()),
                leaders: d.leaders,
                minutes: d.minutes,
                conclusion: d.conclusion,
            }),
            decision: p.decision.map(|d| Decision {
                on: date_to_rest(d.on.as_ref()),
                kind: decision_kind_code(d.kind),
                penalty: d.penalty.into(),
                on_time: d.on_time,
                orders: d
                    .orders
                    .into_iter()
                    .map(|o| Order {
                        kind: super::body::order_kind_code(o.kind),
                        by: optional_day(o.by.as_ref()),
                    })
                    .collect(),
                number: d.number,
            }),
            service: p.service.map(|s| Service {
                on: date_to_rest(s.on.as_ref()),
                method: service_method_code(s.method),
                on_time: s.on_time,
                fine_due: optional_day(s.fine_due.as_ref()),
            }),
            payment: p.payment.map(super::enforcement::payment),
            closed_on: optional_day(p.closed_on.as_ref()),
            on_the_spot: p.on_the_spot.map(|o| {
                let handed_in_on = optional_day(o.handed_in_on.as_ref());
                OnTheSpot {
                    form_number: o.form_number,
                    collected: o.collected,
                    reported_on: optional_day(o.reported_on.as_ref()),
                    handed_in_on_time: handed_in_on.as_ref().map(|_| o.handed_in_on_time),
                    receipt_number: handed_in_on.as_ref().map(|_| o.receipt_number),
                    handed_in_on,
                }
            }),
            seizure: p.seizure.map(|s| Seizure {
                on: date_to_rest(s.on.as_ref()),
                items: s.items,
                until: date_to_rest(s.until.as_ref()),
                extended: s.extended,
                released_on: optional_day(s.released_on.as_ref()),
            }),
            demolition: p.demolition.map(|d| Demolition {
                notice_on: date_to_rest(d.notice_on.as_ref()),
                removal_by: date_to_rest(d.removal_by.as_ref()),
                done_at: instant(d.done_at),
            }),
            decision_extension: p.decision_extension.map(approval),
            deferral: p.deferral.map(approval),
            preservations: p
                .preservations
                .into_iter()
                .map(|x| Preservation {
                    on: date_to_rest(x.on.as_ref()),
                    items: x.items,
                    decide_by: date_to_rest(x.decide_by.as_ref()),
                    decided_on: optional_day(x.decided_on.as_ref()),
                    outcome: Some(preservation_outcome_code(x.outcome)).filter(|o| !o.is_empty()),
                })
                .collect(),
            court: p.court.map(|c| CourtEnforcement {
                demanded_on: date_to_rest(c.demanded_on.as_ref()),
                applied_on: optional_day(c.applied_on.as_ref()),
            }),
            recusals: p
                .recusals
                .into_iter()
                .map(|r| Recusal {
                    officer_id: r.officer_id,
                    reason: recusal_reason_code(r.reason),
                    note: r.note,
                })
                .collect(),
        }
    }
}
