//! Leads and case steps share commits: many at once, of many cases, each
//! written as it would be alone — a lead sent twice recorded once, numbers
//! in sequence with none skipped or given twice, every history chained, the
//! totals counting each — and a step racing another on the same case at the
//! same version refused without a trace.

use fazhi_cases::domain::{self, CaseRules, CaseStatus, NewLead, PartyKind};
use fazhi_cases::store::{Step, Store};
use fazhi_platform::ErrorKind;

pub(super) fn step(kind: &'static str) -> Step<'static> {
    Step {
        actor: "account:x",
        kind,
        detail: "{}".into(),
    }
}

pub(super) fn lead(id: String) -> domain::Case {
    domain::new_lead(
        NewLead {
            division_code: "411624100".into(),
            source: Some(domain::CaseSource::Inspection),
            party_kind: Some(PartyKind::Person),
            party_name: "王五".into(),
            facts: "违法建房".into(),
            act_on: Some("2026-02-01".parse().unwrap()),
            discovered_on: Some("2026-02-02".parse().unwrap()),
            ..NewLead::default()
        },
        id,
        "2026-03-01".parse().unwrap(),
    )
    .unwrap()
}

fn filed(lead: &domain::Case) -> domain::Case {
    let mut filed = lead.clone();
    filed.filed_on = Some("2026-02-03".parse().unwrap());
    filed.status = CaseStatus::Filed;
    filed.version += 1;
    filed
}

#[tokio::test]
async fn concurrent_steps_are_each_written_once_and_a_racing_step_leaves_nothing() {
    const CASES: usize = 48;
    const RACERS: usize = 4;
    let mut rules = CaseRules::default();
    rules.agencies.insert("411624100".into(), "老城镇".into());
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        // Every lead recorded at once, each sent twice (a retried request).
        let mut recording = tokio::task::JoinSet::new();
        for i in 0..CASES {
            for _ in 0..2 {
                let store = store.clone();
                let lead = lead(format!("case-{i:03}"));
                recording.spawn(async move { store.insert_lead(&lead, step("lead")).await });
            }
        }
        let mut leads = Vec::new();
        let mut again = 0;
        while let Some(joined) = recording.join_next().await {
            match joined.unwrap().unwrap() {
                (lead, true) => leads.push(lead),
                (_, false) => again += 1,
            }
        }
        assert_eq!((leads.len(), again), (CASES, CASES), "{}", db.backend());
        // Every case filed at once, each by RACERS steps from the same version.
        let mut racing = tokio::task::JoinSet::new();
        for lead in &leads {
            for _ in 0..RACERS {
                let (store, lead, rules) = (store.clone(), lead.clone(), rules.clone());
                racing.spawn(async move {
                    let outcome = store
                        .apply(&lead, &filed(&lead), step("filed"), &rules)
                        .await;
                    (lead.id, outcome)
                });
            }
        }
        let mut won = std::collections::BTreeMap::new();
        while let Some(joined) = racing.join_next().await {
            let (id, outcome) = joined.unwrap();
            match outcome {
                Ok(saved) => {
                    assert!(won.insert(id, saved).is_none(), "two steps won one race");
                }
                Err(refused) => assert_eq!(refused.kind, ErrorKind::Conflict, "{refused:?}"),
            }
        }
        assert_eq!(won.len(), CASES, "{}", db.backend());
        // Numbers 1..=CASES, each once, as stored.
        let mut numbers = Vec::new();
        for (id, saved) in &won {
            let stored = store.case(id).await.unwrap().unwrap();
            assert_eq!(stored, *saved);
            numbers.push(stored.proceedings.case_number.clone());
            let events = store.events(id).await.unwrap();
            assert_eq!(events.len(), 2, "{id}: the lead and one filing");
            let seal = store.history_seal(id).await.unwrap();
            domain::verify(&events, store.history_key(), seal.as_ref(), "filed").unwrap();
        }
        numbers.sort();
        let expected: Vec<String> = (1..=CASES)
            .map(|n| format!("老城镇罚立字〔2026〕第{n:03}号"))
            .collect();
        assert_eq!(numbers, expected, "{}", db.backend());
        let township = fazhi_platform::DivisionCode::parse("411624100").unwrap();
        let (from, to) = ("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap());
        let kept = store.figures(&township, from, to).await.unwrap();
        let recounted = store.figures_recounted(&township, from, to).await.unwrap();
        assert_eq!(
            (kept.leads, kept.filed),
            (CASES as i64, CASES as i64),
            "{}",
            db.backend()
        );
        assert_eq!(kept, recounted);
    }
}
