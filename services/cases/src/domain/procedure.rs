//! The general procedure after filing (一般程序): notice of the proposed
//! penalty (告知) with the periods to state a defence and to ask for a
//! hearing, the hearing, legal review (法制审核), collective discussion
//! (集体讨论), the decision, its service (送达), payment and closing — each
//! step refused, with the article, when the law forbids it.

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_platform::{Code, Error, coded_enum};
use serde::{Deserialize, Serialize};

use super::{Case, CaseStatus, PartyKind, rule};

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
    /// A fine from which a hearing is offered (较大数额, Art. 63), in yuan:
    /// a natural person's, and an organisation's.
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
}

impl Default for CaseRules {
    fn default() -> Self {
        Self {
            statement_working_days: 3,
            hearing_request_working_days: 5,
            hearing_notice_working_days: 7,
            hearing_fine_person_yuan: 10_000,
            hearing_fine_organisation_yuan: 100_000,
            review_fine_person_yuan: 10_000,
            review_fine_organisation_yuan: 100_000,
            decision_days: 90,
            service_working_days: 7,
            payment_days: 15,
        }
    }
}

/// The largest fine any decision could carry (¥10 billion), in fen: more is
/// a typing slip.
pub const MAX_FINE_FEN: i64 = 1_000_000_000_000;

/// A penalty proposed or decided: a warning, a fine (in fen), or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Penalty {
    pub warning: bool,
    pub fine_fen: i64,
}

/// 告知: what the party was told, and until when they may answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub on: NaiveDate,
    pub penalty: Penalty,
    /// The last day to state a defence.
    pub statement_due: NaiveDate,
    /// The last day to ask for a hearing, when one is offered.
    pub hearing_due: Option<NaiveDate>,
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
    /// 加处罚款: 3 % of the fine a day after the due day, at most the fine.
    pub late_charge_fen: i64,
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
    pub review: Option<LegalReview>,
    pub discussion: Option<Discussion>,
    pub decision: Option<Decision>,
    pub service: Option<Service>,
    pub payment: Option<Payment>,
    pub closed_on: Option<NaiveDate>,
}

/// A fine in yuan as fen, for comparing with the thresholds.
fn yuan(amount: i64) -> i64 {
    amount.saturating_mul(100)
}

fn thresholds(case: &Case, person: i64, organisation: i64) -> i64 {
    yuan(match case.party.kind {
        PartyKind::Person => person,
        PartyKind::Organisation => organisation,
    })
}

/// A penalty as given: a fine from nothing to [`MAX_FINE_FEN`].
pub fn check_penalty(field: &str, penalty: Penalty) -> Result<Penalty, Error> {
    if !(0..=MAX_FINE_FEN).contains(&penalty.fine_fen) {
        return Err(Error::invalid_field(
            field,
            Code::InvalidAmount,
            format!("{field} is a fine from 0 to {MAX_FINE_FEN} fen"),
        ));
    }
    Ok(penalty)
}

fn step_day(
    field: &str,
    on: NaiveDate,
    earliest: NaiveDate,
    today: NaiveDate,
) -> Result<(), Error> {
    if on > today {
        return Err(Error::invalid_field(
            field,
            Code::DateInFuture,
            format!("{field} lies after today"),
        ));
    }
    if on < earliest {
        return Err(Error::invalid_field(
            field,
            Code::InvalidTimeRange,
            format!("{field} lies before the case's previous step ({earliest})"),
        ));
    }
    Ok(())
}

fn expect(case: &Case, status: CaseStatus, step: &str) -> Result<(), Error> {
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

/// The last step's day: nothing is dated before it.
fn last_step(case: &Case) -> NaiveDate {
    let p = &case.proceedings;
    [
        case.filed_on,
        p.notice.as_ref().map(|n| n.on),
        p.defence_on,
        p.hearing
            .as_ref()
            .and_then(|h| h.held_on.or(Some(h.requested_on))),
        p.review.as_ref().map(|r| r.on),
        p.discussion.as_ref().map(|d| d.on),
        p.decision.as_ref().map(|d| d.on),
        p.service.as_ref().map(|s| s.on),
        p.payment.as_ref().map(|s| s.on),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(case.discovered_on)
}

fn next(case: &Case, status: CaseStatus, change: impl FnOnce(&mut Proceedings)) -> Case {
    let mut after = case.clone();
    change(&mut after.proceedings);
    after.status = status;
    after.version += 1;
    after
}

/// 告知 (Arts. 44, 45, 63, 64): the proposed penalty, the last day to state
/// a defence, and — for a fine of the province's larger amounts — the last
/// day to ask for a hearing, in working days (Art. 85).
pub fn notify(
    case: &Case,
    penalty: Penalty,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &CaseRules,
) -> Result<Case, Error> {
    expect(case, CaseStatus::Filed, "a notice")?;
    step_day("on", on, last_step(case), today)?;
    let penalty = check_penalty("penalty.fine_fen", penalty)?;
    let hearing_offered = penalty.fine_fen
        >= thresholds(
            case,
            rules.hearing_fine_person_yuan,
            rules.hearing_fine_organisation_yuan,
        );
    let notice = Notice {
        on,
        penalty,
        statement_due: calendar.add_working_days(on, rules.statement_working_days),
        hearing_due: hearing_offered
            .then(|| calendar.add_working_days(on, rules.hearing_request_working_days)),
    };
    Ok(next(case, CaseStatus::Notified, |p| {
        p.notice = Some(notice)
    }))
}

fn notice(case: &Case) -> Result<&Notice, Error> {
    expect(case, CaseStatus::Notified, "this step")?;
    case.proceedings
        .notice
        .as_ref()
        .ok_or_else(|| Error::internal("a notified case without its notice"))
}

/// 陈述、申辩: the party stated a defence (the penalty can no longer be raised).
pub fn record_defence(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    notice(case)?;
    step_day("on", on, last_step(case), today)?;
    Ok(next(case, CaseStatus::Notified, |p| {
        p.defence_on = Some(on)
    }))
}

/// The party asks for a hearing: only when one was offered, within its period.
pub fn request_hearing(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    let notice = notice(case)?;
    step_day("on", on, last_step(case), today)?;
    let Some(due) = notice.hearing_due else {
        return Err(rule(
            Code::HearingNotOffered,
            "on",
            "no hearing was offered: the proposed penalty is below the amounts that carry one (行政处罚法 Art. 63)",
        ));
    };
    if on > due {
        return Err(rule(
            Code::PeriodEnded,
            "on",
            format!(
                "a hearing is asked for within five working days of the notice, by {due} (行政处罚法 Art. 64)"
            ),
        ));
    }
    if case.proceedings.hearing.is_some() {
        return Err(rule(
            Code::AlreadyRequested,
            "on",
            "a hearing was asked for already",
        ));
    }
    Ok(next(case, CaseStatus::Notified, |p| {
        p.hearing = Some(Hearing {
            requested_on: on,
            held_on: None,
            presider: None,
        })
    }))
}

/// The hearing is held: notified to the party at least seven working days
/// before, presided over by someone who did not investigate (Art. 64).
pub fn hold_hearing(
    case: &Case,
    notified_on: NaiveDate,
    held_on: NaiveDate,
    presider: &str,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &CaseRules,
) -> Result<Case, Error> {
    notice(case)?;
    let Some(hearing) = case
        .proceedings
        .hearing
        .as_ref()
        .filter(|h| h.held_on.is_none())
    else {
        return Err(rule(
            Code::HearingNotRequested,
            "held_on",
            "no hearing is waiting: the party did not ask for one, or it was held",
        ));
    };
    step_day("notified_on", notified_on, hearing.requested_on, today)?;
    step_day("held_on", held_on, notified_on, today)?;
    let earliest = calendar.add_working_days(notified_on, rules.hearing_notice_working_days);
    if held_on < earliest {
        return Err(rule(
            Code::NoticeTooShort,
            "held_on",
            format!(
                "the party is told of a hearing seven working days before it: not before {earliest} (行政处罚法 Art. 64)"
            ),
        ));
    }
    if case.officers.iter().any(|o| o == presider) {
        return Err(rule(
            Code::PresiderInvestigated,
            "presider_id",
            "a hearing is presided over by someone who did not investigate the case (行政处罚法 Art. 64)",
        ));
    }
    let presider = presider.to_owned();
    Ok(next(case, CaseStatus::Notified, |p| {
        if let Some(h) = p.hearing.as_mut() {
            h.held_on = Some(held_on);
            h.presider = Some(presider);
        }
    }))
}

/// Whether the decision needs legal review (Art. 58): a major case, one that
/// went through a hearing, or a fine from the review amounts.
pub fn review_required(case: &Case, fine_fen: i64, rules: &CaseRules) -> bool {
    let p = &case.proceedings;
    p.major
        || p.hearing.as_ref().is_some_and(|h| h.held_on.is_some())
        || fine_fen
            >= thresholds(
                case,
                rules.review_fine_person_yuan,
                rules.review_fine_organisation_yuan,
            )
}

/// 法制审核 by `reviewer` (a person), who is not an officer on the case and,
/// reviewing for the first time, holds the legal professional qualification.
pub fn legal_review(
    case: &Case,
    review: LegalReview,
    first_review_by_reviewer: bool,
    qualified: bool,
    today: NaiveDate,
) -> Result<Case, Error> {
    notice(case)?;
    step_day("on", review.on, last_step(case), today)?;
    if case.officers.contains(&review.reviewer) {
        return Err(rule(
            Code::ReviewerOnCase,
            "reviewer_id",
            "legal review is by someone who is not an officer on the case (行政处罚法 Art. 58)",
        ));
    }
    if first_review_by_reviewer && !qualified {
        return Err(rule(
            Code::ReviewerUnqualified,
            "reviewer_id",
            "a reviewer's first legal review needs the legal professional qualification (法律职业资格, 行政处罚法 Art. 58)",
        ));
    }
    Ok(next(case, CaseStatus::Notified, |p| {
        p.review = Some(review)
    }))
}

/// 集体讨论 (Art. 57): the date, the leaders present, minutes, conclusion.
pub fn discuss(case: &Case, discussion: Discussion, today: NaiveDate) -> Result<Case, Error> {
    notice(case)?;
    step_day("on", discussion.on, last_step(case), today)?;
    if discussion.leaders.len() < 2 {
        return Err(rule(
            Code::TooFewLeaders,
            "leaders",
            "a collective discussion is held by the agency's leaders together: name at least two",
        ));
    }
    Ok(next(case, CaseStatus::Notified, |p| {
        p.discussion = Some(discussion)
    }))
}

/// 决定: after the periods to state a defence and ask for a hearing ended
/// and any hearing asked for was held; never a penalty above the notice's
/// once the party defended (Art. 62); with an approving legal review where
/// one is required (Art. 58) and a collective discussion for a major case
/// (Art. 57). Whether it came within the decision period is recorded.
pub fn decide(
    case: &Case,
    kind: DecisionKind,
    penalty: Penalty,
    on: NaiveDate,
    today: NaiveDate,
    rules: &CaseRules,
) -> Result<Case, Error> {
    let notice = notice(case)?.clone();
    step_day("on", on, last_step(case), today)?;
    let penalty = match kind {
        DecisionKind::Penalty => check_penalty("penalty.fine_fen", penalty)?,
        _ => Penalty::default(),
    };
    if kind == DecisionKind::Penalty && !penalty.warning && penalty.fine_fen == 0 {
        return Err(Error::invalid_field(
            "penalty",
            Code::Required,
            "a penalty decision gives a warning or a fine",
        ));
    }
    let p = &case.proceedings;
    let waiting = [Some(notice.statement_due), notice.hearing_due]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(notice.on);
    if on <= waiting && p.defence_on.is_none() {
        return Err(rule(
            Code::PeriodNotEnded,
            "on",
            format!(
                "the party may state a defence or ask for a hearing until {waiting}: decide after it (行政处罚法 Arts. 44, 45, 62)"
            ),
        ));
    }
    if let Some(hearing) = &p.hearing
        && hearing.held_on.is_none()
    {
        return Err(rule(
            Code::HearingPending,
            "on",
            "the party asked for a hearing: hold it before deciding, on its record (行政处罚法 Art. 65)",
        ));
    }
    if p.defence_on.is_some()
        && (penalty.fine_fen > notice.penalty.fine_fen
            || (penalty.warning && !notice.penalty.warning && notice.penalty.fine_fen == 0))
    {
        return Err(rule(
            Code::PenaltyRaised,
            "penalty",
            "the penalty may not be raised because the party stated a defence (行政处罚法 Art. 62)",
        ));
    }
    if kind == DecisionKind::Penalty
        && review_required(case, penalty.fine_fen, rules)
        && !p.review.as_ref().is_some_and(|r| r.approved)
    {
        return Err(rule(
            Code::LegalReviewRequired,
            "review",
            "this decision needs an approving legal review first (行政处罚法 Art. 58)",
        ));
    }
    if p.major && p.discussion.is_none() {
        return Err(rule(
            Code::DiscussionRequired,
            "discussion",
            "a complex or serious case is decided after the leaders' collective discussion (行政处罚法 Art. 57)",
        ));
    }
    let filed = case.filed_on.unwrap_or(case.discovered_on);
    let on_time = on <= filed + Days::new(u64::from(rules.decision_days));
    Ok(next(case, CaseStatus::Decided, |p| {
        p.decision = Some(Decision {
            on,
            kind: kind.code().to_owned(),
            penalty,
            on_time,
        })
    }))
}

/// 送达 (Art. 61): electronic service only with the party's signed consent;
/// whether it came within the service period is recorded, and a fine falls
/// due from it.
pub fn serve(
    case: &Case,
    method: ServiceMethod,
    consented: bool,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &CaseRules,
) -> Result<Case, Error> {
    expect(case, CaseStatus::Decided, "service")?;
    step_day("on", on, last_step(case), today)?;
    if method == ServiceMethod::Electronic && !consented {
        return Err(rule(
            Code::ConsentRequired,
            "method",
            "electronic service needs the party's signed consent (行政处罚法 Art. 61)",
        ));
    }
    let decision = case
        .proceedings
        .decision
        .as_ref()
        .ok_or_else(|| Error::internal("a decided case without its decision"))?;
    // 公告送达 is deemed served 30 days after the notice.
    let served = if method == ServiceMethod::PublicNotice {
        on + Days::new(30)
    } else {
        on
    };
    let service = Service {
        on,
        method: method.code().to_owned(),
        on_time: on <= calendar.add_working_days(decision.on, rules.service_working_days),
        fine_due: (decision.penalty.fine_fen > 0)
            .then(|| served + Days::new(u64::from(rules.payment_days))),
    };
    Ok(next(case, CaseStatus::Served, |p| {
        p.service = Some(service)
    }))
}

/// 加处罚款 (Art. 72): 3 % of the fine for each day after the due day, never
/// more than the fine.
pub fn late_charge(fine_fen: i64, due: NaiveDate, paid_on: NaiveDate) -> i64 {
    let days_late = (paid_on - due).num_days().max(0);
    let charge = (i128::from(fine_fen) * 3 * i128::from(days_late)) / 100;
    i64::try_from(charge.min(i128::from(fine_fen))).unwrap_or(fine_fen)
}

/// The fine paid on `on`: the whole fine, and the late charge it owes then.
pub fn record_payment(
    case: &Case,
    paid_fen: i64,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    expect(case, CaseStatus::Served, "a payment")?;
    step_day("on", on, last_step(case), today)?;
    let service = case
        .proceedings
        .service
        .as_ref()
        .ok_or_else(|| Error::internal("a served case without its service"))?;
    let fine = case
        .proceedings
        .decision
        .as_ref()
        .map_or(0, |d| d.penalty.fine_fen);
    let Some(due) = service.fine_due else {
        return Err(rule(
            Code::NothingToPay,
            "amount_fen",
            "the decision carries no fine",
        ));
    };
    let charge = late_charge(fine, due, on);
    if paid_fen != fine + charge {
        return Err(Error::invalid_field(
            "amount_fen",
            Code::InvalidAmount,
            format!(
                "the fine of {fine} fen and a late charge of {charge} fen come to {} fen on {on}",
                fine + charge
            ),
        ));
    }
    Ok(next(case, CaseStatus::Served, |p| {
        p.payment = Some(Payment {
            on,
            fine_fen: fine,
            late_charge_fen: charge,
        })
    }))
}

/// 结案: a served decision, its fine (if any) paid.
pub fn close(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    expect(case, CaseStatus::Served, "closing")?;
    step_day("on", on, last_step(case), today)?;
    let owes = case
        .proceedings
        .service
        .as_ref()
        .is_some_and(|s| s.fine_due.is_some());
    if owes && case.proceedings.payment.is_none() {
        return Err(rule(
            Code::FineUnpaid,
            "on",
            "the fine is unpaid: a case with a fine closes once it is paid (or enforced by the court)",
        ));
    }
    Ok(next(case, CaseStatus::Closed, |p| p.closed_on = Some(on)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    fn rules() -> CaseRules {
        CaseRules::default()
    }

    fn fine(yuan: i64) -> Penalty {
        Penalty {
            warning: false,
            fine_fen: yuan * 100,
        }
    }

    const TODAY: &str = "2026-11-29";

    /// Filed on 2024-03-05 (a Tuesday) with officers o1 and o2.
    fn filed() -> Case {
        Case {
            status: CaseStatus::Filed,
            filed_on: Some(day("2024-03-05")),
            officers: vec!["o1".into(), "o2".into()],
            ..lead()
        }
    }

    fn notified(penalty: Penalty) -> Case {
        notify(
            &filed(),
            penalty,
            day("2024-03-11"),
            day(TODAY),
            &Calendar::official(),
            &rules(),
        )
        .unwrap()
    }

    #[test]
    fn the_notice_counts_working_days_and_offers_a_hearing_from_the_larger_amounts() {
        // Monday 11 March 2024: three working days is Thursday 14, five is Monday 18.
        let small = notified(fine(500));
        let notice = small.proceedings.notice.clone().unwrap();
        assert_eq!(notice.statement_due, day("2024-03-14"));
        assert_eq!(notice.hearing_due, None);
        let large = notified(fine(20_000));
        assert_eq!(
            large.proceedings.notice.unwrap().hearing_due,
            Some(day("2024-03-18"))
        );
        let err = notify(
            &filed(),
            fine(-1),
            day("2024-03-11"),
            day(TODAY),
            &Calendar::official(),
            &rules(),
        )
        .unwrap_err();
        assert_eq!(err.code, Code::InvalidAmount);
    }

    #[test]
    fn no_decision_before_the_periods_end_unless_the_party_defended() {
        let case = notified(fine(500));
        let early = decide(
            &case,
            DecisionKind::Penalty,
            fine(500),
            day("2024-03-14"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(early.unwrap_err().code, Code::PeriodNotEnded);
        assert!(
            decide(
                &case,
                DecisionKind::Penalty,
                fine(500),
                day("2024-03-15"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
        let defended = record_defence(&case, day("2024-03-12"), day(TODAY)).unwrap();
        assert!(
            decide(
                &defended,
                DecisionKind::Penalty,
                fine(500),
                day("2024-03-13"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_penalty_is_never_raised_because_the_party_defended() {
        let defended = record_defence(&notified(fine(500)), day("2024-03-12"), day(TODAY)).unwrap();
        let raised = decide(
            &defended,
            DecisionKind::Penalty,
            fine(800),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(raised.unwrap_err().code, Code::PenaltyRaised);
        assert!(
            decide(
                &defended,
                DecisionKind::Penalty,
                fine(300),
                day("2024-03-15"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
        // Without a defence the agency may still reconsider upward.
        let silent = notified(fine(500));
        assert!(
            decide(
                &silent,
                DecisionKind::Penalty,
                fine(800),
                day("2024-03-15"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_hearing_is_asked_for_in_time_held_on_notice_and_not_presided_by_an_investigator() {
        let calendar = Calendar::official();
        let small = notified(fine(500));
        assert_eq!(
            request_hearing(&small, day("2024-03-12"), day(TODAY))
                .unwrap_err()
                .code,
            Code::HearingNotOffered
        );
        let large = notified(fine(20_000));
        assert_eq!(
            request_hearing(&large, day("2024-03-19"), day(TODAY))
                .unwrap_err()
                .code,
            Code::PeriodEnded
        );
        let asked = request_hearing(&large, day("2024-03-18"), day(TODAY)).unwrap();
        let early = decide(
            &asked,
            DecisionKind::Penalty,
            fine(20_000),
            day("2024-03-25"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(early.unwrap_err().code, Code::HearingPending);
        // Notified Tuesday 19 March: seven working days is Thursday 28 March.
        let hold = |held: &str, presider: &str| {
            hold_hearing(
                &asked,
                day("2024-03-19"),
                day(held),
                presider,
                day(TODAY),
                &calendar,
                &rules(),
            )
        };
        assert_eq!(
            hold("2024-03-27", "p9").unwrap_err().code,
            Code::NoticeTooShort
        );
        assert_eq!(
            hold("2024-03-28", "o1").unwrap_err().code,
            Code::PresiderInvestigated
        );
        let held = hold("2024-03-28", "p9").unwrap();
        assert_eq!(
            held.proceedings.hearing.unwrap().presider.as_deref(),
            Some("p9")
        );
    }

    #[test]
    fn legal_review_is_required_for_large_fines_hearings_and_major_cases_by_an_outsider() {
        let review = |reviewer: &str, approved| LegalReview {
            on: day("2024-03-15"),
            reviewer: reviewer.into(),
            approved,
            opinion: "事实清楚，证据确实充分".into(),
        };
        let large = notified(fine(20_000));
        let unreviewed = decide(
            &large,
            DecisionKind::Penalty,
            fine(20_000),
            day("2024-03-19"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(unreviewed.unwrap_err().code, Code::LegalReviewRequired);
        assert_eq!(
            legal_review(&large, review("o2", true), false, true, day(TODAY))
                .unwrap_err()
                .code,
            Code::ReviewerOnCase
        );
        assert_eq!(
            legal_review(&large, review("r1", true), true, false, day(TODAY))
                .unwrap_err()
                .code,
            Code::ReviewerUnqualified
        );
        let refused = legal_review(&large, review("r1", false), false, false, day(TODAY)).unwrap();
        let still = decide(
            &refused,
            DecisionKind::Penalty,
            fine(20_000),
            day("2024-03-19"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(still.unwrap_err().code, Code::LegalReviewRequired);
        let approved = legal_review(&large, review("r1", true), true, true, day(TODAY)).unwrap();
        assert!(
            decide(
                &approved,
                DecisionKind::Penalty,
                fine(20_000),
                day("2024-03-19"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
        // An organisation's larger amounts.
        let mut company = notified(fine(20_000));
        company.party.kind = PartyKind::Organisation;
        assert!(!review_required(&company, fine(20_000).fine_fen, &rules()));
    }

    #[test]
    fn a_major_case_is_decided_after_collective_discussion() {
        let mut case = notified(fine(500));
        case.proceedings.major = true;
        case.proceedings.review = Some(LegalReview {
            on: day("2024-03-12"),
            reviewer: "r1".into(),
            approved: true,
            opinion: "同意".into(),
        });
        let undiscussed = decide(
            &case,
            DecisionKind::Penalty,
            fine(500),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(undiscussed.unwrap_err().code, Code::DiscussionRequired);
        let discussion = |leaders: Vec<&str>| Discussion {
            on: day("2024-03-13"),
            leaders: leaders.into_iter().map(str::to_owned).collect(),
            minutes: "会议纪要".into(),
            conclusion: "同意处罚".into(),
        };
        assert_eq!(
            discuss(&case, discussion(vec!["镇长"]), day(TODAY))
                .unwrap_err()
                .code,
            Code::TooFewLeaders
        );
        let discussed = discuss(
            &case,
            discussion(vec!["镇长", "分管副镇长", "纪委书记"]),
            day(TODAY),
        )
        .unwrap();
        let decided = decide(
            &discussed,
            DecisionKind::Penalty,
            fine(500),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert!(decided.proceedings.decision.unwrap().on_time);
    }

    #[test]
    fn a_decision_after_ninety_days_is_recorded_late() {
        let case = notified(fine(500));
        let late = decide(
            &case,
            DecisionKind::Penalty,
            fine(500),
            day("2024-06-04"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert!(!late.proceedings.decision.unwrap().on_time);
        let in_time = decide(
            &case,
            DecisionKind::Penalty,
            fine(500),
            day("2024-06-03"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert!(in_time.proceedings.decision.unwrap().on_time);
    }

    #[test]
    fn the_late_charge_is_three_percent_a_day_and_never_above_the_fine() {
        let due = day("2024-04-01");
        assert_eq!(late_charge(50_000, due, due), 0);
        assert_eq!(late_charge(50_000, due, day("2024-04-03")), 3_000);
        assert_eq!(late_charge(50_000, due, day("2024-06-30")), 50_000);
        assert_eq!(late_charge(50_000, due, day("2024-03-20")), 0);
    }

    #[test]
    fn a_served_fine_is_paid_with_its_late_charge_before_the_case_closes() {
        let calendar = Calendar::official();
        let decided = decide(
            &notified(fine(500)),
            DecisionKind::Penalty,
            fine(500),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        let err = serve(
            &decided,
            ServiceMethod::Electronic,
            false,
            day("2024-03-18"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap_err();
        assert_eq!(err.code, Code::ConsentRequired);
        let served = serve(
            &decided,
            ServiceMethod::InPerson,
            false,
            day("2024-03-18"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap();
        let service = served.proceedings.service.clone().unwrap();
        assert!(service.on_time);
        assert_eq!(service.fine_due, Some(day("2024-04-02")));
        assert_eq!(
            close(&served, day("2024-04-10"), day(TODAY))
                .unwrap_err()
                .code,
            Code::FineUnpaid
        );
        // Paid two days late: 500 yuan and 6 % of it.
        let wrong = record_payment(&served, 50_000, day("2024-04-04"), day(TODAY)).unwrap_err();
        assert_eq!(wrong.code, Code::InvalidAmount);
        let paid = record_payment(&served, 53_000, day("2024-04-04"), day(TODAY)).unwrap();
        assert_eq!(
            paid.proceedings.payment.clone().unwrap().late_charge_fen,
            3_000
        );
        let closed = close(&paid, day("2024-04-10"), day(TODAY)).unwrap();
        assert_eq!(closed.status, CaseStatus::Closed);
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        let case = filed();
        assert_eq!(
            record_defence(&case, day("2024-03-12"), day(TODAY))
                .unwrap_err()
                .code,
            Code::InvalidTransition
        );
        assert_eq!(
            decide(
                &case,
                DecisionKind::Penalty,
                fine(500),
                day("2024-03-12"),
                day(TODAY),
                &rules()
            )
            .unwrap_err()
            .code,
            Code::InvalidTransition
        );
        assert_eq!(
            close(&case, day("2024-03-12"), day(TODAY))
                .unwrap_err()
                .code,
            Code::InvalidTransition
        );
        let notice_before_filing = notify(
            &case,
            fine(500),
            day("2024-03-04"),
            day(TODAY),
            &Calendar::official(),
            &rules(),
        );
        assert_eq!(
            notice_before_filing.unwrap_err().code,
            Code::InvalidTimeRange
        );
    }
}
