//! Store behaviour on every configured backend.

use chrono::{DateTime, Utc};
use fazhi_cases::domain::CaseRules;
use fazhi_cases::store::Store;
use fazhi_platform::{DivisionCode, time};

/// A case whose lead came in at `lead_at`, reaching `stage` (0 lead, 1 filed,
/// 2 decided, 3 closed) on the lead's own day.
async fn case(store: &Store, id: &str, division: &str, lead_at: &str, stage: u8) {
    let lead: DateTime<Utc> = lead_at.parse().unwrap();
    let day = time::china_date(lead).to_string();
    let at = |reached: bool| reached.then(|| time::to_micros(lead));
    let on = |reached: bool| if reached { day.clone() } else { String::new() };
    sqlx::query(
        "INSERT INTO cases (id, division_code, status, lead_at, filed_at, decided_at, closed_at, version, \
           filed_on, decided_on, decided_on_time, days_to_filing, days_to_decision, fine_fen) \
         VALUES ($1, $2, 'lead', $3, $4, $5, $6, 1, $7, $8, 1, $9, $10, 10000)",
    )
    .bind(id.to_owned())
    .bind(division.to_owned())
    .bind(time::to_micros(lead))
    .bind(at(stage >= 1))
    .bind(at(stage >= 2))
    .bind(at(stage >= 3))
    .bind(on(stage >= 1))
    .bind(on(stage >= 2))
    .bind((stage >= 1).then_some(4_i64))
    .bind((stage >= 2).then_some(30_i64))
    .execute(store.database().pool())
    .await
    .unwrap();
}

/// The rows' own days, as the recount reads them (the running totals are
/// checked against the recount in `totals`).
#[tokio::test]
async fn figures_cover_the_division_and_period_each_by_its_own_day() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        case(&store, "1", "411624100", "2023-03-01T00:00:00Z", 0).await;
        case(&store, "2", "411624100", "2023-04-01T00:00:00Z", 1).await;
        case(&store, "3", "411624100001", "2023-05-01T00:00:00Z", 2).await;
        case(&store, "4", "411624100", "2023-06-01T00:00:00Z", 3).await;
        case(&store, "5", "411624100", "2024-02-01T00:00:00Z", 3).await; // next year
        case(&store, "6", "411625100", "2023-06-01T00:00:00Z", 3).await; // another county
        // Late on 31 December UTC is already 1 January in China: next year.
        case(&store, "7", "411624100", "2023-12-31T20:00:00Z", 3).await;

        let township = DivisionCode::parse("411624100").unwrap();
        let year = |y: i32| {
            (
                chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap(),
            )
        };
        let (from, to) = year(2023);
        let f = store.figures_recounted(&township, from, to).await.unwrap();
        assert_eq!(
            (f.leads, f.filed, f.decided, f.decided_on_time, f.closed),
            (4, 3, 2, 2, 1),
            "{}",
            db.backend()
        );
        assert_eq!((f.avg_days_to_filing, f.avg_days_to_decision), (4.0, 30.0));
        assert_eq!(f.fines_imposed_fen, 20_000);
        let (from, to) = year(2024);
        let f = store.figures_recounted(&township, from, to).await.unwrap();
        assert_eq!(
            (f.leads, f.filed, f.decided, f.closed),
            (2, 2, 2, 2),
            "{}",
            db.backend()
        );
    }
}

/// The attack on evidence: an upload that fails part-way while another to
/// the same record completes. Each upload writes an object of its own, so
/// the failing one removes only what it wrote and the stored content stays
/// whole and readable.
#[tokio::test]
async fn a_failing_upload_never_touches_content_another_upload_stored() {
    use bytes::Bytes;
    use fazhi_cases::content::{ContentSettings, ContentStore, Expected};
    use futures::StreamExt;
    use sha2::Digest;

    let dir = tempfile::tempdir().unwrap();
    let store = ContentStore::open(&ContentSettings::default(), dir.path()).unwrap();
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let sha256: String = sha2::Sha256::digest(&content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let expected = Expected {
        size_bytes: content.len() as i64,
        sha256: &sha256,
    };

    // The failing upload starts first and sends half of the content.
    let (send, receive) =
        tokio::sync::mpsc::unbounded_channel::<Result<Bytes, fazhi_platform::Error>>();
    send.send(Ok(Bytes::copy_from_slice(&content[..100_000])))
        .unwrap();
    let pieces = futures::stream::unfold(receive, |mut receive| async move {
        receive.recv().await.map(|piece| (piece, receive))
    });
    let failing = {
        let store = store.clone();
        let sha256 = sha256.clone();
        let size = content.len() as i64;
        tokio::spawn(async move {
            let expected = Expected {
                size_bytes: size,
                sha256: &sha256,
            };
            store
                .put("case-1", "record-1", expected, pieces.boxed())
                .await
        })
    };
    // The other completes.
    let whole = futures::stream::iter([Ok(Bytes::from(content.clone()))]);
    let key = store
        .put("case-1", "record-1", expected, whole.boxed())
        .await
        .unwrap();
    // Then the first ends short.
    drop(send);
    let failed = failing.await.unwrap().unwrap_err();
    assert_eq!(failed.code, "content_size_mismatch");

    let mut read = store
        .get("case-1", "record-1", Some(&key), expected)
        .await
        .expect("the stored content is still there and checks out");
    let mut back = Vec::new();
    while let Some(piece) = read.next().await {
        back.extend_from_slice(&piece.unwrap());
    }
    assert_eq!(back, content);
}

/// A history hashed before the chain was keyed is sealed, as it stands,
/// when the store first opens with the key: it verifies up to its seal,
/// a change to it afterwards is found, and new steps are keyed.
#[tokio::test]
async fn a_history_from_before_the_key_is_sealed_and_still_checked() {
    use fazhi_cases::domain::{self, Event, HistoryKey};
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        case(&store, "old", "411624100", "2023-03-01T00:00:00Z", 1).await;
        let key = HistoryKey::new("the deployment's history key, long enough");
        let mut events: Vec<Event> = Vec::new();
        for (kind, from, to) in [("lead_recorded", "", "lead"), ("filed", "lead", "filed")] {
            let mut event = Event::next(
                &key,
                events.last(),
                "old",
                1,
                "account:x",
                kind,
                from,
                to,
                "{}".into(),
            );
            event.hash = event.unkeyed_hash();
            events.push(event);
        }
        for e in &events {
            sqlx::query(
                "INSERT INTO case_events (case_id, seq, at, actor, kind, from_status, to_status, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(e.case_id.clone())
            .bind(e.seq)
            .bind(e.at)
            .bind(e.actor.clone())
            .bind(e.kind.clone())
            .bind(e.from_status.clone())
            .bind(e.to_status.clone())
            .bind(e.detail.clone())
            .bind(e.prev_hash.clone())
            .bind(e.hash.clone())
            .execute(store.database().pool())
            .await
            .unwrap();
        }
        // Without a seal, an unkeyed history vouches for nothing.
        let stored = store.events("old").await.unwrap();
        assert_eq!(
            domain::verify(&stored, &key, None, "filed")
                .unwrap_err()
                .seq,
            1
        );

        let keyed = Store::open_keyed(db.url(), db.data_dir(), key.clone())
            .await
            .unwrap();
        let seal = keyed.history_seal("old").await.unwrap().expect("sealed");
        assert_eq!(seal.seq, 2, "{}", db.backend());
        assert_eq!(domain::verify(&stored, &key, Some(&seal), "filed"), Ok(()));
        // Sealing again seals nothing more.
        assert_eq!(keyed.seal_unkeyed_histories().await.unwrap(), 0);
        // A sealed event changed and re-hashed the old way is found.
        let mut changed = stored.clone();
        changed[0].actor = "account:someone".into();
        changed[0].hash = changed[0].unkeyed_hash();
        changed[1].prev_hash = changed[0].hash.clone();
        changed[1].hash = changed[1].unkeyed_hash();
        assert!(domain::verify(&changed, &key, Some(&seal), "filed").is_err());
    }
}

/// A lead escalated from a complaint is recorded once, whatever the
/// retries; a step written against a version someone else moved is refused
/// and leaves the case and its history as they were.
#[tokio::test]
async fn a_complaints_lead_is_recorded_once_and_a_lost_race_writes_nothing() {
    use fazhi_cases::domain::{self, CaseSource, NewLead, PartyKind};
    use fazhi_cases::store::Step;

    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let today: chrono::NaiveDate = "2026-03-01".parse().unwrap();
        let lead = |id: &str| {
            domain::new_lead(
                NewLead {
                    division_code: "411624100".into(),
                    source: Some(CaseSource::Complaint),
                    complaint_id: Some("complaint-1".into()),
                    party_kind: Some(PartyKind::Person),
                    party_name: "王五".into(),
                    facts: "违法建房".into(),
                    act_on: Some("2026-02-01".parse().unwrap()),
                    ..NewLead::default()
                },
                id.into(),
                today,
            )
            .unwrap()
        };
        let step = || Step {
            actor: "service:complaints",
            kind: "lead_recorded",
            detail: "{}".into(),
        };
        let (first, created) = store.insert_lead(&lead("case-1"), step()).await.unwrap();
        assert!(created);
        let (again, created) = store.insert_lead(&lead("case-2"), step()).await.unwrap();
        assert!(!created, "{}", db.backend());
        assert_eq!(again.id, first.id);

        // A lead recorded by hand under an id it was given before (the
        // caller's request retried after its answer was lost) is the first.
        let mut by_hand = lead("case-by-hand");
        by_hand.complaint_id = None;
        by_hand.source = CaseSource::Inspection;
        let (recorded, created) = store.insert_lead(&by_hand, step()).await.unwrap();
        assert!(created);
        let mut retried = by_hand.clone();
        retried.facts = "重试".into();
        let (again, created) = store.insert_lead(&retried, step()).await.unwrap();
        assert!(!created, "{}", db.backend());
        assert_eq!(
            (again.id.as_str(), again.facts.as_str()),
            (recorded.id.as_str(), "违法建房")
        );
        assert_eq!(store.events(&recorded.id).await.unwrap().len(), 1);

        // Two writers read version 1; the second to write loses.
        let mut moved = first.clone();
        moved.version += 1;
        let write = |kind: &'static str| Step {
            actor: "account:x",
            kind,
            detail: "{}".into(),
        };
        store
            .apply(&first, &moved, write("noted"), &CaseRules::default())
            .await
            .unwrap();
        let lost = store
            .apply(&first, &moved, write("noted_again"), &CaseRules::default())
            .await
            .unwrap_err();
        assert_eq!(lost.code, "version_conflict", "{}", db.backend());
        let kinds: Vec<String> = store
            .events(&first.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, vec!["lead_recorded", "noted"], "{}", db.backend());
    }
}

/// 案号 run in sequence per agency and year, taken in the filing's own
/// transaction: none skipped, none given twice, a new year starting at one.
#[tokio::test]
async fn case_numbers_run_per_agency_and_year() {
    use fazhi_cases::domain::{self, NewLead, PartyKind};
    use fazhi_cases::store::Step;

    let mut rules = CaseRules::default();
    rules.agencies.insert("411624100".into(), "老城镇".into());
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let step = |kind: &'static str| Step {
            actor: "account:x",
            kind,
            detail: "{}".into(),
        };
        let mut numbers = Vec::new();
        for (i, (division, filed_on)) in [
            ("411624100", "2025-12-30"),
            ("411624100", "2025-12-31"),
            ("411624200", "2025-12-31"),
            ("411624100", "2026-01-02"),
        ]
        .into_iter()
        .enumerate()
        {
            let lead = domain::new_lead(
                NewLead {
                    division_code: division.into(),
                    source: Some(domain::CaseSource::Inspection),
                    party_kind: Some(PartyKind::Person),
                    party_name: "王五".into(),
                    facts: "违法建房".into(),
                    act_on: Some("2025-12-01".parse().unwrap()),
                    discovered_on: Some("2025-12-02".parse().unwrap()),
                    ..NewLead::default()
                },
                format!("case-{i}"),
                "2026-03-01".parse().unwrap(),
            )
            .unwrap();
            let (lead, _) = store.insert_lead(&lead, step("lead")).await.unwrap();
            let mut filed = lead.clone();
            filed.filed_on = Some(filed_on.parse().unwrap());
            filed.status = domain::CaseStatus::Filed;
            filed.version += 1;
            let saved = store
                .apply(&lead, &filed, step("filed"), &rules)
                .await
                .unwrap();
            let stored = store.case(&lead.id).await.unwrap().unwrap();
            assert_eq!(
                stored.proceedings.case_number,
                saved.proceedings.case_number
            );
            numbers.push(saved.proceedings.case_number);
        }
        assert_eq!(
            numbers,
            [
                "老城镇罚立字〔2025〕第001号",
                "老城镇罚立字〔2025〕第002号",
                "411624200罚立字〔2025〕第001号",
                "老城镇罚立字〔2026〕第001号",
            ],
            "{}",
            db.backend()
        );
    }
}

#[path = "store/totals.rs"]
mod totals;

#[path = "store/grouped.rs"]
mod grouped;

#[path = "store/watch.rs"]
mod watch;
