//! 告知 and what the party may do about it: state a defence, ask for a
//! hearing; and the hearing itself.

use chrono::NaiveDate;
use fazhi_calendar::Calendar;
use fazhi_platform::{Code, Error};

use super::*;
use crate::domain::{Case, CaseStatus, Record, RecordKind, RecordStep, check_audio_video, rule};

/// Whether `penalty` carries a right to a hearing for this case's party
/// (Art. 63 at the province's amounts).
pub fn hearing_right(case: &Case, penalty: &Penalty, rules: &CaseRules) -> bool {
    penalty.carries_hearing(thresholds(
        case,
        rules.hearing_fine_person_yuan,
        rules.hearing_fine_organisation_yuan,
    ))
}

/// 告知 (Arts. 44, 45, 63, 64): the proposed penalty, the last day to state
/// a defence, and — for a penalty that carries a hearing at the province's
/// amounts — the last day to ask for one, in working days (Art. 85). A
/// notified case may be notified again before its decision (a heavier
/// penalty needs a new notice): the party's periods and rights start over.
pub fn notify(
    case: &Case,
    penalty: Penalty,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &CaseRules,
) -> Result<Case, Error> {
    not_suspended(case)?;
    if case.status != CaseStatus::Notified {
        expect(case, CaseStatus::Filed, "a notice")?;
    }
    step_day("on", on, last_step(case), today)?;
    let penalty = check_penalty("penalty", penalty)?;
    if penalty.is_empty() {
        return Err(Error::invalid_field(
            "penalty",
            Code::Required,
            "a notice proposes a penalty: a warning, 通报批评, a fine, a confiscation or a licence or business penalty",
        ));
    }
    let replaces = case
        .proceedings
        .notice
        .as_ref()
        .map_or(0, |n| n.replaces + 1);
    let notice = Notice {
        on,
        penalty,
        replaces,
        statement_due: calendar.add_working_days(on, rules.statement_working_days),
        hearing_due: hearing_right(case, &penalty, rules)
            .then(|| calendar.add_working_days(on, rules.hearing_request_working_days)),
    };
    Ok(next(case, CaseStatus::Notified, |p| {
        p.notice = Some(notice);
        p.defence_on = None;
        p.hearing = None;
        p.hearing_waiver = None;
    }))
}

/// The party gives up the hearing (Art. 64): in writing while one is
/// offered and not held; a request withdrawn; or — a hearing asked for and
/// notified — by staying away or leaving without leave (Art. 64(8)), never
/// recorded before the earliest day it could be held.
pub fn waive_hearing(
    case: &Case,
    how: WaiverKind,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &CaseRules,
) -> Result<Case, Error> {
    let notice = notice(case)?;
    step_day("on", on, last_step(case), today)?;
    let p = &case.proceedings;
    if notice.hearing_due.is_none() {
        return Err(rule(
            Code::HearingNotOffered,
            "how",
            "no hearing was offered: the proposed penalty carries none (行政处罚法 Art. 63)",
        ));
    }
    if p.hearing_waiver.is_some() || p.hearing.as_ref().is_some_and(|h| h.held_on.is_some()) {
        return Err(rule(
            Code::HearingNotRequested,
            "how",
            "the hearing was held or given up already",
        ));
    }
    match (how, &p.hearing) {
        (WaiverKind::Written, _) => {}
        (WaiverKind::Withdrawn | WaiverKind::NoShow, None) => {
            return Err(rule(
                Code::HearingNotRequested,
                "how",
                "the party did not ask for a hearing: only a written waiver gives up the right",
            ));
        }
        (WaiverKind::NoShow, Some(h)) => {
            let earliest =
                calendar.add_working_days(h.requested_on, rules.hearing_notice_working_days);
            if on < earliest {
                return Err(rule(
                    Code::NoticeTooShort,
                    "on",
                    format!(
                        "a hearing is notified seven working days ahead: the party cannot have stayed away before {earliest} (行政处罚法 Art. 64)"
                    ),
                ));
            }
        }
        (WaiverKind::Withdrawn, Some(_)) => {}
    }
    Ok(next(case, CaseStatus::Notified, |p| {
        p.hearing_waiver = Some(HearingWaiver {
            on,
            how: how.code().to_owned(),
        })
    }))
}

/// 改正: the party corrected the violation (责令改正 complied with), the
/// ground a 首违不罚 decision rests on (Art. 33).
pub fn record_correction(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    not_suspended(case)?;
    if case.status != CaseStatus::Notified {
        expect(case, CaseStatus::Filed, "recording the correction")?;
    }
    step_day("on", on, last_step(case), today)?;
    let status = case.status;
    Ok(next(case, status, |p| p.corrected_on = Some(on)))
}

pub(super) fn notice(case: &Case) -> Result<&Notice, Error> {
    expect(case, CaseStatus::Notified, "this step")?;
    case.proceedings
        .notice
        .as_ref()
        .ok_or_else(|| Error::internal("a notified case without its notice"))
}

/// 陈述、申辩: the party stated a defence (the penalty can no longer be
/// raised, Art. 45(2)); the period to ask for a hearing runs on.
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
#[allow(clippy::too_many_arguments)]
pub fn hold_hearing(
    case: &Case,
    notified_on: NaiveDate,
    held_on: NaiveDate,
    presider: &str,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &CaseRules,
    records: &[Record],
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
    crate::domain::check_not_recused(case, presider, "presider_id")?;
    if case.officers.iter().any(|o| o == presider) {
        return Err(rule(
            Code::PresiderInvestigated,
            "presider_id",
            "a hearing is presided over by someone who did not investigate the case (行政处罚法 Art. 64)",
        ));
    }
    check_audio_video(RecordStep::Hearing, records)?;
    let presider = presider.to_owned();
    Ok(next(case, CaseStatus::Notified, |p| {
        if let Some(h) = p.hearing.as_mut() {
            h.held_on = Some(held_on);
            h.presider = Some(presider);
        }
    }))
}

/// A decision after a hearing held rests on the hearing's 笔录 (Arts. 64(8),
/// 65): a text or document record of the hearing is registered first.
pub fn check_hearing_record(case: &Case, records: &[Record]) -> Result<(), Error> {
    let held = case
        .proceedings
        .hearing
        .as_ref()
        .is_some_and(|h| h.held_on.is_some());
    let transcript = records.iter().any(|r| {
        r.step == RecordStep::Hearing && matches!(r.kind, RecordKind::Text | RecordKind::Document)
    });
    if held && !transcript {
        return Err(rule(
            Code::HearingRecordRequired,
            "kind",
            "the decision rests on the hearing's 笔录: register it (a text or document record of the hearing) first (行政处罚法 Art. 65)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use fazhi_calendar::Calendar;

    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

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
        let video = [hearing_video()];
        let hold = |held: &str, presider: &str| {
            hold_hearing(
                &asked,
                day("2024-03-19"),
                day(held),
                presider,
                day(TODAY),
                &calendar,
                &rules(),
                &video,
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
        // Not without an audio or video record of the hearing (Art. 47).
        let unrecorded = hold_hearing(
            &asked,
            day("2024-03-19"),
            day("2024-03-28"),
            "p9",
            day(TODAY),
            &calendar,
            &rules(),
            &[],
        );
        assert_eq!(unrecorded.unwrap_err().code, Code::RecordingRequired);
        let held = hold("2024-03-28", "p9").unwrap();
        assert_eq!(
            held.proceedings.hearing.unwrap().presider.as_deref(),
            Some("p9")
        );
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
