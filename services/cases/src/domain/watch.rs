//! A case's deadlines still to be met (预警): the decision period (Art. 60),
//! the party's statement and hearing windows while they are open, service
//! of the decision (Art. 61), its publicity (seven working days) and a
//! seizure's last day (行政强制法 Art. 25).

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;

use super::{Case, CaseRules, CaseStatus, PUBLISH_WORKING_DAYS};

/// One deadline: its kind, its last day, and from how many days before it
/// the deadline counts as near.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub kind: &'static str,
    pub due_on: NaiveDate,
    pub near_days: u64,
}

/// The deadlines `case` still has to meet; `published` tells whether its
/// decision was published. Windows that belong to the party (statement,
/// hearing request) are listed only while still open.
pub fn deadlines(
    case: &Case,
    published: bool,
    rules: &CaseRules,
    calendar: &Calendar,
    today: NaiveDate,
) -> Vec<Deadline> {
    let p = &case.proceedings;
    let mut out = Vec::new();
    let mut add = |kind, due_on, near_days| {
        out.push(Deadline {
            kind,
            due_on,
            near_days,
        })
    };
    let undecided = matches!(case.status, CaseStatus::Filed | CaseStatus::Notified);
    if let (true, Some(filed)) = (undecided, case.filed_on) {
        let extension = p.decision_extension.as_ref().map_or(0, |a| a.days);
        add(
            "case_decision",
            filed + Days::new(u64::from(rules.decision_days + extension)),
            10,
        );
    }
    if let (true, Some(notice)) = (case.status == CaseStatus::Notified, &p.notice) {
        if p.defence_on.is_none() && notice.statement_due >= today {
            add("case_statement", notice.statement_due, 2);
        }
        if let (None, Some(due)) = (&p.hearing, notice.hearing_due)
            && due >= today
        {
            add("case_hearing", due, 2);
        }
    }
    if let Some(decision) = &p.decision {
        if case.status == CaseStatus::Decided && p.service.is_none() {
            let due = calendar.add_working_days(decision.on, rules.service_working_days);
            add("case_service", due, 2);
        }
        if !published && !matches!(case.status, CaseStatus::Closed | CaseStatus::Terminated) {
            let due = calendar.add_working_days(decision.on, PUBLISH_WORKING_DAYS);
            add("case_publicity", due, 2);
        }
    }
    if let Some(seizure) = p.seizure.as_ref().filter(|s| s.released_on.is_none()) {
        add("case_seizure", seizure.until, 5);
    }
    out
}
