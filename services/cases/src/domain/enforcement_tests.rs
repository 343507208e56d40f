use fazhi_calendar::Calendar;

use super::*;
use crate::domain::fixtures::*;
use crate::domain::{Decision, Order, Penalty, Proceedings, Service};

const TODAY: &str = "2026-11-29";

/// Ordered on 8 October 2024 to remove the building by 8 November, served
/// in person on the 10th, not removed.
fn ordered() -> Case {
    Case {
        status: CaseStatus::Served,
        filed_on: Some(day("2024-09-02")),
        proceedings: Proceedings {
            decision: Some(Decision {
                on: day("2024-10-08"),
                kind: "penalty".into(),
                penalty: Penalty {
                    warning: false,
                    fine_fen: 600_000,
                    ..Penalty::default()
                },
                on_time: true,
                review_required: true,
                discussion_required: true,
                orders: vec![Order {
                    kind: "demolish".into(),
                    by: Some(day("2024-11-08")),
                }],
                number: String::new(),
            }),
            service: Some(Service {
                on: day("2024-10-10"),
                method: "in_person".into(),
                on_time: true,
                fine_due: Some(day("2024-10-25")),
            }),
            ..Proceedings::default()
        },
        ..lead()
    }
}

fn demand(case: &Case, days: u32, working: bool, on: &str) -> Result<Case, Error> {
    demand_performance(
        case,
        days,
        working,
        day(on),
        day(TODAY),
        &Calendar::official(),
    )
}

#[test]
fn a_demand_follows_the_orders_day_and_its_ten_days_are_working_days() {
    let case = ordered();
    assert_eq!(
        demand(&case, 10, true, "2024-11-08").unwrap_err().code,
        Code::OrderNotDue
    );
    // Art. 69: ten days are working days; calendar days are refused.
    let calendar_days = demand(&case, 10, false, "2025-01-20").unwrap_err();
    assert_eq!(
        (calendar_days.code, calendar_days.field.as_deref()),
        (Code::WorkingDaysRequired, Some("period_unit"))
    );
    // Served Monday 20 January 2025: Sunday the 26th is worked, the Spring
    // Festival (28 January – 4 February) is not, Saturday 8 February is:
    // the tenth working day is 8 February.
    let demanded = demand(&case, 10, true, "2025-01-20").unwrap();
    let e = demanded.proceedings.enforcement.clone().unwrap();
    assert_eq!(e.perform_by, day("2025-02-08"));
    assert_eq!(
        demand(&demanded, 10, true, "2025-01-21").unwrap_err().code,
        Code::AlreadyRequested
    );
    // Thirty calendar days may be given as such; a last day off work moves on.
    let month = demand(&case, 30, false, "2025-01-01").unwrap();
    assert_eq!(
        month.proceedings.enforcement.unwrap().perform_by,
        day("2025-02-05")
    );
    // A case whose decision orders nothing by a day has nothing to demand here.
    let mut fine_only = ordered();
    fine_only
        .proceedings
        .decision
        .as_mut()
        .unwrap()
        .orders
        .clear();
    assert_eq!(
        demand(&fine_only, 10, true, "2025-01-20").unwrap_err().code,
        Code::InvalidTransition
    );
}

#[test]
fn the_enforcement_decision_comes_after_the_period_with_the_party_heard() {
    let today = day(TODAY);
    let demanded = demand(&ordered(), 10, true, "2025-01-20").unwrap();
    assert_eq!(
        decide_enforcement(&ordered(), day("2025-02-10"), day("2025-02-10"), today)
            .unwrap_err()
            .code,
        Code::DemandRequired
    );
    let early = decide_enforcement(&demanded, day("2025-02-08"), day("2025-02-08"), today);
    assert_eq!(early.unwrap_err().code, Code::PerformancePeriodRunning);
    let unheard = decide_enforcement(&demanded, day("2025-02-10"), day("2025-02-10"), today);
    assert_eq!(unheard.unwrap_err().code, Code::StatementRequired);
    let heard = hear_statement(
        &demanded,
        "当事人称房屋系自住，请求宽限",
        day("2025-01-22"),
        today,
    )
    .unwrap();
    assert_eq!(
        hear_statement(&heard, "再次陈述", day("2025-01-23"), today)
            .unwrap_err()
            .code,
        Code::AlreadyRequested
    );
    let served_before = decide_enforcement(&heard, day("2025-02-10"), day("2025-02-09"), today);
    assert_eq!(
        served_before.unwrap_err().field.as_deref(),
        Some("served_on")
    );
    assert_eq!(
        enforcement_served(&heard, "at").unwrap_err().code,
        Code::EnforcementDecisionRequired
    );
    let decided = decide_enforcement(&heard, day("2025-02-10"), day("2025-02-11"), today).unwrap();
    assert!(enforcement_served(&decided, "at").is_ok());
    assert_eq!(
        decided
            .proceedings
            .enforcement
            .as_ref()
            .unwrap()
            .last_step(),
        day("2025-02-11")
    );
    let agreed = agree_enforcement(
        &decided,
        "当事人于3月31日前自行拆除，减免加处罚款",
        day("2025-02-12"),
        today,
    )
    .unwrap();
    assert_eq!(
        agree_enforcement(&agreed, "又一份", day("2025-02-13"), today)
            .unwrap_err()
            .code,
        Code::AlreadyRequested
    );
    assert_eq!(
        agree_enforcement(&decided, "", day("2025-02-12"), today)
            .unwrap_err()
            .code,
        Code::Required
    );
}
