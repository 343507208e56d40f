//! The running totals against a recount from the cases: many cases taken
//! through random steps — filed, notified, decided of every kind, on the
//! spot, served, paid in parts, closed, declined, terminated, recorded on
//! video — each dated in the past as a township enters its paper; after
//! them, every division's figures for every period read from the totals
//! equal the figures counted afresh from the cases' rows.

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_cases::domain::{
    self, Case, CaseRules, Certification, Collection, DecisionKind, NewLead, PartyKind, Penalty,
    PowerItem, PowerKind, PowerSource, Record, RecordKind, RecordStep, ServiceMethod,
};
use fazhi_cases::store::{Step, Store};
use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::{DivisionCode, db::Grouping};

/// A small deterministic generator (xorshift), seeded per run.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

const TOWNSHIPS: [&str; 3] = ["411624100", "411624101", "411624102"];

fn item() -> PowerItem {
    PowerItem {
        id: "i1".into(),
        code: "330217001000".into(),
        name: "对未取得乡村建设规划许可证进行建设的行政处罚".into(),
        legal_basis: "《中华人民共和国城乡规划法》第六十五条".into(),
        kind: PowerKind::Penalty,
        source: PowerSource::Own,
        category: EnforcementCategory::Comprehensive,
        effective_from: day("2020-01-01"),
        effective_to: None,
        holders: vec![DivisionCode::parse("411624").unwrap()],
        version: 1,
    }
}

fn video(case: &Case, n: usize) -> Record {
    Record {
        id: format!("r{n}"),
        case_id: case.id.clone(),
        kind: RecordKind::Video,
        step: RecordStep::Inspection,
        sha256: "a".repeat(64),
        size_bytes: 1024,
        location: format!("records/{n}"),
        recorded_by: "o1".into(),
        device: "执法记录仪".into(),
        recorded_at: "2025-01-01T02:00:00Z".parse().unwrap(),
        content_stored_at: None,
        content_key: None,
    }
}

/// One case through a random prefix of its steps, each stored.
#[allow(unused_assignments)]
async fn walk(store: &Store, n: usize, dice: &mut Dice) {
    let today = day("2026-11-30");
    let (calendar, rules, item) = (Calendar::official(), CaseRules::default(), item());
    let officers = [
        ("o1".to_owned(), Certification::Certified),
        ("o2".to_owned(), Certification::Certified),
    ];
    let discovered = day("2024-01-02") + Days::new(dice.below(600));
    let lead = domain::new_lead(
        NewLead {
            division_code: TOWNSHIPS[n % TOWNSHIPS.len()].into(),
            source: Some(domain::CaseSource::Inspection),
            party_kind: Some(PartyKind::Person),
            party_name: "王五".into(),
            party_id_number: "11010519491231002X".into(),
            facts: "违法建房".into(),
            act_on: Some(discovered - Days::new(5)),
            discovered_on: Some(discovered),
            ..NewLead::default()
        },
        format!("case-{n:04}"),
        today,
    )
    .unwrap();
    let step = |kind: &'static str| Step {
        actor: "account:x",
        kind,
        detail: "{}".into(),
    };
    let (mut case, _) = store.insert_lead(&lead, step("lead")).await.unwrap();
    let mut on = discovered;
    let later = |on: &mut NaiveDate, dice: &mut Dice| {
        *on = *on + Days::new(1 + dice.below(20));
        *on
    };
    let mut records = 0;
    // Each step, if the rules allow it, stored; the walk ends at the first refused.
    macro_rules! take {
        ($kind:literal, $next:expr) => {{
            let Ok(next) = $next else { return };
            case = store
                .apply(&case, &next, step($kind), &rules)
                .await
                .unwrap();
        }};
    }
    if dice.chance(15) {
        let d = later(&mut on, dice);
        take!("declined", domain::decline(&case, d, today));
        return;
    }
    if dice.chance(15) {
        let fine = Penalty {
            fine_fen: 100 * (1 + dice.below(200) as i64),
            ..Penalty::default()
        };
        let d = later(&mut on, dice);
        take!(
            "decided_on_the_spot",
            domain::decide_on_the_spot(
                &case,
                &item,
                &officers,
                fine,
                "豫A0001",
                Collection::Later,
                d,
                today
            )
        );
        return;
    }
    let d = later(&mut on, dice);
    take!(
        "filed",
        domain::file(&case, &item, &officers, false, d, today)
    );
    if dice.chance(30) {
        records += 1;
        store
            .insert_record(&case, &video(&case, n * 10 + records), step("record"))
            .await
            .unwrap();
    }
    if dice.chance(10) {
        let d = later(&mut on, dice);
        take!("terminated", domain::terminate(&case, d, today));
        return;
    }
    let kind = [
        DecisionKind::Penalty,
        DecisionKind::Penalty,
        DecisionKind::Dismissed,
        DecisionKind::Transferred,
    ][dice.below(4) as usize];
    let penalty = Penalty {
        fine_fen: 100_000 * (1 + dice.below(3) as i64),
        ..Penalty::default()
    };
    if kind == DecisionKind::Penalty {
        let d = later(&mut on, dice);
        take!(
            "notified",
            domain::notify(&case, penalty, d, today, &calendar, &rules)
        );
        on = on + Days::new(10);
    }
    let decided = match kind {
        DecisionKind::Penalty => penalty,
        _ => Penalty::default(),
    };
    let d = later(&mut on, dice);
    take!(
        "decided",
        domain::decide(&case, kind, decided, d, today, &rules)
    );
    if kind != DecisionKind::Penalty {
        return;
    }
    // Left with the party (留置送达): a step that needs its video, registered first.
    let mut shown = Vec::new();
    let method = if dice.chance(30) {
        records += 1;
        let mut record = video(&case, n * 10 + records);
        record.step = RecordStep::Service;
        store
            .insert_record(&case, &record, step("record"))
            .await
            .unwrap();
        shown.push(record);
        ServiceMethod::LeftWithWitness
    } else if dice.chance(20) {
        ServiceMethod::Post
    } else {
        ServiceMethod::InPerson
    };
    let d = later(&mut on, dice);
    take!(
        "served",
        domain::serve(&case, method, false, d, today, &calendar, &rules, &shown)
    );
    if dice.chance(20) {
        records += 1;
        store
            .insert_record(&case, &video(&case, n * 10 + records), step("record"))
            .await
            .unwrap();
    }
    while case.proceedings.payment.is_none() && dice.chance(80) {
        let owed = decided.fine_fen - case.proceedings.fine_paid_fen();
        let part = if dice.chance(50) { owed } else { owed / 2 };
        let d = later(&mut on, dice);
        let charge = domain::late_charge_due(&case, d);
        take!(
            "paid",
            domain::record_payment(&case, part + charge, None, "", d, today)
        );
    }
    if case.proceedings.payment.is_some() && dice.chance(70) {
        let d = later(&mut on, dice);
        take!("closed", domain::close(&case, d, today));
    }
}

#[tokio::test]
async fn the_running_totals_equal_a_recount_from_the_cases_after_random_steps() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
        for n in 0..300 {
            walk(&store, n, &mut dice).await;
        }
        let periods = [
            ("2024-01-01", "2024-12-31"),
            ("2025-01-01", "2025-12-31"),
            ("2024-03-01", "2024-03-31"),
            ("2020-01-01", "2026-11-30"),
        ];
        let mut checked = 0;
        for division in ["411624", TOWNSHIPS[0], TOWNSHIPS[1], "411624102"] {
            let division = DivisionCode::parse(division).unwrap();
            for (from, to) in periods {
                let kept = store.figures(&division, day(from), day(to)).await.unwrap();
                let recounted = store
                    .figures_recounted(&division, day(from), day(to))
                    .await
                    .unwrap();
                assert_eq!(kept, recounted, "{} {division} {from}..{to}", db.backend());
                checked += 1;
            }
        }
        // Every township at once, from one grouped read over the totals,
        // equals each township's own recount.
        let county = DivisionCode::parse("411624").unwrap();
        for (from, to) in periods {
            let mut grouped = store
                .figures_grouped(&county, day(from), day(to), Grouping::Townships)
                .await
                .unwrap();
            for township in TOWNSHIPS {
                let recounted = store
                    .figures_recounted(&DivisionCode::parse(township).unwrap(), day(from), day(to))
                    .await
                    .unwrap();
                assert_eq!(
                    grouped.remove(township).unwrap_or_default(),
                    recounted,
                    "{} {township} {from}..{to}, grouped",
                    db.backend()
                );
                checked += 1;
            }
            assert!(grouped.is_empty(), "only the townships: {grouped:?}");
        }
        let all = store
            .figures(
                &DivisionCode::parse("411624").unwrap(),
                day("2020-01-01"),
                day("2026-11-30"),
            )
            .await
            .unwrap();
        assert!(
            all.filed > 100 && all.penalty_decisions > 20 && all.fines_collected_fen > 0,
            "the walk reached every kind of step: {all:?}"
        );
        assert!(
            all.recorded > 0 && all.simple_decisions > 0 && all.not_filed > 0 && all.terminated > 0,
            "{all:?}"
        );
        assert_eq!(checked, 28);
    }
}

#[tokio::test]
async fn totals_missing_from_an_older_store_are_rebuilt_once_at_start() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let mut dice = Dice(42);
        for n in 0..60 {
            walk(&store, n, &mut dice).await;
        }
        let county = DivisionCode::parse("411624").unwrap();
        let (from, to) = (day("2020-01-01"), day("2026-11-30"));
        let before = store.figures(&county, from, to).await.unwrap();
        // As a store from before the totals: none kept, no marker.
        store.forget_totals().await.unwrap();
        assert_eq!(store.figures(&county, from, to).await.unwrap().filed, 0);
        assert_eq!(store.rebuild_totals_once().await.unwrap(), Some(60));
        assert_eq!(store.rebuild_totals_once().await.unwrap(), None);
        assert_eq!(store.figures(&county, from, to).await.unwrap(), before);
    }
}
