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
    before_decision(case, "legal review")?;
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
    // Before the notice or after it (DOMAIN.md): the case stays where it is.
    Ok(next(case, case.status, |p| p.review = Some(review)))
}

/// 集体讨论 (Art. 57): the date, the leaders present, minutes, conclusion.
pub fn discuss(case: &Case, discussion: Discussion, today: NaiveDate) -> Result<Case, Error> {
    before_decision(case, "a collective discussion")?;
    step_day("on", discussion.on, last_step(case), today)?;
    if discussion.leaders.len() < 2 {
        return Err(rule(
            Code::TooFewLeaders,
            "leaders",
            "a collective discussion is held by the agency's leaders together: name at least two",
        ));
    }
    Ok(next(case, case.status, |p| p.discussion = Some(discussion)))
}

/// 决定. A penalty only after a notice of it (Art. 44), once the period to
/// state a defence ended or the party defended, and the period to ask for a
/// hearing ended or the party waived it in writing; a hearing asked for
/// held or given up (Arts. 64, 65); never heavier than the notice — a new
/// notice first (Art. 44) — and never raised because the party defended
/// (Art. 45(2)); with an approving legal review where one is required (Art.
/// 58) and a collective discussion for a complex case or a penalty that
/// carries a hearing (Art. 57). A decision not to penalise — no violation
/// established, 首违不罚 after the correction, a transfer — needs no notice.
/// Whether it came within the decision period is recorded.
pub fn decide(
    case: &Case,
    kind: DecisionKind,
    penalty: Penalty,
    on: NaiveDate,
    today: NaiveDate,
    rules: &CaseRules,
) -> Result<Case, Error> {
    let notice = match (kind, case.status) {
        (DecisionKind::Penalty, _) | (_, CaseStatus::Notified) => Some(notice(case)?.clone()),
        _ => {
            expect(case, CaseStatus::Filed, "a decision")?;
            None
        }
    };
    step_day("on", on, last_step(case), today)?;
    let penalty = match kind {
        DecisionKind::Penalty => check_penalty("penalty", penalty)?,
        _ => Penalty::default(),
    };
    if kind == DecisionKind::Penalty && penalty.is_empty() {
        return Err(Error::invalid_field(
            "penalty",
            Code::Required,
            "a penalty decision gives at least one penalty (行政处罚法 Art. 9)",
        ));
    }
    let p = &case.proceedings;
    if kind == DecisionKind::FirstViolation && p.corrected_on.is_none() {
        return Err(rule(
            Code::CorrectionRequired,
            "kind",
            "首违不罚 rests on the party's timely correction: record it first (行政处罚法 Art. 33)",
        ));
    }
    if let Some(notice) = &notice {
        if p.defence_on.is_none() && on <= notice.statement_due {
            return Err(rule(
                Code::PeriodNotEnded,
                "on",
                format!(
                    "the party may state a defence until {}: decide after it, or once they have (行政处罚法 Arts. 44, 45)",
                    notice.statement_due
                ),
            ));
        }
        if let Some(due) = notice.hearing_due
            && on <= due
            && p.hearing.is_none()
            && p.hearing_waiver.is_none()
        {
            return Err(rule(
                Code::PeriodNotEnded,
                "on",
                format!(
                    "the party may ask for a hearing until {due}: decide after it, or once they waived it in writing (行政处罚法 Art. 64)"
                ),
            ));
        }
        if let Some(hearing) = &p.hearing
            && hearing.held_on.is_none()
            && p.hearing_waiver.is_none()
        {
            return Err(rule(
                Code::HearingPending,
                "on",
                "the party asked for a hearing: hold it before deciding, on its record, or record that they gave it up (行政处罚法 Arts. 64, 65)",
            ));
        }
        if kind == DecisionKind::Penalty && penalty.heavier_than(&notice.penalty) {
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
                    "the penalty is heavier than the one notified: serve a new notice of it first, with the party's rights to a defence and a hearing (行政处罚法 Art. 44)",
                )
            });
        }
    }
    let discussion_required =
        p.major || (kind == DecisionKind::Penalty && hearing_right(case, &penalty, rules));
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
    if discussion_required && p.discussion.is_none() {
        return Err(rule(
            Code::DiscussionRequired,
            "discussion",
            "a complex or serious case, and a penalty that carries a hearing, is decided after the leaders' collective discussion (行政处罚法 Art. 57)",
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
            discussion_required,
        })
    }))
}

#[cfg(test)]
mod tests {

    use fazhi_calendar::Calendar;

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
        let corrected =
            record_correction(&notified(fine(500)), day("2024-03-13"), day(TODAY)).unwrap();
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

    fn discussed(case: &Case, on: &str) -> Case {
        let discussion = Discussion {
            on: day(on),
            leaders: vec!["镇长".into(), "分管副镇长".into()],
            minutes: "会议纪要".into(),
            conclusion: "同意".into(),
        };
        discuss(case, discussion, day(TODAY)).unwrap()
    }

    #[test]
    fn a_hearing_is_offered_at_henans_amounts_and_for_the_heavier_kinds() {
        // 河南省行政处罚听证办法 Art. 4: ¥5,000 for a citizen, ¥50,000 for an organisation.
        let offered = |penalty: Penalty, kind: PartyKind| {
            let mut case = filed();
            case.party.kind = kind;
            hearing_right(&case, &penalty, &rules())
        };
        assert!(offered(fine(5_000), PartyKind::Person));
        assert!(!offered(fine(4_999), PartyKind::Person));
        assert!(!offered(fine(49_999), PartyKind::Organisation));
        assert!(offered(fine(50_000), PartyKind::Organisation));
        let confiscated = Penalty {
            confiscated_fen: 500_000,
            ..Penalty::default()
        };
        assert!(offered(confiscated, PartyKind::Person));
        let revoked = Penalty {
            revoke_licence: true,
            ..Penalty::default()
        };
        assert!(offered(revoked, PartyKind::Organisation));
        let closed = Penalty {
            close: true,
            ..Penalty::default()
        };
        assert!(offered(closed, PartyKind::Organisation));
        // 暂扣许可证件 and a warning are not on Art. 63's list.
        let suspended = Penalty {
            suspend_licence: true,
            warning: true,
            ..Penalty::default()
        };
        assert!(!offered(suspended, PartyKind::Person));
    }

    #[test]
    fn a_defence_does_not_end_the_hearing_period_only_a_written_waiver_does() {
        // Notified Monday 11 March 2024: a hearing may be asked for until Monday 18.
        let case = notified(fine(6_000));
        let defended = record_defence(&case, day("2024-03-12"), day(TODAY)).unwrap();
        let defended = discussed(&defended, "2024-03-13");
        let early = decide(
            &defended,
            DecisionKind::Penalty,
            fine(6_000),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(early.unwrap_err().code, Code::PeriodNotEnded);
        let calendar = Calendar::official();
        let waived = waive_hearing(
            &defended,
            WaiverKind::Written,
            day("2024-03-14"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap();
        let decided = decide(
            &waived,
            DecisionKind::Penalty,
            fine(6_000),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        let decision = decided.proceedings.decision.unwrap();
        // Collective discussion is required for a penalty that carries a hearing (Art. 57).
        assert!(decision.discussion_required);
        let undiscussed = waive_hearing(
            &case,
            WaiverKind::Written,
            day("2024-03-12"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap();
        let refused = decide(
            &undiscussed,
            DecisionKind::Penalty,
            fine(6_000),
            day("2024-03-19"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(refused.unwrap_err().code, Code::DiscussionRequired);
        // No waiver where no hearing was offered.
        let small = notified(fine(500));
        let none = waive_hearing(
            &small,
            WaiverKind::Written,
            day("2024-03-12"),
            day(TODAY),
            &calendar,
            &rules(),
        );
        assert_eq!(none.unwrap_err().code, Code::HearingNotOffered);
    }

    #[test]
    fn a_party_who_stays_away_or_withdraws_has_given_up_the_hearing() {
        let calendar = Calendar::official();
        let case = discussed(&notified(fine(6_000)), "2024-03-12");
        // Only a hearing asked for can be withdrawn or missed.
        let unasked = waive_hearing(
            &case,
            WaiverKind::NoShow,
            day("2024-03-29"),
            day(TODAY),
            &calendar,
            &rules(),
        );
        assert_eq!(unasked.unwrap_err().code, Code::HearingNotRequested);
        let asked = request_hearing(&case, day("2024-03-13"), day(TODAY)).unwrap();
        let pending = decide(
            &asked,
            DecisionKind::Penalty,
            fine(6_000),
            day("2024-03-25"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(pending.unwrap_err().code, Code::HearingPending);
        // Asked Wednesday 13 March: seven working days' notice reaches Friday 22.
        let early = waive_hearing(
            &asked,
            WaiverKind::NoShow,
            day("2024-03-21"),
            day(TODAY),
            &calendar,
            &rules(),
        );
        assert_eq!(early.unwrap_err().code, Code::NoticeTooShort);
        let absent = waive_hearing(
            &asked,
            WaiverKind::NoShow,
            day("2024-03-22"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap();
        assert!(
            decide(
                &absent,
                DecisionKind::Penalty,
                fine(6_000),
                day("2024-03-25"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
        let withdrawn = waive_hearing(
            &asked,
            WaiverKind::Withdrawn,
            day("2024-03-14"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap();
        assert!(
            decide(
                &withdrawn,
                DecisionKind::Penalty,
                fine(6_000),
                day("2024-03-19"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
        let twice = waive_hearing(
            &withdrawn,
            WaiverKind::Written,
            day("2024-03-15"),
            day(TODAY),
            &calendar,
            &rules(),
        );
        assert_eq!(twice.unwrap_err().code, Code::HearingNotRequested);
    }

    #[test]
    fn a_heavier_decision_needs_a_new_notice_which_starts_the_periods_over() {
        let calendar = Calendar::official();
        let case = notified(fine(500));
        let heavier = decide(
            &case,
            DecisionKind::Penalty,
            fine(800),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(heavier.unwrap_err().code, Code::PenaltyAboveNotice);
        // Another kind than the notice carried is heavier too.
        let criticised = Penalty {
            criticism: true,
            ..fine(500)
        };
        let other = decide(
            &case,
            DecisionKind::Penalty,
            criticised,
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(other.unwrap_err().code, Code::PenaltyAboveNotice);
        let warned = Penalty {
            warning: true,
            ..fine(500)
        };
        assert!(!warned.heavier_than(&fine(500)));
        let again = notify(
            &case,
            fine(800),
            day("2024-03-15"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap();
        let notice = again.proceedings.notice.clone().unwrap();
        assert_eq!(
            (notice.replaces, notice.statement_due),
            (1, day("2024-03-20"))
        );
        let early = decide(
            &again,
            DecisionKind::Penalty,
            fine(800),
            day("2024-03-20"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(early.unwrap_err().code, Code::PeriodNotEnded);
        assert!(
            decide(
                &again,
                DecisionKind::Penalty,
                fine(800),
                day("2024-03-21"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
    }

    #[test]
    fn deciding_not_to_penalise_needs_no_notice_and_first_violation_rests_on_the_correction() {
        let case = filed();
        let dismissed = decide(
            &case,
            DecisionKind::Dismissed,
            fine(0),
            day("2024-03-08"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert_eq!(dismissed.proceedings.decision.unwrap().kind, "dismissed");
        assert!(
            decide(
                &case,
                DecisionKind::Transferred,
                fine(0),
                day("2024-03-08"),
                day(TODAY),
                &rules()
            )
            .is_ok()
        );
        let penalty = decide(
            &case,
            DecisionKind::Penalty,
            fine(500),
            day("2024-03-08"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(penalty.unwrap_err().code, Code::InvalidTransition);
        let uncorrected = decide(
            &case,
            DecisionKind::FirstViolation,
            fine(0),
            day("2024-03-08"),
            day(TODAY),
            &rules(),
        );
        assert_eq!(uncorrected.unwrap_err().code, Code::CorrectionRequired);
        let corrected = record_correction(&case, day("2024-03-07"), day(TODAY)).unwrap();
        assert_eq!(corrected.status, CaseStatus::Filed);
        let decided = decide(
            &corrected,
            DecisionKind::FirstViolation,
            fine(0),
            day("2024-03-08"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert_eq!(decided.status, CaseStatus::Decided);
    }
}
