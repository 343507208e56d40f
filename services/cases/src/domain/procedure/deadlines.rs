//! Moving a deadline, only with a recorded approval: the decision period
//! where a regulation allows it (行政处罚法 Art. 60), and a fine's payment
//! deferred or split into instalments (Art. 66).

use chrono::{Days, NaiveDate};
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error};
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::{Case, CaseStatus, rule};

/// The longest extension of the decision period, in days.
pub const MAX_DECISION_EXTENSION_DAYS: u32 = 180;
/// The longest a fine's payment may be deferred, in days.
pub const MAX_DEFERRAL_DAYS: u32 = 365;

/// A recorded approval to move a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub on: NaiveDate,
    pub days: u32,
    /// Who approved it (the agency's leader).
    pub approved_by: String,
    /// The regulation (规章) or the reason it rests on.
    pub basis: String,
}

fn approval(
    days: u32,
    max: u32,
    approved_by: &str,
    basis: &str,
    on: NaiveDate,
) -> Result<Approval, Error> {
    if !(1..=max).contains(&days) {
        return Err(Error::invalid_field(
            "days",
            Code::InvalidCount,
            format!("days runs from 1 to {max}"),
        ));
    }
    Ok(Approval {
        on,
        days,
        approved_by: text::required("approved_by", approved_by, 50, Lines::One)?,
        basis: text::required("basis", basis, 500, Lines::Many)?,
    })
}

/// Extends the decision period once, before the decision, with the approval
/// and the regulation that allows it recorded (Art. 60).
pub fn extend_decision_period(
    case: &Case,
    days: u32,
    approved_by: &str,
    basis: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    before_decision(case, "extending the decision period")?;
    step_day("on", on, last_step(case), today)?;
    if case.proceedings.decision_extension.is_some() {
        return Err(rule(
            Code::AlreadyExtended,
            "days",
            "the decision period was extended already",
        ));
    }
    let approval = approval(days, MAX_DECISION_EXTENSION_DAYS, approved_by, basis, on)?;
    Ok(next(case, case.status, |p| {
        p.decision_extension = Some(approval)
    }))
}

/// Defers a served fine's payment (暂缓或者分期缴纳, Art. 66) on the party's
/// application and the agency's approval: the due day moves, and the late
/// charge runs from the new one.
pub fn defer_payment(
    case: &Case,
    days: u32,
    approved_by: &str,
    basis: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    expect(case, CaseStatus::Served, "a deferral")?;
    step_day("on", on, last_step(case), today)?;
    let Some(due) = case.proceedings.service.as_ref().and_then(|s| s.fine_due) else {
        return Err(rule(
            Code::NothingToPay,
            "days",
            "the decision carries no fine to defer",
        ));
    };
    if case.proceedings.payment.is_some() {
        return Err(rule(Code::NothingToPay, "days", "the fine is paid"));
    }
    if case.proceedings.deferral.is_some() {
        return Err(rule(
            Code::AlreadyExtended,
            "days",
            "the payment was deferred already",
        ));
    }
    let approval = approval(days, MAX_DEFERRAL_DAYS, approved_by, basis, on)?;
    let new_due = due + Days::new(u64::from(days));
    Ok(next(case, CaseStatus::Served, |p| {
        if let Some(s) = p.service.as_mut() {
            s.fine_due = Some(new_due);
        }
        p.deferral = Some(approval);
    }))
}

#[cfg(test)]
mod tests {
    use fazhi_calendar::Calendar;

    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn the_decision_period_is_extended_once_with_its_approval_and_counts_for_on_time() {
        let case = notified(fine(500));
        let extended = extend_decision_period(
            &case,
            30,
            "镇长",
            "《某省行政处罚程序规定》第X条",
            day("2024-03-12"),
            day(TODAY),
        )
        .unwrap();
        let again =
            extend_decision_period(&extended, 30, "镇长", "再次", day("2024-03-13"), day(TODAY));
        assert_eq!(again.unwrap_err().code, Code::AlreadyExtended);
        assert_eq!(
            extend_decision_period(&case, 0, "镇长", "x", day("2024-03-12"), day(TODAY))
                .unwrap_err()
                .code,
            Code::InvalidCount
        );
        // Filed 5 March: 90 days run to 3 June, 30 more to 3 July.
        let late_without = decide(
            &case,
            DecisionKind::Penalty,
            fine(500),
            day("2024-06-20"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert!(!late_without.proceedings.decision.unwrap().on_time);
        let within = decide(
            &extended,
            DecisionKind::Penalty,
            fine(500),
            day("2024-06-20"),
            day(TODAY),
            &rules(),
        )
        .unwrap();
        assert!(within.proceedings.decision.unwrap().on_time);
    }

    #[test]
    fn a_deferred_fine_falls_due_later_and_owes_no_late_charge_until_then() {
        let calendar = Calendar::official();
        let decided = decided_fine(500);
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
        let deferred = defer_payment(
            &served,
            30,
            "镇长",
            "当事人经济困难，申请暂缓缴纳",
            day("2024-03-20"),
            day(TODAY),
        )
        .unwrap();
        assert_eq!(
            deferred.proceedings.service.as_ref().unwrap().fine_due,
            Some(day("2024-05-02"))
        );
        assert!(record_payment(&deferred, 50_000, None, "", day("2024-05-02"), day(TODAY)).is_ok());
        let again = defer_payment(&deferred, 10, "镇长", "再次", day("2024-03-21"), day(TODAY));
        assert_eq!(again.unwrap_err().code, Code::AlreadyExtended);
    }
}
