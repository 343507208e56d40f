//! Evidence registered and preserved first (先行登记保存, 行政处罚法 Art. 56):
//! where evidence may be lost or hard to obtain later, the agency's leader
//! approves preserving it, and a decision on it follows within seven
//! working days (the day counted on the calendar; whether it did is recorded).

use chrono::NaiveDate;
use fazhi_calendar::Calendar;
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error, coded_enum};
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::{Case, rule};

/// Working days within which preserved evidence is decided on.
pub const PRESERVATION_WORKING_DAYS: u32 = 7;
/// Preservations one case may carry.
pub const MAX_PRESERVATIONS: usize = 50;

coded_enum! {
    /// What becomes of preserved evidence.
    PreservationOutcome {
        /// 解除保存、退还
        Returned => "returned",
        /// 查封、扣押
        Seized => "seized",
        /// 没收
        Confiscated => "confiscated",
        /// 移送有关部门
        Transferred => "transferred",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preservation {
    pub on: NaiveDate,
    pub items: String,
    /// The last day to decide on it.
    pub decide_by: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    /// A `PreservationOutcome` code.
    pub outcome: Option<String>,
}

/// 先行登记保存 on `on`, during the investigation.
pub fn preserve_evidence(
    case: &Case,
    items: &str,
    on: NaiveDate,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<Case, Error> {
    before_decision(case, "preserving evidence")?;
    step_day("on", on, case.filed_on.unwrap_or(case.discovered_on), today)?;
    if case.proceedings.preservations.len() >= MAX_PRESERVATIONS {
        return Err(Error::invalid_field(
            "items",
            Code::TooManyValues,
            format!("a case preserves evidence at most {MAX_PRESERVATIONS} times"),
        ));
    }
    let preservation = Preservation {
        on,
        items: text::required("items", items, 2000, Lines::Many)?,
        decide_by: calendar.add_working_days(on, PRESERVATION_WORKING_DAYS),
        decided_on: None,
        outcome: None,
    };
    Ok(next(case, case.status, |p| {
        p.preservations.push(preservation)
    }))
}

/// The decision on preserved evidence `index` (0 first): once, not before it
/// was preserved; whether within seven working days shows in `decide_by`.
pub fn decide_preservation(
    case: &Case,
    index: usize,
    outcome: PreservationOutcome,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    let Some(preservation) = case.proceedings.preservations.get(index) else {
        return Err(Error::invalid_field(
            "index",
            Code::NotFound,
            "no such preserved evidence",
        ));
    };
    if preservation.decided_on.is_some() {
        return Err(rule(
            Code::AlreadyDecided,
            "index",
            "this evidence was decided on already",
        ));
    }
    step_day("on", on, preservation.on, today)?;
    Ok(next(case, case.status, |p| {
        if let Some(x) = p.preservations.get_mut(index) {
            x.decided_on = Some(on);
            x.outcome = Some(outcome.code().to_owned());
        }
    }))
}

/// Whether preserved evidence was decided on within seven working days.
pub fn preservation_on_time(p: &Preservation) -> Option<bool> {
    p.decided_on.map(|d| d <= p.decide_by)
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn preserved_evidence_is_decided_once_and_its_seven_working_days_counted() {
        let calendar = Calendar::official();
        let case = notified(fine(500));
        // Tuesday 12 March 2024: seven working days is Thursday 21 March.
        let kept = preserve_evidence(
            &case,
            "建筑材料一批",
            day("2024-03-12"),
            day(TODAY),
            &calendar,
        )
        .unwrap();
        assert_eq!(
            kept.proceedings.preservations[0].decide_by,
            day("2024-03-21")
        );
        let late = decide_preservation(
            &kept,
            0,
            PreservationOutcome::Returned,
            day("2024-03-22"),
            day(TODAY),
        )
        .unwrap();
        assert_eq!(
            preservation_on_time(&late.proceedings.preservations[0]),
            Some(false)
        );
        let decided = decide_preservation(
            &kept,
            0,
            PreservationOutcome::Seized,
            day("2024-03-21"),
            day(TODAY),
        )
        .unwrap();
        assert_eq!(
            preservation_on_time(&decided.proceedings.preservations[0]),
            Some(true)
        );
        let twice = decide_preservation(
            &decided,
            0,
            PreservationOutcome::Returned,
            day("2024-03-22"),
            day(TODAY),
        );
        assert_eq!(twice.unwrap_err().code, Code::AlreadyDecided);
        assert_eq!(
            decide_preservation(
                &kept,
                1,
                PreservationOutcome::Returned,
                day("2024-03-22"),
                day(TODAY)
            )
            .unwrap_err()
            .code,
            Code::NotFound
        );
        let lead = crate::domain::fixtures::lead();
        assert_eq!(
            preserve_evidence(&lead, "x", day("2024-03-12"), day(TODAY), &calendar)
                .unwrap_err()
                .code,
            Code::InvalidTransition
        );
    }
}
