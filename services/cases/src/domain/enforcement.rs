//! The agency enforcing its own decision's order (行政机关强制执行, 行政强制法
//! Arts. 35–38, 42): a written 催告 giving the party a period to perform —
//! ten days or fewer counted in working days (Art. 69) — the party's
//! statement heard (Art. 36), and once the period ran out, a written
//! 强制执行决定 served on the party (Arts. 37–38); an 执行协议 may be agreed
//! (Art. 42). A forced demolition comes only after it.

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error};
use serde::{Deserialize, Serialize};

use super::case::check_step_day;
use super::procedure::{last_step, next, not_suspended, not_under_appeal};
use super::{Case, CaseStatus, rule};

/// The longest period a 催告 gives, in days.
pub const MAX_PERFORMANCE_DAYS: u32 = 365;
/// Periods of this many days or fewer are working days (Art. 69).
pub const WORKING_DAYS_UP_TO: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enforcement {
    /// The 催告 served, the period it gave, and its last day.
    pub demanded_on: NaiveDate,
    pub period_days: u32,
    pub working_days: bool,
    pub perform_by: NaiveDate,
    /// The party's statement (陈述、申辩) on it, as recorded.
    pub statement: Option<Statement>,
    /// The written 强制执行决定, and the day it was served.
    pub decided_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
    pub agreement: Option<Agreement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub on: NaiveDate,
    pub text: String,
}

/// 执行协议 (Art. 42): performing in stages, the late charge reduced or
/// waived once the party takes remedial measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub on: NaiveDate,
    pub terms: String,
}

impl Enforcement {
    /// The day of its latest step.
    pub fn last_step(&self) -> NaiveDate {
        [
            Some(self.demanded_on),
            self.statement.as_ref().map(|s| s.on),
            self.served_on,
            self.agreement.as_ref().map(|a| a.on),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(self.demanded_on)
    }

    /// Whether the written enforcement decision was served.
    pub fn decided_and_served(&self) -> bool {
        self.decided_on.is_some() && self.served_on.is_some()
    }
}

/// 催告 on `on`: the decision was served and its order's day passed with
/// the order not carried out; the party is given `days` to perform.
pub fn demand_performance(
    case: &Case,
    days: u32,
    working_days: bool,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<Case, Error> {
    not_suspended(case)?;
    if case.status != CaseStatus::Served {
        return Err(rule(
            Code::InvalidTransition,
            "on",
            "a 催告 enforces a decision served on the party (行政强制法 Art. 35)",
        ));
    }
    check_step_day("on", on, last_step(case), today)?;
    not_under_appeal(case, "on")?;
    let orders = case
        .proceedings
        .decision
        .as_ref()
        .map(|d| d.orders.as_slice())
        .unwrap_or_default();
    let Some(by) = orders.iter().filter_map(|o| o.by).max() else {
        return Err(rule(
            Code::InvalidTransition,
            "on",
            "the decision orders nothing by a day to enforce: an unpaid fine is demanded for the court",
        ));
    };
    if on <= by {
        return Err(rule(
            Code::OrderNotDue,
            "on",
            format!(
                "the decision gives the party until {by}: a 催告 follows after that (行政强制法 Art. 35)"
            ),
        ));
    }
    if case.proceedings.enforcement.is_some() {
        return Err(rule(
            Code::AlreadyRequested,
            "on",
            "the decision's performance was demanded already",
        ));
    }
    if !(1..=MAX_PERFORMANCE_DAYS).contains(&days) {
        return Err(Error::invalid_field(
            "period_days",
            Code::InvalidCount,
            format!("a 催告 gives 1 to {MAX_PERFORMANCE_DAYS} days"),
        ));
    }
    if days <= WORKING_DAYS_UP_TO && !working_days {
        return Err(rule(
            Code::WorkingDaysRequired,
            "period_unit",
            format!(
                "a period of {days} days under 行政强制法 is counted in working days, not calendar days (Art. 69)"
            ),
        ));
    }
    let perform_by = if working_days {
        calendar.add_working_days(on, days)
    } else {
        let last = on + Days::new(u64::from(days));
        if calendar.is_working_day(last) {
            last
        } else {
            calendar.add_working_days(last, 1)
        }
    };
    let enforcement = Enforcement {
        demanded_on: on,
        period_days: days,
        working_days,
        perform_by,
        statement: None,
        decided_on: None,
        served_on: None,
        agreement: None,
    };
    Ok(next(case, case.status, |p| {
        p.enforcement = Some(enforcement)
    }))
}

fn demanded(case: &Case) -> Result<&Enforcement, Error> {
    not_suspended(case)?;
    case.proceedings.enforcement.as_ref().ok_or_else(|| {
        rule(
            Code::DemandRequired,
            "on",
            "performance is demanded in writing first (催告, 行政强制法 Art. 35)",
        )
    })
}

/// The party's statement on the 催告, or the record that none was made
/// (Art. 36: the agency hears it and takes in what holds).
pub fn hear_statement(
    case: &Case,
    statement: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    let e = demanded(case)?;
    check_step_day("on", on, e.demanded_on, today)?;
    if e.statement.is_some() || e.decided_on.is_some() {
        return Err(rule(
            Code::AlreadyRequested,
            "on",
            "the party's statement on the 催告 was recorded already",
        ));
    }
    let statement = Statement {
        on,
        text: text::required("statement", statement, 2000, Lines::Many)?,
    };
    Ok(next(case, case.status, |p| {
        if let Some(e) = p.enforcement.as_mut() {
            e.statement = Some(statement);
        }
    }))
}

/// 强制执行决定 on `on`, served on `served_on`: after the 催告's period ran
/// out with the order not performed and the party heard (Arts. 36–38).
pub fn decide_enforcement(
    case: &Case,
    on: NaiveDate,
    served_on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    let e = demanded(case)?;
    check_step_day("on", on, e.last_step(), today)?;
    check_step_day("served_on", served_on, on, today)?;
    if e.decided_on.is_some() {
        return Err(rule(
            Code::AlreadyDecided,
            "on",
            "the enforcement decision was made already",
        ));
    }
    if on <= e.perform_by {
        return Err(rule(
            Code::PerformancePeriodRunning,
            "on",
            format!(
                "the 催告 gives the party until {}: the enforcement decision comes after that (行政强制法 Art. 37)",
                e.perform_by
            ),
        ));
    }
    if e.statement.is_none() {
        return Err(rule(
            Code::StatementRequired,
            "on",
            "the party's statement on the 催告 is recorded first, or that none was made (行政强制法 Art. 36)",
        ));
    }
    not_under_appeal(case, "on")?;
    Ok(next(case, case.status, |p| {
        if let Some(e) = p.enforcement.as_mut() {
            e.decided_on = Some(on);
            e.served_on = Some(served_on);
        }
    }))
}

/// 执行协议 (Art. 42), once the 催告 was served.
pub fn agree_enforcement(
    case: &Case,
    terms: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    let e = demanded(case)?;
    check_step_day("on", on, e.demanded_on, today)?;
    if e.agreement.is_some() {
        return Err(rule(
            Code::AlreadyRequested,
            "on",
            "an 执行协议 was agreed already",
        ));
    }
    let agreement = Agreement {
        on,
        terms: text::required("terms", terms, 2000, Lines::Many)?,
    };
    Ok(next(case, case.status, |p| {
        if let Some(e) = p.enforcement.as_mut() {
            e.agreement = Some(agreement);
        }
    }))
}

/// Refuses forcing the order until the enforcement decision was served.
pub(crate) fn enforcement_served(case: &Case, field: &str) -> Result<(), Error> {
    if case
        .proceedings
        .enforcement
        .as_ref()
        .is_some_and(Enforcement::decided_and_served)
    {
        return Ok(());
    }
    Err(rule(
        Code::EnforcementDecisionRequired,
        field,
        "a 催告 and a written 强制执行决定 served on the party come before forcing it (行政强制法 Arts. 35–38)",
    ))
}

#[cfg(test)]
#[path = "enforcement_tests.rs"]
mod tests;
