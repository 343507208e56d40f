//! The warnings' cases, read by the day each first comes near and stopped
//! early once nothing left can come before the last warning kept, answer
//! exactly what reading every case would: the same deadlines, in the same
//! order, the same "more" — under the rules the watch days were kept by,
//! and again once the rules change and the store recomputes them.

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_cases::domain::{self, Case, CaseRules, CaseStatus, Seizure};
use fazhi_cases::store::Store;
use fazhi_platform::DivisionCode;

use super::grouped::{lead, step};

const CASES: usize = 900;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Case `i`. The first 600 filed 95 days before `today`: each decision
/// overdue by five days, watched from 15 days ago. The next 100 filed ten
/// days ago, each with a seizure that ended ten days ago — watched from the
/// same day, listed after them, yet due before every one of them: an answer
/// that stopped reading once it had enough would miss them. The rest filed
/// any day of the last 200, every third with a seizure ending anywhere from
/// 20 days ago to 40 ahead.
fn filed(lead: &Case, i: usize, today: NaiveDate) -> Case {
    let mut filed = lead.clone();
    filed.status = CaseStatus::Filed;
    filed.version += 1;
    let (filed_on, seizure) = match i {
        0..600 => (today - Days::new(95), None),
        600..700 => (today - Days::new(10), Some(today - Days::new(10))),
        _ => (
            today - Days::new((i * 37 % 200) as u64),
            i.is_multiple_of(3)
                .then(|| today - Days::new(20) + Days::new((i * 11 % 60) as u64)),
        ),
    };
    filed.filed_on = Some(filed_on);
    filed.proceedings.seizure = seizure.map(|until| Seizure {
        on: until - Days::new(30),
        items: "挖掘机一台".into(),
        until,
        extended: false,
        released_on: None,
    });
    filed
}

/// Every near or passed deadline of `cases` read one by one: (due, case, kind).
fn every(
    cases: &[Case],
    rules: &CaseRules,
    today: NaiveDate,
) -> Vec<(NaiveDate, String, &'static str)> {
    let calendar = Calendar::official();
    let mut all: Vec<_> = cases
        .iter()
        .flat_map(|case| {
            domain::deadlines(case, false, rules, &calendar, today)
                .into_iter()
                .filter(|d| d.due_on <= today + Days::new(d.near_days))
                .map(|d| (d.due_on, case.id.clone(), d.kind))
        })
        .collect();
    all.sort();
    all
}

async fn answered(
    store: &Store,
    rules: &CaseRules,
    today: NaiveDate,
    most: usize,
) -> (Vec<(NaiveDate, String, &'static str)>, bool) {
    let county = DivisionCode::parse("411624").unwrap();
    let (near, more) = store
        .near_deadlines(&county, today, rules, most)
        .await
        .unwrap();
    let near = near
        .into_iter()
        .map(|(case, d)| (d.due_on, case.id, d.kind))
        .collect();
    (near, more)
}

#[tokio::test]
async fn the_warnings_cases_read_early_first_answer_as_every_case_would() {
    let today = day("2026-09-01");
    let rules = CaseRules::default();
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let mut writing = tokio::task::JoinSet::new();
        for i in 0..CASES {
            let (store, rules) = (store.clone(), rules.clone());
            writing.spawn(async move {
                let (lead, _) = store
                    .insert_lead(&lead(format!("case-{i:04}")), step("lead"))
                    .await
                    .unwrap();
                let filed = filed(&lead, i, today);
                store
                    .apply(&lead, &filed, step("filed"), &rules)
                    .await
                    .unwrap()
            });
        }
        let mut cases = Vec::new();
        while let Some(case) = writing.join_next().await {
            cases.push(case.unwrap());
        }
        let all = every(&cases, &rules, today);
        assert!(all.len() > 300, "{}", all.len());
        // Fewer kept than there are, some, and all of them.
        for most in [1, 37, 300, 650, all.len(), all.len() + 5] {
            let (near, more) = answered(&store, &rules, today, most).await;
            let expected: Vec<_> = all.iter().take(most).cloned().collect();
            assert_eq!(near, expected, "{most} on {}", db.backend());
            assert_eq!(more, all.len() > most, "{most} on {}", db.backend());
        }

        // A county deciding in 30 days: the store recomputes each case's
        // watch day once, and the answers follow the new rules.
        let mut quicker = rules.clone();
        quicker.decision_days = 30;
        assert_eq!(store.rewatch_once(&quicker).await.unwrap(), Some(CASES));
        assert_eq!(store.rewatch_once(&quicker).await.unwrap(), None);
        let all = every(&cases, &quicker, today);
        for most in [50, all.len()] {
            let (near, more) = answered(&store, &quicker, today, most).await;
            let expected: Vec<_> = all.iter().take(most).cloned().collect();
            assert_eq!(near, expected, "{most} on {}", db.backend());
            assert_eq!(more, all.len() > most);
        }
    }
}
