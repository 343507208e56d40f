//! A case's deadlines still to be met (预警): the decision period (Art. 60),
//! the party's statement and hearing windows while they are open, service
//! of the decision (Art. 61), its publicity (seven working days), a
//! seizure's last day (行政强制法 Art. 25), a fine unpaid by its due day
//! (Art. 67) and the window to ask the court once it was demanded (行政强制法
//! Art. 53).

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
    // A suspended case's decision period stands still (中止).
    if let (true, false, Some(filed)) = (undecided, p.suspended(), case.filed_on) {
        let extension = p.decision_extension.as_ref().map_or(0, |a| a.days);
        let days = rules.decision_days + extension + p.paused_days();
        add("case_decision", filed + Days::new(u64::from(days)), 10);
    }
    if let (true, Some(notice)) = (case.status == CaseStatus::Notified, &p.notice) {
        if p.defence_on.is_none() && notice.statement_due >= today {
            add("case_statement", notice.statement_due, 2);
        }
        if let (None, None, Some(due)) = (&p.hearing, &p.hearing_waiver, notice.hearing_due)
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
    // Cash collected on the spot is handed in within two working days (Art. 71).
    if let (Some(spot), Some(decision)) = (&p.on_the_spot, &p.decision)
        && spot.collected
        && spot.handed_in_on.is_none()
        && !matches!(case.status, CaseStatus::Terminated)
    {
        let due = calendar.add_working_days(decision.on, super::HAND_IN_WORKING_DAYS);
        add("case_hand_in", due, 1);
    }
    // A fine unpaid: its due day until it is paid or demanded; once
    // demanded, the last day the court may be asked.
    if let (CaseStatus::Served, None, Some(service)) = (case.status, &p.payment, &p.service) {
        let fine = p.decision.as_ref().map_or(0, |d| d.penalty.fine_fen);
        match (&p.court, p.next_due(fine)) {
            (None, Some(due)) => add("case_payment", due, 3),
            (Some(court), Some(_)) if court.applied_on.is_none() => {
                add("case_court", super::court_window(service.on).1, 15)
            }
            _ => {}
        }
    }
    out
}

/// The first day any deadline of `case` is near or passed, if it has one:
/// from then on its warnings are read. Every deadline counts here, the
/// party's windows and the publicity whether published or not, so the day
/// is never later than the first warning's, whatever today is.
pub fn watch_from(case: &Case, rules: &CaseRules, calendar: &Calendar) -> Option<NaiveDate> {
    if !case.status.under_way() {
        return None;
    }
    deadlines(case, false, rules, calendar, NaiveDate::MIN)
        .iter()
        .map(|d| {
            d.due_on
                .checked_sub_days(Days::new(d.near_days))
                .unwrap_or(d.due_on)
        })
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{day, lead};
    use crate::domain::{Approval, Decision, Notice, Penalty, Seizure};

    fn kinds(case: &Case, published: bool, today: &str) -> Vec<(&'static str, String)> {
        deadlines(
            case,
            published,
            &CaseRules::default(),
            &Calendar::official(),
            day(today),
        )
        .into_iter()
        .map(|d| (d.kind, d.due_on.to_string()))
        .collect()
    }

    fn filed() -> Case {
        Case {
            status: CaseStatus::Filed,
            filed_on: Some(day("2026-03-02")),
            ..lead()
        }
    }

    #[test]
    fn an_undecided_case_is_due_ninety_days_from_filing_and_later_with_an_approved_extension() {
        assert_eq!(
            kinds(&filed(), false, "2026-05-20"),
            [("case_decision", "2026-05-31".to_owned())]
        );
        let mut extended = filed();
        extended.proceedings.decision_extension = Some(Approval {
            on: day("2026-05-20"),
            days: 30,
            approved_by: "负责人".into(),
            basis: "规章".into(),
        });
        assert_eq!(kinds(&extended, false, "2026-05-20")[0].1, "2026-06-30");
    }

    #[test]
    fn the_partys_windows_are_listed_only_while_open() {
        let mut notified = filed();
        notified.status = CaseStatus::Notified;
        notified.proceedings.notice = Some(Notice {
            replaces: 0,
            on: day("2026-04-01"),
            penalty: Penalty {
                warning: false,
                fine_fen: 100_000,
                ..Penalty::default()
            },
            statement_due: day("2026-04-07"),
            hearing_due: Some(day("2026-04-09")),
        });
        let open: Vec<_> = kinds(&notified, false, "2026-04-03")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(open, ["case_decision", "case_statement", "case_hearing"]);
        let closed: Vec<_> = kinds(&notified, false, "2026-04-10")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            closed,
            ["case_decision"],
            "a window that has closed is no deadline of the agency's"
        );
    }

    #[test]
    fn a_decision_is_due_for_service_and_publicity_in_seven_working_days_and_a_seizure_on_its_last_day()
     {
        let mut decided = filed();
        decided.status = CaseStatus::Decided;
        decided.proceedings.decision = Some(Decision {
            on: day("2026-09-29"),
            kind: "penalty".into(),
            penalty: Penalty {
                warning: false,
                fine_fen: 100_000,
                ..Penalty::default()
            },
            on_time: true,
            review_required: false,
            discussion_required: false,
            orders: Vec::new(),
            number: String::new(),
        });
        decided.proceedings.seizure = Some(Seizure {
            on: day("2026-09-01"),
            items: "挖掘机一台".into(),
            until: day("2026-09-30"),
            extended: false,
            released_on: None,
        });
        // Seven working days from 29 September run past the National Day holiday.
        let due = kinds(&decided, false, "2026-09-30");
        assert_eq!(due[0], ("case_service", "2026-10-14".to_owned()));
        assert_eq!(due[1], ("case_publicity", "2026-10-14".to_owned()));
        assert_eq!(due[2], ("case_seizure", "2026-09-30".to_owned()));
        let published: Vec<_> = kinds(&decided, true, "2026-09-30")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(published, ["case_service", "case_seizure"]);
        decided.proceedings.seizure.as_mut().unwrap().released_on = Some(day("2026-09-30"));
        decided.status = CaseStatus::Closed;
        assert_eq!(kinds(&decided, true, "2026-09-30"), []);
    }

    #[test]
    fn an_unpaid_fine_is_watched_to_its_due_day_then_the_court_window_once_demanded() {
        use crate::domain::{CourtEnforcement, Service};
        let mut served = filed();
        served.status = CaseStatus::Served;
        served.proceedings.service = Some(Service {
            on: day("2026-03-16"),
            method: "in_person".into(),
            on_time: true,
            fine_due: Some(day("2026-03-31")),
        });
        served.proceedings.decision = Some(Decision {
            on: day("2026-03-13"),
            kind: "penalty".into(),
            penalty: Penalty {
                warning: false,
                fine_fen: 50_000,
                ..Penalty::default()
            },
            on_time: true,
            review_required: false,
            discussion_required: false,
            orders: Vec::new(),
            number: String::new(),
        });
        assert_eq!(
            kinds(&served, true, "2026-04-02"),
            [("case_payment", "2026-03-31".to_owned())],
            "past its due day it stays listed (red) until paid or demanded"
        );
        served.proceedings.court = Some(CourtEnforcement {
            demanded_on: day("2026-04-03"),
            applied_on: None,
        });
        // Served 16 March: the party may sue to 16 September, the court is asked by 16 December.
        assert_eq!(
            kinds(&served, true, "2026-04-03"),
            [("case_court", "2026-12-16".to_owned())]
        );
        served.proceedings.court.as_mut().unwrap().applied_on = Some(day("2026-09-20"));
        assert_eq!(kinds(&served, true, "2026-09-20"), []);
    }

    #[test]
    fn a_hearing_waived_in_writing_is_no_window_to_watch() {
        let mut notified = filed();
        notified.status = CaseStatus::Notified;
        notified.proceedings.notice = Some(Notice {
            replaces: 0,
            on: day("2026-04-01"),
            penalty: Penalty {
                fine_fen: 600_000,
                ..Penalty::default()
            },
            statement_due: day("2026-04-07"),
            hearing_due: Some(day("2026-04-09")),
        });
        notified.proceedings.hearing_waiver = Some(crate::domain::HearingWaiver {
            on: day("2026-04-02"),
            how: "written".into(),
        });
        let open: Vec<_> = kinds(&notified, false, "2026-04-03")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(open, ["case_decision", "case_statement"]);
    }
}
