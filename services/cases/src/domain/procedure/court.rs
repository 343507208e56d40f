//! Enforcement by the court (申请人民法院强制执行, 行政强制法 Arts. 53–54): a
//! fine left unpaid is first demanded in writing (催告); from the eleventh
//! working day after the demand (its ten days are working days, Art. 69),
//! and only once the party's time to appeal has run out (six
//! months from the decision's service, 行政诉讼法 Art. 46), the agency may
//! apply to the court — within three months of that.

use chrono::{Months, NaiveDate};
use fazhi_platform::{Code, Error};
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::{Case, CaseStatus, rule};

/// Working days the demand gives the party before the court is asked (Arts.
/// 54, 69).
pub const DEMAND_WORKING_DAYS: u32 = 10;
/// Months the party has to sue after service (行政诉讼法 Art. 46).
pub const APPEAL_MONTHS: u32 = 6;
/// Months after the appeal period in which the court is asked (Art. 53).
pub const COURT_WINDOW_MONTHS: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtEnforcement {
    /// 催告: the written demand.
    pub demanded_on: NaiveDate,
    /// The application to the court.
    pub applied_on: Option<NaiveDate>,
}

fn unpaid_fine_due(case: &Case) -> Result<NaiveDate, Error> {
    expect(case, CaseStatus::Served, "enforcement")?;
    let p = &case.proceedings;
    if p.service.as_ref().and_then(|s| s.fine_due).is_none() {
        return Err(rule(
            Code::NothingToPay,
            "on",
            "the decision carries no fine",
        ));
    }
    if p.payment.is_some() {
        return Err(rule(Code::NothingToPay, "on", "the fine is paid"));
    }
    let fine = p.decision.as_ref().map_or(0, |d| d.penalty.fine_fen);
    p.next_due(fine)
        .ok_or_else(|| rule(Code::NothingToPay, "on", "the fine is paid"))
}

/// 催告: a written demand for an unpaid fine, after its due day.
pub fn demand_payment(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    let due = unpaid_fine_due(case)?;
    step_day("on", on, last_step(case), today)?;
    if on <= due {
        return Err(rule(
            Code::NotYetDue,
            "on",
            format!("the fine is due on {due}: it is demanded after that (行政强制法 Art. 54)"),
        ));
    }
    if case.proceedings.court.is_some() {
        return Err(rule(
            Code::AlreadyRequested,
            "on",
            "the payment was demanded already",
        ));
    }
    Ok(next(case, CaseStatus::Served, |p| {
        p.court = Some(CourtEnforcement {
            demanded_on: on,
            applied_on: None,
        })
    }))
}

/// The last day of the court window (Art. 53): three months after the
/// party's time to sue ran out (six months from service).
pub fn court_window(served: NaiveDate) -> (NaiveDate, NaiveDate) {
    let appeal_ends = served
        .checked_add_months(Months::new(APPEAL_MONTHS))
        .unwrap_or(served);
    let last = appeal_ends
        .checked_add_months(Months::new(COURT_WINDOW_MONTHS))
        .unwrap_or(appeal_ends);
    (appeal_ends, last)
}

/// 申请强制执行: from the eleventh working day after the demand, after the
/// party's time to appeal ran out and within three months of that (Arts.
/// 53, 54, 69).
pub fn apply_to_court(
    case: &Case,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &fazhi_calendar::Calendar,
) -> Result<Case, Error> {
    unpaid_fine_due(case)?;
    step_day("on", on, last_step(case), today)?;
    not_under_appeal(case, "on")?;
    let Some(court) = case
        .proceedings
        .court
        .as_ref()
        .filter(|c| c.applied_on.is_none())
    else {
        return Err(rule(
            Code::DemandRequired,
            "on",
            "the court is asked after a written demand (催告, 行政强制法 Art. 54)",
        ));
    };
    let demand_ends = calendar.add_working_days(court.demanded_on, DEMAND_WORKING_DAYS);
    if on <= demand_ends {
        return Err(rule(
            Code::DemandPeriodRunning,
            "on",
            format!(
                "the demand of {} gives the party ten working days, to {demand_ends}: the court is asked after them (行政强制法 Arts. 54, 69)",
                court.demanded_on
            ),
        ));
    }
    let served = case
        .proceedings
        .service
        .as_ref()
        .map(|s| s.on)
        .ok_or_else(|| Error::internal("a served case without its service"))?;
    let (appeal_ends, last) = court_window(served);
    if on <= appeal_ends {
        return Err(rule(
            Code::AppealPeriodRunning,
            "on",
            format!(
                "the party may sue until {appeal_ends}: the court is asked after that (行政强制法 Art. 53)"
            ),
        ));
    }
    if on > last {
        return Err(rule(
            Code::CourtWindowPassed,
            "on",
            format!(
                "the court is asked within three months of the appeal period, by {last} (行政强制法 Art. 53)"
            ),
        ));
    }
    Ok(next(case, CaseStatus::Served, |p| {
        if let Some(c) = p.court.as_mut() {
            c.applied_on = Some(on);
        }
    }))
}

#[cfg(test)]
mod tests {
    use fazhi_calendar::Calendar;

    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

    /// Decided 15 March 2024, served Monday 18 March: ¥500 due 2 April.
    fn served() -> Case {
        let decided = decided_fine(500);
        serve(
            &decided,
            ServiceMethod::InPerson,
            false,
            day("2024-03-18"),
            day(TODAY),
            &Calendar::official(),
            &rules(),
            &[],
        )
        .unwrap()
    }

    #[test]
    fn an_unpaid_fine_is_demanded_after_its_due_day_and_the_court_asked_in_its_window() {
        let today = day(TODAY);
        let calendar = Calendar::official();
        let apply_to_court = |c: &Case, on, today| super::apply_to_court(c, on, today, &calendar);
        assert_eq!(
            apply_to_court(&served(), day("2024-10-01"), today)
                .unwrap_err()
                .code,
            Code::DemandRequired
        );
        assert_eq!(
            demand_payment(&served(), day("2024-04-02"), today)
                .unwrap_err()
                .code,
            Code::NotYetDue
        );
        let demanded = demand_payment(&served(), day("2024-04-03"), today).unwrap();
        assert_eq!(
            apply_to_court(&demanded, day("2024-04-12"), today)
                .unwrap_err()
                .code,
            Code::DemandPeriodRunning
        );
        // The party may sue until 18 September; the court is asked from the 19th to 18 December.
        assert_eq!(
            apply_to_court(&demanded, day("2024-09-18"), today)
                .unwrap_err()
                .code,
            Code::AppealPeriodRunning
        );
        assert_eq!(
            apply_to_court(&demanded, day("2024-12-19"), today)
                .unwrap_err()
                .code,
            Code::CourtWindowPassed
        );
        let applied = apply_to_court(&demanded, day("2024-09-19"), today).unwrap();
        assert_eq!(
            applied.proceedings.court.clone().unwrap().applied_on,
            Some(day("2024-09-19"))
        );
        // The demand's ten days are working days (Art. 69): demanded Monday 30
        // September 2024, the National Day week off, the tenth is 18 October.
        let late = demand_payment(&served(), day("2024-09-30"), today).unwrap();
        let court = |on| apply_to_court(&late, day(on), today);
        assert_eq!(
            court("2024-10-18").unwrap_err().code,
            Code::DemandPeriodRunning
        );
        assert!(court("2024-10-21").is_ok());
        // A case enforced by the court closes without the payment.
        assert!(close(&applied, day("2024-09-20"), today).is_ok());
    }
}
