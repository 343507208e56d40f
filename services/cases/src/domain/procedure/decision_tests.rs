//! The decision's rules, each pinned with the article it comes from.

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
    // A fine that carries a hearing is also discussed (Art. 57).
    let approved = discussed(&approved, "2024-03-18");
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
    let corrected = record_correction(&notified(fine(500)), day("2024-03-13"), day(TODAY)).unwrap();
    let decided = decide(
        &corrected,
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

/// `case` discussed by two leaders on `on`.
pub(super) fn discussed(case: &Case, on: &str) -> Case {
    let discussion = Discussion {
        on: day(on),
        leaders: vec!["镇长".into(), "分管副镇长".into()],
        minutes: "会议纪要".into(),
        conclusion: "同意".into(),
    };
    discuss(case, discussion, day(TODAY)).unwrap()
}
