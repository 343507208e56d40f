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

/// 加处罚款 (Art. 72): 3 % of the fine for each day after the due day, never
/// more than the fine.
pub fn late_charge(fine_fen: i64, due: NaiveDate, paid_on: NaiveDate) -> i64 {
    let days_late = (paid_on - due).num_days().max(0);
    let charge = (i128::from(fine_fen) * 3 * i128::from(days_late)) / 100;
    i64::try_from(charge.min(i128::from(fine_fen))).unwrap_or(fine_fen)
}

/// The fine paid on `on`: the whole fine, and the late charge the agency
/// imposes — all that accrued by then unless it chose less (加处罚款 is its
/// choice, Art. 72) or an 执行协议 reduced or waived it (行政强制法 Art. 42),
/// with the basis recorded.
pub fn record_payment(
    case: &Case,
    paid_fen: i64,
    charged: Option<i64>,
    basis: &str,
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
    let accrued = late_charge(fine, due, on);
    let charge = charged.unwrap_or(accrued);
    if !(0..=accrued).contains(&charge) {
        return Err(Error::invalid_field(
            "late_charge_fen",
            Code::InvalidAmount,
            format!("a late charge of 0 to the {accrued} fen accrued by {on} is imposed"),
        ));
    }
    let basis = fazhi_platform::text::optional(
        "late_charge_basis",
        Some(basis),
        1000,
        fazhi_platform::text::Lines::Many,
    )?
    .unwrap_or_default();
    if charge < accrued && basis.is_empty() {
        return Err(Error::invalid_field(
            "late_charge_basis",
            Code::Required,
            "charging less than accrued gives its basis: the agency's decision, or the 执行协议 (行政强制法 Art. 42)",
        ));
    }
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
            late_charge_accrued_fen: accrued,
            late_charge_basis: basis,
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
    use crate::domain::CaseStatus;
    use crate::domain::fixtures::*;

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
            &[],
        )
        .unwrap_err();
        assert_eq!(err.code, Code::ConsentRequired);
        // Left with the party (留置送达): only with a video of the service.
        let left = |records: &[Record]| {
            serve(
                &decided,
                ServiceMethod::LeftWithWitness,
                false,
                day("2024-03-18"),
                day(TODAY),
                &calendar,
                &rules(),
                records,
            )
        };
        assert_eq!(left(&[]).unwrap_err().code, Code::RecordingRequired);
        let mut video = hearing_video();
        video.step = RecordStep::Service;
        assert!(left(&[video]).is_ok());
        let served = serve(
            &decided,
            ServiceMethod::InPerson,
            false,
            day("2024-03-18"),
            day(TODAY),
            &calendar,
            &rules(),
            &[],
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
        let pay = |amount, charged, basis| {
            record_payment(
                &served,
                amount,
                charged,
                basis,
                day("2024-04-04"),
                day(TODAY),
            )
        };
        let wrong = pay(50_000, None, "").unwrap_err();
        assert_eq!(wrong.code, Code::InvalidAmount);
        // The late charge is the agency's choice (Art. 72): less than accrued
        // with its basis, never more.
        assert_eq!(
            pay(50_000, Some(0), "").unwrap_err().field.as_deref(),
            Some("late_charge_basis")
        );
        let waived = pay(50_000, Some(0), "执行协议约定免除加处罚款").unwrap();
        let payment = waived.proceedings.payment.clone().unwrap();
        assert_eq!(
            (payment.late_charge_fen, payment.late_charge_accrued_fen),
            (0, 3_000)
        );
        assert_eq!(
            pay(54_000, Some(4_000), "").unwrap_err().field.as_deref(),
            Some("late_charge_fen")
        );
        let paid = pay(53_000, None, "").unwrap();
        assert_eq!(
            paid.proceedings.payment.clone().unwrap().late_charge_fen,
            3_000
        );
        let closed = close(&paid, day("2024-04-10"), day(TODAY)).unwrap();
        assert_eq!(closed.status, CaseStatus::Closed);
    }

    #[test]
    fn the_fifteenth_day_falling_off_work_moves_to_the_next_working_day() {
        // Served Thursday 17 September 2026: the fifteenth day is Friday 2
        // October, in the National Day holiday (1–7 October); the fine is due
        // on Thursday 8.
        let decided = decide(
            &notified(fine(500)),
            DecisionKind::Penalty,
            fine(500),
            day("2024-03-15"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
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
