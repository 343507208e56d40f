//! Before and at the decision: legal review, collective discussion, and
//! the decision itself.

use chrono::{Days, NaiveDate};
use fazhi_platform::{Code, Error};

use super::*;
use crate::domain::{Case, CaseStatus, rule};

/// 首违不罚 (行政处罚法 Art. 33): no penalty only for a party with no penalty
/// on record before.
pub fn check_first_violation(prior_penalties: i64) -> Result<(), Error> {
    if prior_penalties == 0 {
        return Ok(());
    }
    Err(rule(
        Code::NotFirstViolation,
        "kind",
        format!(
            "the party has {prior_penalties} penalty decision(s) on record: not a first violation (行政处罚法 Art. 33)"
        ),
    ))
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
    crate::domain::check_not_recused(case, &review.reviewer, "reviewer_id")?;
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

/// Whether `decided` is heavier than `notified`: a larger fine, or a
/// warning where neither a warning nor a fine was notified.
fn heavier_than(decided: &Penalty, notified: &Penalty) -> bool {
    decided.fine_fen > notified.fine_fen
        || (decided.warning && !notified.warning && notified.fine_fen == 0)
}

/// 决定: after the periods to state a defence and ask for a hearing ended
/// and any hearing asked for was held; never a penalty above the notice's
/// (Art. 44; and never because the party defended, Art. 45(2)); with an approving legal review where
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
    if kind == DecisionKind::Penalty && heavier_than(&penalty, &notice.penalty) {
        return Err(if p.defence_on.is_some() {
            rule(
                Code::PenaltyRaised,
                "penalty",
                "the penalty may not be raised because the party stated a defence (行政处罚法 Art. 45(2))",
            )
        } else {
            rule(
                Code::PenaltyAboveNotice,
                "penalty",
                "the penalty is heavier than the one notified: the party is told of a penalty before it is decided, with its rights to a defence and a hearing (行政处罚法 Art. 44)",
            )
        });
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
    let extension = p.decision_extension.as_ref().map_or(0, |a| a.days);
    let on_time = on <= filed + Days::new(u64::from(rules.decision_days + extension));
    Ok(next(case, CaseStatus::Decided, |p| {
        p.decision = Some(Decision {
            on,
            kind: kind.code().to_owned(),
            penalty,
            on_time,
            review_required: kind == DecisionKind::Penalty
                && review_required(case, penalty.fine_fen, rules),
            discussion_required: case.proceedings.major,
        })
    }))
}

#[cfg(test)]
mod tests {

    use super::super::fixtures::*;
    use super::*;
    use crate::domain::PartyKind;
    use crate::domain::fixtures::*;

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
    }

    #[test]
    fn a_penalty_heavier_than_the_notice_is_never_decided_without_a_new_notice() {
        let silent = notified(fine(500));
        let raised = decide(
            &silent,
            DecisionKind::Penalty,
            fine(800),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(raised.unwrap_err().code, Code::PenaltyAboveNotice);
        assert!(
            decide(
                &silent,
                DecisionKind::Penalty,
                fine(500),
                day("2024-03-15"),
                day(TODAY),
                &rules()
            )
            .is_ok()
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
    fn no_penalty_for_a_first_violation_only_when_none_is_on_record() {
        assert!(check_first_violation(0).is_ok());
        assert_eq!(
            check_first_violation(1).unwrap_err().code,
            Code::NotFirstViolation
        );
        let decided = decide(
            &notified(fine(500)),
            DecisionKind::FirstViolation,
            fine(500),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        let decision = decided.proceedings.decision.unwrap();
        assert_eq!(
            (decision.kind.as_str(), decision.penalty.fine_fen),
            ("first_violation", 0)
        );
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
}
