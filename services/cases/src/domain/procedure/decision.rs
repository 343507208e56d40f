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
    // The days it stood suspended are left out (中止).
    let paused = p.paused_days();
    let on_time = on <= filed + Days::new(u64::from(rules.decision_days + extension + paused));
    Ok(next(case, CaseStatus::Decided, |p| {
        p.decision = Some(Decision {
            on,
            kind: kind.code().to_owned(),
            penalty,
            on_time,
            review_required: kind == DecisionKind::Penalty
                && review_required(case, penalty.fine_fen, rules),
            discussion_required,
            orders: Vec::new(),
            number: String::new(),
        })
    }))
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "hearing_tests.rs"]
mod hearing_tests;
