//! After the decision: service, payment with its late charge, closing.

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_platform::{Code, Error};

use super::*;
use crate::domain::{Case, CaseStatus, Record, RecordStep, check_audio_video, rule};

/// 送达 (Art. 61): electronic service only with the party's signed consent;
/// whether it came within the service period is recorded, and a fine falls
/// due from it.
#[allow(clippy::too_many_arguments)]
pub fn serve(
    case: &Case,
    method: ServiceMethod,
    consented: bool,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
    rules: &CaseRules,
    records: &[Record],
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
    if method == ServiceMethod::LeftWithWitness {
        check_audio_video(RecordStep::Service, records)?;
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
        // Fifteen days from service; a last day off work moves to the
        // next working day (民法典 Art. 203).
        fine_due: (decision.penalty.fine_fen > 0).then(|| {
            let due = served + Days::new(u64::from(rules.payment_days));
            if calendar.is_working_day(due) {
                due
            } else {
                calendar.add_working_days(due, 1)
            }
        }),
    };
    Ok(next(case, CaseStatus::Served, |p| {
        p.service = Some(service)
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
    let enforced = case
        .proceedings
        .court
        .as_ref()
        .is_some_and(|c| c.applied_on.is_some());
    if owes && case.proceedings.payment.is_none() && !enforced {
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
    use fazhi_calendar::Calendar;

    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn the_fifteenth_day_falling_off_work_moves_to_the_next_working_day() {
        // Served Thursday 17 September 2026: the fifteenth day is Friday 2
        // October, in the National Day holiday (1–7 October); the fine is due
        // on Thursday 8.
        let decided = decided_fine(500);
        let served = serve(
            &decided,
            ServiceMethod::InPerson,
            false,
            day("2026-09-17"),
            day(TODAY),
            &Calendar::official(),
            &rules(),
            &[],
        )
        .unwrap();
        assert_eq!(
            served.proceedings.service.unwrap().fine_due,
            Some(day("2026-10-08"))
        );
    }
}
