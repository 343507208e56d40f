//! 中止: a case stopped before its decision — the party cannot be found,
//! another authority must decide first — and resumed; the days it stood
//! are left out of the decision period (Art. 60), so it is neither late
//! nor stuck.

use chrono::NaiveDate;
use fazhi_platform::text::{self, Lines};
use fazhi_platform::{Code, Error, coded_enum};
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::{Case, rule};

coded_enum! {
    /// Why a case is suspended (中止).
    SuspensionReason {
        /// The party cannot be found.
        PartyMissing => "party_missing",
        /// Another authority must decide first (a matter the case rests on).
        AwaitingOtherAuthority => "awaiting_other_authority",
        /// Another reason the rules allow, named in the note.
        Other => "other",
    }
}

/// A suspension (中止) and its resumption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub from: NaiveDate,
    /// A [`SuspensionReason`] code.
    pub reason: String,
    pub note: String,
    pub resumed_on: Option<NaiveDate>,
}

/// Suspends a filed case before its decision, from `on`.
pub fn suspend(
    case: &Case,
    reason: SuspensionReason,
    note: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    before_decision(case, "a suspension")?;
    step_day("on", on, last_step(case), today)?;
    let note = text::optional("note", Some(note), 1000, Lines::Many)?.unwrap_or_default();
    if reason == SuspensionReason::Other && note.is_empty() {
        return Err(Error::invalid_field(
            "note",
            Code::Required,
            "another reason is named in the note",
        ));
    }
    let status = case.status;
    Ok(next(case, status, |p| {
        p.suspensions.push(Suspension {
            from: on,
            reason: reason.code().to_owned(),
            note,
            resumed_on: None,
        })
    }))
}

/// Resumes a suspended case from `on`.
pub fn resume(case: &Case, on: NaiveDate, today: NaiveDate) -> Result<Case, Error> {
    let Some(from) = case
        .proceedings
        .suspensions
        .iter()
        .find(|s| s.resumed_on.is_none())
        .map(|s| s.from)
    else {
        return Err(rule(
            Code::InvalidTransition,
            "on",
            "the case is not suspended",
        ));
    };
    step_day("on", on, from, today)?;
    let status = case.status;
    Ok(next(case, status, |p| {
        if let Some(s) = p.suspensions.iter_mut().find(|s| s.resumed_on.is_none()) {
            s.resumed_on = Some(on);
        }
    }))
}

#[cfg(test)]
mod tests {
    use fazhi_calendar::Calendar;

    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn a_case_suspended_after_its_notice_takes_no_new_notice_and_no_correction() {
        let stopped = suspend(
            &notified(fine(500)),
            SuspensionReason::AwaitingOtherAuthority,
            "",
            day("2024-03-12"),
            day(TODAY),
        )
        .unwrap();
        let renotice = notify(
            &stopped,
            fine(300),
            day("2024-03-13"),
            day(TODAY),
            &Calendar::official(),
            &rules(),
        );
        assert_eq!(renotice.unwrap_err().code, Code::CaseSuspended);
        let corrected = record_correction(&stopped, day("2024-03-13"), day(TODAY));
        assert_eq!(corrected.unwrap_err().code, Code::CaseSuspended);
    }

    #[test]
    fn a_suspended_case_takes_no_step_and_its_days_are_left_out_of_the_decision_period() {
        let calendar = Calendar::official();
        // Filed 5 March 2024: ninety days run to 3 June.
        let stopped = suspend(
            &filed(),
            SuspensionReason::PartyMissing,
            "当事人外出务工，下落不明",
            day("2024-03-20"),
            day(TODAY),
        )
        .unwrap();
        let notice = notify(
            &stopped,
            fine(500),
            day("2024-03-21"),
            day(TODAY),
            &calendar,
            &rules(),
        );
        assert_eq!(notice.unwrap_err().code, Code::CaseSuspended);
        assert_eq!(
            suspend(
                &stopped,
                SuspensionReason::Other,
                "",
                day("2024-03-21"),
                day(TODAY)
            )
            .unwrap_err()
            .code,
            Code::CaseSuspended
        );
        assert_eq!(
            resume(&stopped, day("2024-03-19"), day(TODAY))
                .unwrap_err()
                .code,
            Code::InvalidTimeRange
        );
        // Stood thirty days, 20 March to 19 April: decided 3 July is on time.
        let resumed = resume(&stopped, day("2024-04-19"), day(TODAY)).unwrap();
        assert_eq!(resumed.proceedings.paused_days(), 30);
        let notified = notify(
            &resumed,
            fine(500),
            day("2024-06-20"),
            day(TODAY),
            &calendar,
            &rules(),
        )
        .unwrap();
        let decide_on = |on: &str| {
            decide(
                &notified,
                DecisionKind::Penalty,
                fine(500),
                day(on),
                day(TODAY),
                &rules(),
            )
            .unwrap()
            .proceedings
            .decision
            .unwrap()
            .on_time
        };
        assert!(decide_on("2024-07-03"));
        assert!(!decide_on("2024-07-04"));
        assert_eq!(
            resume(&resumed, day("2024-04-20"), day(TODAY))
                .unwrap_err()
                .code,
            Code::InvalidTransition
        );
    }
}
