//! The general procedure after filing (一般程序): notice of the proposed
//! penalty (告知) with the periods to state a defence and to ask for a
//! hearing, the hearing, legal review (法制审核), collective discussion
//! (集体讨论), the decision, its service (送达), payment and closing — each
//! step refused, with the article, when the law forbids it.

use chrono::NaiveDate;
use fazhi_platform::{Code, Error, coded_enum};
use serde::{Deserialize, Serialize};

pub(super) use super::case::check_step_day as step_day;
use super::{Case, CaseStatus, PartyKind};

mod appeal;
mod court;
mod deadlines;
mod decision;
mod evidence;
mod execution;
mod notice;
mod numbers;
mod orders;
mod payment;
mod penalty;
mod suspension;

pub use appeal::*;
pub use court::*;
pub use deadlines::*;
pub use decision::*;
pub use evidence::*;
pub use execution::*;
pub use notice::*;
pub use numbers::*;
pub use orders::*;
pub use payment::*;
pub use penalty::*;
pub use suspension::*;

/// The numbers of the procedure; DOMAIN.md's defaults, set per province.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct CaseRules {
    /// Working days after the notice to state a defence (陈述、申辩).
    pub statement_working_days: u32,
    /// Working days after the notice to ask for a hearing (Art. 64: 5).
    pub hearing_request_working_days: u32,
    /// Working days' notice of a hearing to the party (Art. 64: 7).
    pub hearing_notice_working_days: u32,
    /// A fine (or a confiscation of that value) from which a hearing is
    /// offered (较大数额, Art. 63), in yuan: a natural person's, and an
    /// organisation's — the province's own amounts; Henan's by default
    /// (河南省行政处罚听证办法, 省政府令第204号, Art. 4: ¥5,000 and ¥50,000).
    pub hearing_fine_person_yuan: i64,
    pub hearing_fine_organisation_yuan: i64,
    /// A fine from which legal review is required (Art. 58), in yuan.
    pub review_fine_person_yuan: i64,
    pub review_fine_organisation_yuan: i64,
    /// Calendar days from filing to the decision (Art. 60).
    pub decision_days: u32,
    /// Working days from the decision to its service when the party was
    /// absent (Art. 61).
    pub service_working_days: u32,
    /// Calendar days from service to the fine's due day (Art. 67).
    pub payment_days: u32,
    /// The 案号's format and the decision number's: `{agency}`, `{year}`,
    /// `{seq}`.
    pub case_number_format: String,
    pub decision_number_format: String,
    /// Per division code, the agency's short name in its numbers (老城镇).
    pub agencies: std::collections::BTreeMap<String, String>,
}

impl Default for CaseRules {
    fn default() -> Self {
        let (case_number_format, decision_number_format, agencies) = numbers::default_formats();
        Self {
            statement_working_days: 3,
            hearing_request_working_days: 5,
            hearing_notice_working_days: 7,
            // 河南省行政处罚听证办法 (省政府令第204号) Art. 4, from 2021-12-01.
            hearing_fine_person_yuan: 5_000,
            hearing_fine_organisation_yuan: 50_000,
            review_fine_person_yuan: 10_000,
            review_fine_organisation_yuan: 100_000,
            decision_days: 90,
            service_working_days: 7,
            payment_days: 15,
            case_number_format,
            decision_number_format,
            agencies,
        }
    }
}

/// 告知: what the party was told, and until when they may answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub on: NaiveDate,
    pub penalty: Penalty,
    /// Notices served before this one, replaced by it (a heavier decision
    /// needs a new notice).
    #[serde(default)]
    pub replaces: u32,
    /// The last day to state a defence.
    pub statement_due: NaiveDate,
    /// The last day to ask for a hearing, when one is offered.
    pub hearing_due: Option<NaiveDate>,
}

coded_enum! {
    /// How the party gave up the hearing (行政处罚法 Art. 64).
    WaiverKind {
        /// 书面放弃: waived in writing, before or after asking.
        Written => "written",
        /// 撤回听证申请: the request withdrawn.
        Withdrawn => "withdrawn",
        /// 无正当理由不参加或中途退出 (Art. 64(8)): stayed away or left
        /// without leave — the hearing is waived.
        NoShow => "no_show",
    }
}

/// The hearing given up, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HearingWaiver {
    pub on: NaiveDate,
    /// A [`WaiverKind`] code.
    pub how: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    pub requested_on: NaiveDate,
    /// Held, presided over by this person (training person id).
    pub held_on: Option<NaiveDate>,
    pub presider: Option<String>,
}

/// 法制审核 by a legal reviewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalReview {
    pub on: NaiveDate,
    /// The reviewer (training person id).
    pub reviewer: String,
    pub approved: bool,
    pub opinion: String,
}

/// 集体讨论 of the agency's leaders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discussion {
    pub on: NaiveDate,
    pub leaders: Vec<String>,
    pub minutes: String,
    pub conclusion: String,
}

coded_enum! {
    /// What a decision decides.
    DecisionKind {
        /// 给予行政处罚
        Penalty => "penalty",
        /// 不予行政处罚 (e.g. 首违不罚, Art. 33)
        NoPenalty => "no_penalty",
        /// 违法事实不能成立，不予处罚
        Dismissed => "dismissed",
        /// 首违不罚 (Art. 33): a first, minor violation corrected in time.
        FirstViolation => "first_violation",
        /// 移送司法机关 (a suspected crime)
        Transferred => "transferred",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub on: NaiveDate,
    /// A `DecisionKind` code.
    pub kind: String,
    pub penalty: Penalty,
    /// Within the decision period from filing (Art. 60).
    pub on_time: bool,
    /// Whether legal review was required (Art. 58) and collective discussion
    /// (Art. 57): the coverage figures count among these.
    #[serde(default)]
    pub review_required: bool,
    #[serde(default)]
    pub discussion_required: bool,
    /// The orders beside it (责令改正, 责令限期拆除).
    #[serde(default)]
    pub orders: Vec<super::Order>,
    /// Its number (文书编号), given at deciding.
    #[serde(default)]
    pub number: String,
}

coded_enum! {
    /// How a decision reached the party (Art. 61).
    ServiceMethod {
        /// 直接送达
        InPerson => "in_person",
        /// 留置送达: left with a witness, or recorded on video.
        LeftWithWitness => "left_with_witness",
        /// 邮寄送达
        Post => "post",
        /// 公告送达: deemed served 30 days after the notice.
        PublicNotice => "public_notice",
        /// 电子送达: only with the party's signed consent.
        Electronic => "electronic",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub on: NaiveDate,
    /// A `ServiceMethod` code.
    pub method: String,
    /// Within the service period from the decision.
    pub on_time: bool,
    /// The fine's due day, when there is a fine.
    pub fine_due: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub on: NaiveDate,
    pub fine_fen: i64,
    /// 加处罚款 imposed: what accrued, or less as the agency chose (Art. 72)
    /// or an 执行协议 agreed (行政强制法 Art. 42).
    pub late_charge_fen: i64,
    /// What accrued: 3 % of the fine a day after the due day, at most the fine.
    #[serde(default)]
    pub late_charge_accrued_fen: i64,
    /// Why less than what accrued was charged.
    #[serde(default)]
    pub late_charge_basis: String,
}

/// Everything after filing, as recorded step by step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Proceedings {
    /// Complex or serious (情节复杂或者重大违法): collective discussion
    /// and legal review are required.
    pub major: bool,
    pub notice: Option<Notice>,
    /// The day the party stated a defence (陈述、申辩).
    pub defence_on: Option<NaiveDate>,
    pub hearing: Option<Hearing>,
    /// The hearing given up (in writing, withdrawn, or by not attending).
    pub hearing_waiver: Option<HearingWaiver>,
    /// The party corrected the violation (改正, Art. 33): what 首违不罚
    /// rests on.
    pub corrected_on: Option<NaiveDate>,
    pub review: Option<LegalReview>,
    pub discussion: Option<Discussion>,
    pub decision: Option<Decision>,
    pub service: Option<Service>,
    /// The payment that settled the fine.
    pub payment: Option<Payment>,
    /// Payments of part of the fine before it was settled.
    pub part_payments: Vec<Payment>,
    /// The fine split into instalments, with the approval.
    pub instalments: Option<Instalments>,
    /// The party's appeals (复议, suits), each with how it ended.
    pub appeals: Vec<Appeal>,
    /// Enforcing the decision's orders by the agency itself (行政强制法
    /// Arts. 35–38, 42): the 催告, the party's statement, the written
    /// decision served, an 执行协议.
    pub enforcement: Option<super::Enforcement>,
    /// The 案号, given at filing.
    pub case_number: String,
    pub closed_on: Option<NaiveDate>,
    /// Decided on the spot (简易程序): the form and whether the fine was collected.
    pub on_the_spot: Option<super::OnTheSpot>,
    /// Officers recused from the case (Art. 43).
    pub recusals: Vec<super::Recusal>,
    /// Officers assigned after filing, each replacing one or joining.
    pub officer_changes: Vec<super::OfficerChange>,
    /// Suspensions (中止), each with the day it was resumed: their days are
    /// left out of the decision period.
    pub suspensions: Vec<Suspension>,
    /// The seizure (查封、扣押), while it lasts and after.
    pub seizure: Option<super::Seizure>,
    /// The announced forced demolition, and when it was carried out.
    pub demolition: Option<super::Demolition>,
    /// The decision period's extension, with its approval (Art. 60).
    pub decision_extension: Option<Approval>,
    /// The fine's payment deferred, with its approval (Art. 66).
    pub deferral: Option<Approval>,
    /// An unpaid fine demanded and taken to the court.
    pub court: Option<CourtEnforcement>,
    /// Evidence registered and preserved first (Art. 56).
    pub preservations: Vec<Preservation>,
    /// The day a lead was declined or a case terminated.
    pub ended_on: Option<NaiveDate>,
}

impl Proceedings {
    /// Whether the case is suspended now.
    pub fn suspended(&self) -> bool {
        self.suspensions.iter().any(|s| s.resumed_on.is_none())
    }

    /// Days the case was suspended (from the day it stopped to the day it
    /// resumed): left out of the decision period.
    pub fn paused_days(&self) -> u32 {
        self.suspensions
            .iter()
            .filter_map(|s| s.resumed_on.map(|r| (r - s.from).num_days()))
            .map(|d| u32::try_from(d).unwrap_or(0))
            .sum()
    }

    /// Whether a step taken needs an audio or video record (Art. 47): a
    /// hearing held, a seizure, a forced demolition carried out, service by
    /// leaving it (留置送达) — what recording coverage is counted over.
    pub fn needs_recording(&self) -> bool {
        self.hearing.as_ref().is_some_and(|h| h.held_on.is_some())
            || self.seizure.is_some()
            || self
                .demolition
                .as_ref()
                .is_some_and(|d| d.done_at.is_some())
            || self
                .service
                .as_ref()
                .is_some_and(|s| s.method == ServiceMethod::LeftWithWitness.code())
    }
}

/// A fine in yuan as fen, for comparing with the thresholds.
pub(super) fn yuan(amount: i64) -> i64 {
    amount.saturating_mul(100)
}

pub(super) fn thresholds(case: &Case, person: i64, organisation: i64) -> i64 {
    yuan(match case.party.kind {
        PartyKind::Person => person,
        PartyKind::Organisation => organisation,
    })
}

/// Refuses every step of a suspended case but its resumption.
pub(super) fn not_suspended(case: &Case) -> Result<(), Error> {
    if case.proceedings.suspended() {
        return Err(crate::domain::rule(
            Code::CaseSuspended,
            "version",
            "the case is suspended (中止): resume it before any other step",
        ));
    }
    Ok(())
}

pub(super) fn expect(case: &Case, status: CaseStatus, step: &str) -> Result<(), Error> {
    not_suspended(case)?;
    if case.status == status {
        return Ok(());
    }
    Err(Error::new(
        fazhi_platform::ErrorKind::FailedPrecondition,
        Code::InvalidTransition,
        format!(
            "the case is {}: {step} needs a case that is {}",
            case.status.code(),
            status.code()
        ),
    ))
}

/// Refuses `step` unless the case is filed and not yet decided (the
/// investigation: seizure, evidence preservation, the decision period's
/// extension).
pub(super) fn before_decision(case: &Case, step: &str) -> Result<(), Error> {
    not_suspended(case)?;
    if matches!(case.status, CaseStatus::Filed | CaseStatus::Notified) {
        return Ok(());
    }
    Err(Error::new(
        fazhi_platform::ErrorKind::FailedPrecondition,
        Code::InvalidTransition,
        format!(
            "the case is {}: {step} belongs to a filed case before its decision",
            case.status.code()
        ),
    ))
}

/// The last step's day: nothing is dated before it.
pub(super) fn last_step(case: &Case) -> NaiveDate {
    let p = &case.proceedings;
    [
        case.filed_on,
        p.notice.as_ref().map(|n| n.on),
        p.defence_on,
        p.hearing_waiver.as_ref().map(|w| w.on),
        p.corrected_on,
        p.hearing
            .as_ref()
            .and_then(|h| h.held_on.or(Some(h.requested_on))),
        p.review.as_ref().map(|r| r.on),
        p.discussion.as_ref().map(|d| d.on),
        p.decision.as_ref().map(|d| d.on),
        p.service.as_ref().map(|s| s.on),
        p.payments().map(|s| s.on).max(),
        p.instalments.as_ref().map(|i| i.on),
        p.appeals
            .iter()
            .filter_map(|a| a.concluded_on.or(Some(a.filed_on)))
            .max(),
        p.enforcement.as_ref().map(super::Enforcement::last_step),
        p.suspensions
            .iter()
            .filter_map(|s| s.resumed_on.or(Some(s.from)))
            .max(),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(case.discovered_on)
}

pub(super) fn next(case: &Case, status: CaseStatus, change: impl FnOnce(&mut Proceedings)) -> Case {
    let mut after = case.clone();
    change(&mut after.proceedings);
    after.status = status;
    after.version += 1;
    after
}

#[cfg(test)]
mod fixtures;

#[cfg(test)]
mod properties;
