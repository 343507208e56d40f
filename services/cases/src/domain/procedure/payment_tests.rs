use fazhi_calendar::Calendar;

use super::super::fixtures::*;
use super::*;
use crate::domain::fixtures::*;
use crate::domain::{Record, RecordStep};

/// 加处罚款 (Art. 72) on a whole fine due on `due`, paid on `paid_on`.
fn late_charge(fine_fen: i64, due: NaiveDate, paid_on: NaiveDate) -> i64 {
    accrued(&[(due, fine_fen)], &[], |_| false, paid_on, fine_fen)
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
    let decided = decided_fine(500);
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
    // More than the fine and its charge is refused.
    let wrong = pay(53_001, None, "").unwrap_err();
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

/// Paid on `on` as `amount` fen, all that accrued charged.
fn pay(case: &Case, amount: i64, on: &str) -> Result<Case, Error> {
    record_payment(case, amount, None, "", day(on), day(TODAY))
}

#[test]
fn a_fine_paid_in_part_owes_the_late_charge_on_what_is_left() {
    // ¥1,000 due on Tuesday 2 April 2024: 600 paid that day, the rest on
    // the 5th with three days' charge on the 400 left (3 % × 3 × 400 = 36).
    let served = served_fine(1_000, "2024-03-18");
    let part = pay(&served, 60_000, "2024-04-02").unwrap();
    assert!(part.proceedings.payment.is_none());
    assert_eq!(part.proceedings.fine_paid_fen(), 60_000);
    assert_eq!(part.proceedings.next_due(100_000), Some(day("2024-04-02")));
    assert_eq!(late_charge_due(&part, day("2024-04-05")), 3_600);
    let too_much = pay(&part, 43_601, "2024-04-05").unwrap_err();
    assert_eq!(
        (too_much.code, too_much.field.as_deref()),
        (Code::InvalidAmount, Some("amount_fen"))
    );
    let only_the_charge = pay(&part, 3_600, "2024-04-05").unwrap_err();
    assert_eq!(only_the_charge.code, Code::InvalidAmount);
    let settled = pay(&part, 43_600, "2024-04-05").unwrap();
    let p = &settled.proceedings;
    assert_eq!(
        (p.fine_paid_fen(), p.late_charges_paid_fen()),
        (100_000, 3_600)
    );
    assert!(p.payment.is_some() && p.next_due(100_000).is_none());
    assert!(close(&settled, day("2024-04-08"), day(TODAY)).is_ok());
}

#[test]
fn instalments_need_the_approval_and_each_falls_due_on_its_own_day() {
    let served = served_fine(1_000, "2024-03-18");
    let plan = [(day("2024-04-30"), 50_000), (day("2024-05-31"), 50_000)];
    let approve = |plan: &[(NaiveDate, i64)], by: &str| {
        approve_instalments(
            &served,
            plan,
            by,
            "家庭困难，当事人申请",
            day("2024-03-25"),
            day(TODAY),
        )
    };
    // Art. 66: no instalments without the agency's approval.
    let unapproved = approve(&plan, "").unwrap_err();
    assert_eq!(
        (unapproved.code, unapproved.field.as_deref()),
        (Code::Required, Some("approved_by"))
    );
    let short = approve(&plan[..1], "镇长").unwrap_err();
    assert_eq!(short.code, Code::InvalidCount);
    let wrong_sum = approve(
        &[(day("2024-04-30"), 50_000), (day("2024-05-31"), 40_000)],
        "镇长",
    );
    assert_eq!(wrong_sum.unwrap_err().code, Code::InvalidAmount);
    let backwards = approve(
        &[(day("2024-05-31"), 50_000), (day("2024-04-30"), 50_000)],
        "镇长",
    );
    assert_eq!(backwards.unwrap_err().code, Code::InvalidTimeRange);
    let split = approve(&plan, "镇长").unwrap();
    assert_eq!(split.proceedings.next_due(100_000), Some(day("2024-04-30")));
    // Nothing accrues before the first instalment's day; two days late on
    // it: 3 % × 2 × 500 = 30 yuan, none on the second, not yet due.
    assert_eq!(late_charge_due(&split, day("2024-04-30")), 0);
    let first = pay(&split, 53_000, "2024-05-02").unwrap();
    assert_eq!(first.proceedings.part_payments[0].late_charge_fen, 3_000);
    assert_eq!(first.proceedings.next_due(100_000), Some(day("2024-05-31")));
    let second = pay(&first, 50_000, "2024-05-31").unwrap();
    assert!(second.proceedings.payment.is_some());
    assert_eq!(
        approve_instalments(&second, &plan, "镇长", "x", day("2024-06-01"), day(TODAY))
            .unwrap_err()
            .code,
        Code::NothingToPay
    );
}

#[test]
fn no_late_charge_is_counted_while_an_appeal_runs() {
    // Due 2 April 2024; 复议 from the 3rd to the 12th (ten days) and paid on
    // the 15th: of thirteen days late, three count (行政处罚法 Art. 73).
    let served = served_fine(500, "2024-03-18");
    let appealed = record_appeal(
        &served,
        AppealKind::Reconsideration,
        day("2024-04-03"),
        day(TODAY),
    )
    .unwrap();
    let ended = conclude_appeal(
        &appealed,
        AppealOutcome::Upheld,
        day("2024-04-12"),
        day(TODAY),
    )
    .unwrap();
    assert_eq!(late_charge_due(&ended, day("2024-04-15")), 3 * 1_500);
    assert_eq!(late_charge_due(&served, day("2024-04-15")), 13 * 1_500);
    // Filed on the 5th and still running on the 15th: the two days before
    // it count.
    let running =
        record_appeal(&served, AppealKind::Lawsuit, day("2024-04-05"), day(TODAY)).unwrap();
    assert_eq!(late_charge_due(&running, day("2024-04-15")), 2 * 1_500);
}
