//! The party's appeal against a served decision: 行政复议 to the county
//! government within 60 days (行政复议法 Art. 20) or a suit within six months
//! (行政诉讼法 Art. 46). While one runs the late charge is not counted
//! (行政处罚法 Art. 73), nothing is enforced by force and the court is not
//! asked (行政强制法 Arts. 44, 53); a decision set aside or changed on appeal
//! is enforced no further.

use chrono::NaiveDate;
use fazhi_platform::{Code, Error, coded_enum};
use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::{Case, rule};

coded_enum! {
    /// Where the party took the decision.
    AppealKind {
        /// 行政复议
        Reconsideration => "reconsideration",
        /// 行政诉讼
        Lawsuit => "lawsuit",
    }
}

coded_enum! {
    /// How an appeal ended.
    AppealOutcome {
        /// 维持 / 驳回诉讼请求: the decision stands.
        Upheld => "upheld",
        /// 撤回 / 驳回申请: withdrawn by the party or dismissed unheard.
        Withdrawn => "withdrawn",
        /// 变更: the decision was changed.
        Changed => "changed",
        /// 撤销 / 确认违法 / 确认无效.
        SetAside => "set_aside",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    /// An [`AppealKind`] code.
    pub kind: String,
    pub filed_on: NaiveDate,
    pub concluded_on: Option<NaiveDate>,
    /// An [`AppealOutcome`] code, once concluded.
    pub outcome: Option<String>,
}

impl Appeal {
    /// Whether `day` falls while the appeal ran (from its filing to its
    /// conclusion, both days included): a day not counted for the late
    /// charge.
    pub fn covers(&self, day: NaiveDate) -> bool {
        day >= self.filed_on && self.concluded_on.is_none_or(|c| day <= c)
    }
}

/// The party applied for 复议 or sued on `on`, after the decision was served.
pub fn record_appeal(
    case: &Case,
    kind: AppealKind,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    not_suspended(case)?;
    let Some(service) = case.proceedings.service.as_ref() else {
        return Err(rule(
            Code::InvalidTransition,
            "on",
            "an appeal is against a decision served on the party",
        ));
    };
    step_day("on", on, service.on, today)?;
    if case.proceedings.appeal_pending() {
        return Err(rule(
            Code::AppealPending,
            "kind",
            "an appeal is running already: record how it ended first",
        ));
    }
    let appeal = Appeal {
        kind: kind.code().to_owned(),
        filed_on: on,
        concluded_on: None,
        outcome: None,
    };
    Ok(next(case, case.status, |p| p.appeals.push(appeal)))
}

/// The running appeal ended on `on` with `outcome`.
pub fn conclude_appeal(
    case: &Case,
    outcome: AppealOutcome,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<Case, Error> {
    let Some(filed_on) = case
        .proceedings
        .appeals
        .iter()
        .find(|a| a.concluded_on.is_none())
        .map(|a| a.filed_on)
    else {
        return Err(rule(
            Code::InvalidTransition,
            "outcome",
            "no appeal is running",
        ));
    };
    step_day("on", on, filed_on, today)?;
    Ok(next(case, case.status, |p| {
        if let Some(a) = p.appeals.iter_mut().find(|a| a.concluded_on.is_none()) {
            a.concluded_on = Some(on);
            a.outcome = Some(outcome.code().to_owned());
        }
    }))
}

/// Refuses enforcing the decision while an appeal runs, or once it was set
/// aside or changed (行政强制法 Arts. 44, 53; 行政处罚法 Art. 73).
pub(crate) fn not_under_appeal(case: &Case, field: &str) -> Result<(), Error> {
    if case.proceedings.appeal_pending() {
        return Err(rule(
            Code::AppealPending,
            field,
            "the party applied for 复议 or sued: nothing is enforced until it ends (行政强制法 Arts. 44, 53)",
        ));
    }
    if case.proceedings.appeals.iter().any(|a| {
        a.outcome.as_deref().is_some_and(|o| {
            o == AppealOutcome::SetAside.code() || o == AppealOutcome::Changed.code()
        })
    }) {
        return Err(rule(
            Code::DecisionSetAside,
            field,
            "the decision was set aside or changed on appeal: it is not enforced as it stood",
        ));
    }
    Ok(())
}

/// Whether a suit ended with the decision upheld: the judgment settles it,
/// and the periods to appeal no longer hold enforcement back.
pub(crate) fn upheld_by_court(case: &Case) -> bool {
    case.proceedings.appeals.iter().any(|a| {
        a.kind == AppealKind::Lawsuit.code()
            && a.outcome.as_deref() == Some(AppealOutcome::Upheld.code())
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::domain::fixtures::day;

    #[test]
    fn an_appeal_runs_from_its_filing_to_its_end_and_one_at_a_time() {
        let served = served_fine(500, "2024-03-18");
        let today = day(TODAY);
        let before = record_appeal(
            &served,
            AppealKind::Reconsideration,
            day("2024-03-17"),
            today,
        );
        assert_eq!(before.unwrap_err().code, Code::InvalidTimeRange);
        let appealed = record_appeal(
            &served,
            AppealKind::Reconsideration,
            day("2024-04-01"),
            today,
        )
        .unwrap();
        assert!(appealed.proceedings.appeal_pending());
        assert_eq!(
            record_appeal(&appealed, AppealKind::Lawsuit, day("2024-04-02"), today)
                .unwrap_err()
                .code,
            Code::AppealPending
        );
        assert_eq!(
            not_under_appeal(&appealed, "on").unwrap_err().code,
            Code::AppealPending
        );
        // Nor is the court asked meanwhile (行政强制法 Art. 53).
        let calendar = fazhi_calendar::Calendar::official();
        assert_eq!(
            apply_to_court(&appealed, day("2024-11-01"), today, &calendar)
                .unwrap_err()
                .code,
            Code::AppealPending
        );
        let upheld =
            conclude_appeal(&appealed, AppealOutcome::Upheld, day("2024-05-20"), today).unwrap();
        let appeal = &upheld.proceedings.appeals[0];
        assert!(appeal.covers(day("2024-04-01")) && appeal.covers(day("2024-05-20")));
        assert!(!appeal.covers(day("2024-05-21")) && !appeal.covers(day("2024-03-31")));
        assert!(not_under_appeal(&upheld, "on").is_ok());
        // Then sued, and the court set it aside: enforced no further.
        let sued = record_appeal(&upheld, AppealKind::Lawsuit, day("2024-06-01"), today).unwrap();
        let set_aside =
            conclude_appeal(&sued, AppealOutcome::SetAside, day("2024-09-01"), today).unwrap();
        assert_eq!(
            not_under_appeal(&set_aside, "on").unwrap_err().code,
            Code::DecisionSetAside
        );
        assert!(!upheld_by_court(&set_aside));
    }
}
