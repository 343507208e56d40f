//! Store behaviour on every configured backend (SQLite always, PostgreSQL when
//! `FAZHI_TEST_POSTGRES_URL` is set).

use chrono::{DateTime, Duration, Utc};
use fazhi_calendar::Calendar;
use fazhi_complaints::{
    domain::{self, Channel, Complaint, NewComplaint, ReplyRules, RequestType},
    store::{Cursor, Filter, Store},
};
use fazhi_platform::{DivisionCode, ErrorKind, time};

fn complaint(division: &str, received_at: DateTime<Utc>, channel: Channel) -> Complaint {
    let new = NewComplaint {
        channel,
        request_type: RequestType::Complaint,
        category: "illegal_construction".into(),
        content: "违法建房".into(),
        address: "西关村".into(),
        division_code: division.into(),
        complainant_name: Some("张三".into()),
        complainant_phone: Some("13812341234".into()),
        urgent: false,
        concerns_unit: None,
        concerns_officer: None,
    };
    domain::intake(
        new,
        received_at,
        &Calendar::official(),
        &ReplyRules::default(),
        uuid::Uuid::now_v7().to_string(),
        domain::new_tracking_code(),
    )
    .unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Complaints stored, counted from the rows themselves.
async fn rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM complaints")
        .fetch_one(store.database().pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stored_complaint_reads_back_unchanged() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let original = complaint(
            "411624100",
            at("2023-09-28T02:00:00.123456Z"),
            Channel::Mailbox,
        );
        store.insert(original.clone(), None).await.unwrap();
        let read = store.get(&original.id).await.unwrap();
        assert_eq!(read, Some(original), "{}", db.backend());
        assert_eq!(
            store.get("no-such-id").await.unwrap(),
            None,
            "{}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn a_reused_tracking_code_is_refused_without_failing_its_batch_neighbours() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let first = complaint("411624100", at("2023-11-01T02:00:00Z"), Channel::Web);
        store.insert(first.clone(), None).await.unwrap();

        let mut clash = complaint("411624100", at("2023-11-01T03:00:00Z"), Channel::Web);
        clash.tracking_code = first.tracking_code.clone();
        let neighbours: Vec<Complaint> = (0..20)
            .map(|i| {
                complaint(
                    "411624100",
                    at("2023-11-01T04:00:00Z") + Duration::seconds(i),
                    Channel::Web,
                )
            })
            .collect();

        let mut tasks = Vec::new();
        for c in neighbours.iter().cloned().chain([clash.clone()]) {
            let store = store.clone();
            tasks.push(tokio::spawn(async move { store.insert(c, None).await }));
        }
        let mut refused = Vec::new();
        for task in tasks {
            if let Err(err) = task.await.unwrap() {
                refused.push(err.kind);
            }
        }
        assert_eq!(refused, vec![ErrorKind::AlreadyExists], "{}", db.backend());
        for n in &neighbours {
            assert!(
                store.get(&n.id).await.unwrap().is_some(),
                "{}: neighbour lost",
                db.backend()
            );
        }
        assert!(
            store.get(&clash.id).await.unwrap().is_none(),
            "{}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn concurrent_inserts_are_all_committed() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let tasks: Vec<_> = (0..300)
            .map(|i| {
                let store = store.clone();
                let c = complaint(
                    "411624100",
                    at("2023-11-01T02:00:00Z") + Duration::seconds(i),
                    Channel::Hotline12345,
                );
                tokio::spawn(async move { store.insert(c, None).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(rows(&store).await, 300, "{}", db.backend());
    }
}

#[tokio::test]
async fn listing_pages_newest_first_within_a_division_and_period() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let start = at("2023-11-01T00:00:00Z");
        for i in 0..7 {
            store
                .insert(
                    complaint("411624100", start + Duration::hours(i), Channel::Web),
                    None,
                )
                .await
                .unwrap();
        }
        store
            .insert(complaint("411624101", start, Channel::Web), None)
            .await
            .unwrap();
        store
            .insert(complaint("411625100", start, Channel::Web), None)
            .await
            .unwrap();
        store
            .insert(
                complaint("411624100", start - Duration::days(30), Channel::Web),
                None,
            )
            .await
            .unwrap();

        let filter = Filter {
            division: Some(DivisionCode::parse("411624100").unwrap()),
            received_from: Some(start),
            received_to: Some(start + Duration::days(1)),
            due_between: None,
            viewer: None,
            ticket: None,
        };
        let mut seen = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let page = store.list(&filter, after.as_ref(), 3).await.unwrap();
            if page.is_empty() {
                break;
            }
            seen.extend(page.iter().map(|c| c.received_at));
            let last = page.last().unwrap();
            after = Some(Cursor {
                received_at: time::to_micros(last.received_at),
                id: last.id.clone(),
            });
        }
        let expected: Vec<_> = (0..7).rev().map(|i| start + Duration::hours(i)).collect();
        assert_eq!(seen, expected, "{}", db.backend());

        let county = Filter {
            division: Some(DivisionCode::parse("411624").unwrap()),
            ..Filter::default()
        };
        assert_eq!(
            store.list(&county, None, 100).await.unwrap().len(),
            9,
            "{}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn a_retried_request_id_returns_the_first_complaint_and_writes_nothing() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let first = complaint("411624100", at("2023-11-01T02:00:00Z"), Channel::Web);
        let retry = complaint("411624100", at("2023-11-01T02:00:01Z"), Channel::Web);
        let request = Some("r-1".to_owned());
        let stored = store.insert(first.clone(), request.clone()).await.unwrap();
        assert_eq!(stored, first, "{}", db.backend());
        let again = store.insert(retry.clone(), request).await.unwrap();
        assert_eq!(again, first, "{}: the first one comes back", db.backend());
        assert!(
            store.get(&retry.id).await.unwrap().is_none(),
            "{}",
            db.backend()
        );
        assert_eq!(rows(&store).await, 1, "{}", db.backend());
    }
}

#[tokio::test]
async fn concurrent_retries_of_one_request_leave_one_row() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                let c = complaint(
                    "411624100",
                    at("2023-11-01T02:00:00Z") + Duration::seconds(i),
                    Channel::Web,
                );
                tokio::spawn(async move { store.insert(c, Some("same".into())).await })
            })
            .collect();
        let mut ids = Vec::new();
        for task in tasks {
            ids.push(task.await.unwrap().unwrap().id);
        }
        ids.dedup();
        assert_eq!(
            ids.len(),
            1,
            "{}: every retry sees the same complaint",
            db.backend()
        );
        assert_eq!(rows(&store).await, 1, "{}", db.backend());
    }
}

#[tokio::test]
async fn a_complaint_is_found_by_its_tracking_code() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let c = complaint("411624100", at("2023-11-01T02:00:00Z"), Channel::Web);
        store.insert(c.clone(), None).await.unwrap();
        assert_eq!(
            store.get_by_tracking_code(&c.tracking_code).await.unwrap(),
            Some(c),
            "{}",
            db.backend()
        );
        assert_eq!(
            store.get_by_tracking_code("0000-0000-0000").await.unwrap(),
            None,
            "{}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn the_running_totals_of_concurrent_intake_equal_a_count_of_the_rows() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..400 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                // Two days and two townships, around China's midnight.
                let at = if i % 2 == 0 {
                    at("2024-05-01T15:59:59Z")
                } else {
                    at("2024-05-01T16:00:00Z")
                };
                let division = if i % 3 == 0 { "411624100" } else { "411624101" };
                let mut c = complaint(division, at, Channel::Hotline12345);
                c.urgent = i % 5 == 0;
                store.insert(c, None).await.unwrap();
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let day = |d: &str| d.parse::<chrono::NaiveDate>().unwrap();
        // What was put in: every complaint of the county, and the third of
        // them in 411624100; every fifth urgent.
        let (all, in_first) = (
            (0..400).collect::<Vec<i64>>(),
            (0..400).filter(|i| i % 3 == 0).collect::<Vec<i64>>(),
        );
        for (low, high, put) in [
            ("411624", "411625", all),
            ("411624100", "411624101", in_first),
        ] {
            let totals = store
                .figures(low, high, day("2024-01-01"), day("2024-12-31"))
                .await
                .unwrap();
            let urgent = put.iter().filter(|i| *i % 5 == 0).count() as i64;
            assert_eq!(totals["received"], put.len() as i64, "{}", db.backend());
            assert_eq!(totals["urgent"], urgent, "{}", db.backend());
        }
        // China's 1 May and 2 May each hold their own half.
        let first = store
            .figures("411624", "411625", day("2024-05-01"), day("2024-05-01"))
            .await
            .unwrap();
        assert_eq!(first["received"], 200, "{}", db.backend());
        // Both days, and beside them the first day's alone, in one pass.
        let (both, settled) = store
            .figures_settled(
                "411624",
                "411625",
                day("2024-05-01"),
                day("2024-05-02"),
                day("2024-05-01"),
            )
            .await
            .unwrap();
        assert_eq!(
            (both["received"], settled["received"]),
            (400, 200),
            "{}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn editors_racing_on_a_routing_list_get_one_version_and_conflicts() {
    use fazhi_complaints::domain::Route;
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let township = DivisionCode::parse("411624100").unwrap();
        let routes = vec![Route {
            category: "illegal_construction".into(),
            village: None,
            unit: township.clone(),
        }];
        let mut tasks = Vec::new();
        for n in 0..8 {
            let (store, township, routes) = (store.clone(), township.clone(), routes.clone());
            tasks.push(tokio::spawn(async move {
                store
                    .put_routing_list(&township, 0, &routes, &format!("editor-{n}"))
                    .await
            }));
        }
        let mut written = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(list) => {
                    assert_eq!(list.version, 1);
                    written += 1;
                }
                Err(err) => assert_eq!(err.kind, ErrorKind::Conflict, "{}: {err}", db.backend()),
            }
        }
        assert_eq!(written, 1, "{}", db.backend());
    }
}

#[tokio::test]
async fn a_complaints_timeline_refuses_update_and_delete() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let pool = store.database().pool();
        sqlx::query(
            "INSERT INTO complaint_events (complaint_id, seq, at, actor, kind, from_status, to_status, note, detail) \
             VALUES ('c1', 1, 0, 'account:desk', 'dispatched', 'received', 'dispatched', '', '{}')",
        )
        .execute(pool)
        .await
        .unwrap();
        let changed =
            sqlx::query("UPDATE complaint_events SET note = 'rewritten' WHERE complaint_id = 'c1'")
                .execute(pool)
                .await;
        assert!(changed.is_err(), "{}", db.backend());
        let removed = sqlx::query("DELETE FROM complaint_events WHERE complaint_id = 'c1'")
            .execute(pool)
            .await;
        assert!(removed.is_err(), "{}", db.backend());
    }
}

/// The list filter applies the domain's visibility rule in SQL: for every
/// caller and every report, a complaint is listed exactly when
/// `domain::visible` says the caller may see it.
#[tokio::test]
async fn the_list_filter_agrees_with_the_visibility_rule() {
    use fazhi_platform::auth::{Caller, Role};

    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let received = at("2026-03-02T02:00:00Z");
        let mut all = Vec::new();
        let units = [
            None,
            Some("411624"),
            Some("411624100"),
            Some("411624101"),
            Some("411624100201"),
        ];
        let officers = [
            None,
            Some("a.officer"),
            Some("Ａ.Officer"),
            Some("b.officer"),
        ];
        for (i, unit) in units.iter().enumerate() {
            for (j, officer) in officers.iter().enumerate() {
                for division in ["411624100", "411624101", "411624100201"] {
                    let mut new = NewComplaint {
                        channel: Channel::Web,
                        request_type: RequestType::Report,
                        category: "enforcement_conduct".into(),
                        content: "执法人员违规".into(),
                        address: "西关村".into(),
                        division_code: division.into(),
                        complainant_name: None,
                        complainant_phone: None,
                        urgent: false,
                        concerns_unit: unit.map(str::to_owned),
                        concerns_officer: officer.map(str::to_owned),
                    };
                    if unit.is_none() && officer.is_none() {
                        new.category = "illegal_construction".into();
                    }
                    let c = domain::intake(
                        new,
                        received + Duration::seconds((i * 100 + j * 10) as i64),
                        &Calendar::official(),
                        &ReplyRules::default(),
                        uuid::Uuid::now_v7().to_string(),
                        domain::new_tracking_code(),
                    )
                    .unwrap();
                    store.insert(c.clone(), None).await.unwrap();
                    all.push(c);
                }
            }
        }
        let callers = [
            ("account:a.officer", vec![Role::Officer], "411624100"),
            ("account:b.officer", vec![Role::Officer], "411624101"),
            ("account:t.staff", vec![Role::Staff], "411624100"),
            ("account:v.staff", vec![Role::Staff], "411624100201"),
            ("account:c.overseer", vec![Role::CountyOverseer], "411624"),
            ("account:admin", vec![Role::Admin], "411624"),
            ("oidc:A.OFFICER", vec![Role::Officer], "411624"),
        ];
        for (subject, roles, scope) in callers {
            let caller = Caller {
                subject: subject.into(),
                roles,
                scope: DivisionCode::parse(scope).unwrap(),
                source: None,
            };
            let filter = Filter {
                division: Some(caller.scope.clone()),
                viewer: Some(domain::Viewer::of(&caller)),
                ..Filter::default()
            };
            let mut listed: Vec<String> = store
                .list(&filter, None, 1_000)
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect();
            let mut expected: Vec<String> = all
                .iter()
                .filter(|c| caller.sees(&c.division_code) && domain::visible(&caller, c))
                .map(|c| c.id.clone())
                .collect();
            listed.sort();
            expected.sort();
            assert_eq!(listed, expected, "{subject} on {}", db.backend());
        }
    }
}

/// A report recorded before names were normalised on intake names its
/// officer as typed; opening the store brings it to the compared form, so
/// the list filter leaves it out for `a.officer` too.
#[tokio::test]
async fn an_officer_named_before_names_were_normalised_is_left_out_of_his_list() {
    use fazhi_platform::auth::{Caller, Role};
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let mut old = complaint("411624100", at("2026-03-02T02:00:00Z"), Channel::Web);
        old.category = "enforcement_conduct".into();
        store.insert(old.clone(), None).await.unwrap();
        sqlx::query("UPDATE complaints SET concerns_officer = 'Ａ.Officer' WHERE id = $1")
            .bind(old.id.clone())
            .execute(store.database().pool())
            .await
            .unwrap();
        store.database().close().await;
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let officer = Caller {
            subject: "account:a.officer".into(),
            roles: vec![Role::Officer],
            scope: DivisionCode::parse("411624100").unwrap(),
            source: None,
        };
        let filter = Filter {
            division: Some(officer.scope.clone()),
            viewer: Some(domain::Viewer::of(&officer)),
            ..Filter::default()
        };
        let listed = store.list(&filter, None, 10).await.unwrap();
        assert!(listed.iter().all(|c| c.id != old.id), "{}", db.backend());
    }
}

/// `step` taken on `c` at `at` through the store, as the service takes it.
async fn take(store: &Store, c: &Complaint, step: domain::Step, at: DateTime<Utc>) -> Complaint {
    merge(store, c, step, at, None).await
}

/// [`take`], a duplicate merged into `original` as read counted with it.
async fn merge(
    store: &Store,
    c: &Complaint,
    step: domain::Step,
    at: DateTime<Utc>,
    original: Option<&Complaint>,
) -> Complaint {
    advance(store, c, step, at, original, None).await
}

/// [`merge`], writing `message` with the step.
async fn advance(
    store: &Store,
    c: &Complaint,
    step: domain::Step,
    at: DateTime<Utc>,
    original: Option<&Complaint>,
    message: Option<&fazhi_complaints::store::outbox::Message>,
) -> Complaint {
    let (calendar, rules) = (Calendar::official(), ReplyRules::default());
    let after = domain::apply(c, &step, "", at, &calendar, &rules).unwrap();
    let mut bumps = fazhi_complaints::store::Bumps::default();
    bumps.step(c, &after, &step, at);
    if let Some(original) = original {
        bumps.merged(c, &after, original);
    }
    store
        .advance(
            c,
            &after,
            fazhi_complaints::store::workflow::Step {
                actor: "account:test",
                kind: step.kind(),
                note: "",
                detail: domain::replay::detail(&step, &after).to_string(),
                at,
                entered: None,
                by_platform: false,
            },
            bumps,
            message,
        )
        .await
        .unwrap();
    after
}

/// Every total of the county's 2025, zeros left out.
async fn totals(store: &Store) -> std::collections::BTreeMap<String, i64> {
    let day = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
    let mut sums = store
        .figures("411624", "411625", day("2025-01-01"), day("2025-12-31"))
        .await
        .unwrap();
    sums.retain(|_, n| *n != 0);
    sums
}

#[tokio::test]
async fn totals_kept_by_older_rules_are_rebuilt_once_from_the_timelines() {
    use domain::{NoVisit, ReturnReason, Satisfaction, Step};
    let (calendar, rules) = (Calendar::official(), ReplyRules::default());
    let unit = || DivisionCode::parse("411624100001").unwrap();
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        // A new store is counted by today's rules from the start.
        assert_eq!(
            store.recount_figures(&calendar, &rules).await.unwrap(),
            None
        );
        let mut day = at("2025-03-03T01:00:00Z");
        let mut next = || {
            day += Duration::hours(3);
            day
        };
        // Returned, dispatched again, extended, replied, visited
        // unsatisfied, reopened, replied again, visited, closed.
        let mut c = complaint("411624100", next(), Channel::Hotline12345);
        store.insert(c.clone(), None).await.unwrap();
        for step in [
            Step::Dispatch {
                unit: unit(),
                routing_version: None,
            },
            Step::Return {
                reason: ReturnReason::WrongUnit,
            },
            Step::Dispatch {
                unit: unit(),
                routing_version: None,
            },
            Step::Accept,
            Step::RequestExtension { working_days: 3 },
            Step::DecideExtension { approved: true },
            Step::Reply {
                text: "已处理".into(),
            },
            Step::FollowUp {
                resolved: false,
                satisfaction: Satisfaction::Unsatisfied,
            },
            Step::Reopen,
            Step::Reply {
                text: "已再次处理".into(),
            },
            Step::FollowUp {
                resolved: true,
                satisfaction: Satisfaction::Satisfied,
            },
            Step::Close {
                without_visit: None,
            },
        ] {
            c = take(&store, &c, step, next()).await;
        }
        // A repeat merged into it; one closed unvisited; one withdrawn.
        let repeat = complaint("411624100", next(), Channel::Hotline12345);
        store.insert(repeat.clone(), None).await.unwrap();
        let merging = Step::MarkDuplicate { of: c.id.clone() };
        merge(&store, &repeat, merging, next(), Some(&c)).await;
        let mut unvisited = complaint("411624101", next(), Channel::Mailbox);
        store.insert(unvisited.clone(), None).await.unwrap();
        for step in [
            Step::Dispatch {
                unit: unit(),
                routing_version: None,
            },
            Step::Accept,
            Step::Reply {
                text: "已处理".into(),
            },
            Step::Close {
                without_visit: Some(NoVisit::Declined),
            },
        ] {
            unvisited = take(&store, &unvisited, step, next()).await;
        }
        let gone = complaint("411624101", next(), Channel::Hotline12345);
        store.insert(gone.clone(), None).await.unwrap();
        take(&store, &gone, Step::Withdraw, next()).await;

        let kept = totals(&store).await;
        assert_eq!(
            (kept["received"], kept["replied"], kept["visited"]),
            (4, 3, 2),
            "{kept:?}"
        );
        // As if kept by older rules: the totals off and no marker.
        let pool = store.database().pool();
        sqlx::query("DELETE FROM complaint_figures_basis")
            .execute(pool)
            .await
            .unwrap();
        for table in ["complaint_figures", "complaint_figures_monthly"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE {table} SET n = n + 7")))
                .execute(pool)
                .await
                .unwrap();
        }
        assert_eq!(
            store.recount_figures(&calendar, &rules).await.unwrap(),
            Some(4)
        );
        assert_eq!(totals(&store).await, kept, "{}", db.backend());
        assert_eq!(
            store.recount_figures(&calendar, &rules).await.unwrap(),
            None
        );
    }
}

#[path = "store/months.rs"]
mod months;
#[path = "store/resend.rs"]
mod resend;
