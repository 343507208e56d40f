//! Store behaviour on every configured backend.

use chrono::NaiveDate;
use fazhi_platform::DivisionCode;
use fazhi_training::store::Store;

async fn person(store: &Store, id: &str, division: &str, section_level: bool, post: bool) {
    sqlx::query(
        "INSERT INTO people (id, division_code, name, id_number, unit, employment, section_level, enforcement_post, version) \
         VALUES ($1, $2, '执法人员', $3, '综合行政执法大队', 'civil_servant', $4, $5, 1)",
    )
    .bind(id.to_owned())
    .bind(division.to_owned())
    .bind(format!("ID-{id}"))
    .bind(i64::from(section_level))
    .bind(i64::from(post))
    .execute(store.database().pool())
    .await
    .unwrap();
}

async fn certificate(store: &Store, person: &str, status: &str, until: &str) {
    sqlx::query(
        "INSERT INTO certificates (id, number, person_id, issued_on, valid_until, status, version) \
         VALUES ($1, $2, $3, '2021-01-01', $4, $5, 1)",
    )
    .bind(format!("cert-{person}"))
    .bind(format!("41162410{person}"))
    .bind(person.to_owned())
    .bind(until.to_owned())
    .bind(status.to_owned())
    .execute(store.database().pool())
    .await
    .unwrap();
    // Every certificate has its dated history; this one had its status from issue.
    sqlx::query(
        "INSERT INTO certificate_history (certificate_id, seq, since, status) VALUES ($1, 1, '2021-01-01', $2)",
    )
    .bind(format!("cert-{person}"))
    .bind(status.to_owned())
    .execute(store.database().pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn holders_are_counted_by_the_dated_history_in_the_division_suspended_ones_included() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        person(&store, "a", "411624100", true, true).await;
        person(&store, "b", "411624100", false, true).await;
        person(&store, "c", "411624100", false, true).await;
        person(&store, "d", "411624100", false, false).await;
        person(&store, "e", "411625100", true, true).await;
        certificate(&store, "a", "active", "2026-01-01").await;
        certificate(&store, "b", "active", "2023-06-30").await; // expired by the count date
        certificate(&store, "c", "suspended", "2026-01-01").await;
        certificate(&store, "e", "active", "2026-01-01").await; // another township

        let township = DivisionCode::parse("411624100").unwrap();
        let counts = store
            .counts(
                Some(&township),
                NaiveDate::from_ymd_opt(2023, 12, 15).unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(counts.people, 4, "{}", db.backend());
        assert_eq!(counts.enforcement_staff, 3, "{}", db.backend());
        assert_eq!(
            counts.certificate_holders,
            2,
            "{}: a and c (suspended but held); b expired",
            db.backend()
        );
        assert_eq!(counts.certificate_holders_suspended, 1, "{}", db.backend());
        assert_eq!(
            counts.certificate_holders_section_level,
            1,
            "{}",
            db.backend()
        );

        let everyone = store
            .counts(None, NaiveDate::from_ymd_opt(2023, 12, 15).unwrap())
            .await
            .unwrap();
        assert_eq!(everyone.certificate_holders, 3, "{}", db.backend());
    }
}

mod records {
    use chrono::{Datelike, NaiveDate};
    use fazhi_platform::{
        DivisionCode, ErrorKind,
        auth::{Caller, Role},
    };
    use fazhi_training::{
        TrainingRules,
        domain::{
            self, Certificate, CertificateStatus, Employment, Exam, ExamKind, Person, ReviewOutcome,
        },
        store::Store,
    };

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn officer(n: usize) -> Person {
        let first17 = format!("41162419900101{n:03}");
        let check = domain::check_character(&first17).unwrap();
        Person {
            id: format!("p{n}"),
            division: DivisionCode::parse("411624100").unwrap(),
            name: "李四".into(),
            id_number: format!("{first17}{check}"),
            unit: "综合行政执法大队".into(),
            employment: Employment::CivilServant,
            rank: String::new(),
            rank_level: None,
            section_level: false,
            enforcement_post: true,
            joined_on: None,
            legal_qualification: None,
            version: 1,
            held_for: None,
        }
    }

    /// A township administrator of 411624100.
    pub fn clerk() -> Caller {
        Caller {
            subject: "account:clerk".into(),
            roles: vec![Role::Admin],
            scope: DivisionCode::parse("411624100").unwrap(),
            source: None,
        }
    }

    fn certificate(n: usize) -> Certificate {
        let issued_on = day("2022-04-01");
        Certificate {
            id: format!("c{n}"),
            number: format!("豫执{n:04}"),
            person_id: format!("p{n}"),
            issued_on,
            valid_until: domain::valid_until(issued_on, &TrainingRules::default()),
            status: CertificateStatus::Active,
            status_since: issued_on,
            version: 1,
            competence: domain::Competence {
                areas: vec![DivisionCode::parse("411624100").unwrap()],
                categories: vec![fazhi_platform::category::EnforcementCategory::Comprehensive],
            },
        }
    }

    #[tokio::test]
    async fn a_stale_version_is_refused_and_history_records_each_status_from_its_date() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            store
                .insert_people(&clerk(), &[(2, officer(1))])
                .await
                .unwrap();
            store.insert_certificates(&[certificate(1)]).await.unwrap();
            let first = store.certificate("c1").await.unwrap().unwrap();
            let suspended = store
                .set_status(&first, CertificateStatus::Suspended, day("2023-06-01"))
                .await
                .unwrap();
            assert_eq!(suspended.version, 2, "{}", db.backend());
            let err = store
                .set_status(&first, CertificateStatus::Revoked, day("2023-07-01"))
                .await
                .unwrap_err();
            assert_eq!(err.kind, ErrorKind::Conflict, "{}", db.backend());
            let history = store.history("c1").await.unwrap();
            let with_history = store.certificates_with_history("p1").await.unwrap();
            assert_eq!(with_history.len(), 1, "{}", db.backend());
            assert_eq!(with_history[0].0.version, 2);
            assert_eq!(with_history[0].1, history, "{}", db.backend());
            assert_eq!(
                history,
                vec![
                    (day("2022-04-01"), CertificateStatus::Active),
                    (day("2023-06-01"), CertificateStatus::Suspended)
                ],
                "{}",
                db.backend()
            );
        }
    }

    #[tokio::test]
    async fn leaving_the_post_cancels_every_certificate_in_force() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            store
                .insert_people(&clerk(), &[(2, officer(2))])
                .await
                .unwrap();
            store.insert_certificates(&[certificate(2)]).await.unwrap();
            let person = store.person("p2").await.unwrap().unwrap();
            let left = store.leave_post(&person, day("2023-08-01")).await.unwrap();
            assert!(!left.enforcement_post, "{}", db.backend());
            let held = store.certificates("p2").await.unwrap();
            assert_eq!(
                held[0].status,
                CertificateStatus::Cancelled,
                "{}: 注销, not a sanction",
                db.backend()
            );
            assert_eq!(held[0].status_since, day("2023-08-01"));
            assert_eq!(
                store
                    .leave_post(&person, day("2023-08-02"))
                    .await
                    .unwrap_err()
                    .kind,
                ErrorKind::Conflict,
                "{}: the person read is stale",
                db.backend()
            );
        }
    }

    #[tokio::test]
    async fn review_outcomes_keep_one_row_per_certificate_and_year() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            store
                .insert_people(&clerk(), &[(2, officer(3))])
                .await
                .unwrap();
            store.insert_certificates(&[certificate(3)]).await.unwrap();
            let scope = DivisionCode::parse("411624").unwrap();
            let cases = store
                .review_cases(&scope, 2023, day("2024-03-31"))
                .await
                .unwrap();
            assert_eq!(cases.len(), 1, "{}", db.backend());
            assert_eq!(cases[0].already, None);
            store
                .apply_reviews(
                    &[(cases[0].certificate.clone(), ReviewOutcome::Suspended)],
                    2023,
                    day("2023-12-20"),
                )
                .await
                .unwrap();
            let cases = store
                .review_cases(&scope, 2023, day("2024-03-31"))
                .await
                .unwrap();
            assert_eq!(
                cases[0].already,
                Some(ReviewOutcome::Suspended),
                "{}",
                db.backend()
            );
            assert_eq!(cases[0].certificate.status, CertificateStatus::Suspended);
            store
                .apply_reviews(
                    &[(cases[0].certificate.clone(), ReviewOutcome::Revoked)],
                    2023,
                    day("2023-12-28"),
                )
                .await
                .unwrap();
            assert_eq!(
                store.last_revocation("p3").await.unwrap(),
                Some(day("2023-12-28")),
                "{}: the re-issue bar counts from here",
                db.backend()
            );
            let figures = store
                .period_figures(&scope, day("2023-01-01"), day("2023-12-31"), 600)
                .await
                .unwrap();
            assert_eq!(
                (figures.review_takers, figures.review_passed),
                (0, 0),
                "{}: reviewed, but nobody sat the annual-review exam",
                db.backend()
            );
            store
                .insert_exam(&Exam {
                    id: "e3".into(),
                    division: DivisionCode::parse("411624100").unwrap(),
                    kind: ExamKind::AnnualReview,
                    title: "2023 年审考试".into(),
                    held_on: day("2023-11-10"),
                    pass_mark: 600,
                    excellent_mark: 900,
                    results: vec![("p3".into(), Some(500))],
                })
                .await
                .unwrap();
            let figures = store
                .period_figures(&scope, day("2023-01-01"), day("2023-12-31"), 600)
                .await
                .unwrap();
            assert_eq!(
                (figures.review_takers, figures.review_passed),
                (1, 0),
                "{}: a holder sat (and failed) the exam of 2023",
                db.backend()
            );
        }
    }

    #[tokio::test]
    async fn the_register_holds_an_id_number_once_and_a_township_holds_one_registration_of_it() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            store
                .insert_people(&clerk(), &[(2, officer(7))])
                .await
                .unwrap();
            let twin = |id: &str, division: &str, held_for: Option<&str>| Person {
                id: id.into(),
                division: DivisionCode::parse(division).unwrap(),
                held_for: held_for.map(str::to_owned),
                ..officer(7)
            };
            let on_register_twice = store
                .insert_person(&clerk(), &twin("p7b", "411624101", None))
                .await
                .unwrap_err();
            assert_eq!(
                (on_register_twice.kind, on_register_twice.code.as_str()),
                (ErrorKind::AlreadyExists, "id_number_exists"),
                "{}",
                db.backend()
            );
            let elsewhere = Caller {
                scope: DivisionCode::parse("411624101").unwrap(),
                ..clerk()
            };
            store
                .insert_person(&elsewhere, &twin("p7c", "411624101", Some("p7")))
                .await
                .unwrap();
            let held_twice = store
                .insert_person(&elsewhere, &twin("p7d", "411624101", Some("p7")))
                .await
                .unwrap_err();
            assert_eq!(held_twice.code, "id_number_exists", "{}", db.backend());
            assert_eq!(
                store
                    .person("p7c")
                    .await
                    .unwrap()
                    .unwrap()
                    .held_for
                    .as_deref(),
                Some("p7"),
                "{}",
                db.backend()
            );
            assert_eq!(
                fazhi_platform::db::audit::count(store.database(), "person.registration_held")
                    .await
                    .unwrap(),
                1,
                "{}: the held registration is in the service's audit log",
                db.backend()
            );
            let county = DivisionCode::parse("411624").unwrap();
            let counts = store
                .counts(Some(&county), day("2023-12-31"))
                .await
                .unwrap();
            assert_eq!(
                counts.people,
                1,
                "{}: one person, however registered",
                db.backend()
            );
        }
    }

    #[tokio::test]
    async fn the_years_review_case_holds_a_january_retake_and_make_up_training() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            store
                .insert_people(&clerk(), &[(2, officer(4))])
                .await
                .unwrap();
            store.insert_certificates(&[certificate(4)]).await.unwrap();
            let exam = |id: &str, held_on: &str, score: i64| Exam {
                id: id.into(),
                division: DivisionCode::parse("411624100").unwrap(),
                kind: ExamKind::AnnualReview,
                title: "年审考试".into(),
                held_on: day(held_on),
                pass_mark: 600,
                excellent_mark: 900,
                results: vec![("p4".into(), Some(score))],
            };
            store
                .insert_exam(&exam("y", "2023-11-10", 500))
                .await
                .unwrap();
            store
                .insert_exam(&exam("r", "2024-01-15", 800))
                .await
                .unwrap();
            store
                .insert_exam(&exam("late", "2024-04-02", 900))
                .await
                .unwrap();
            store
                .insert_session(&domain::Session {
                    id: "s".into(),
                    division: DivisionCode::parse("411624100").unwrap(),
                    topic: "补训".into(),
                    kind: domain::TrainingKind::InPerson,
                    held_on: day("2024-01-10"),
                    attendance: vec![("p4".into(), 80)],
                })
                .await
                .unwrap();
            let scope = DivisionCode::parse("411624").unwrap();
            let cases = store
                .review_cases(&scope, 2023, day("2024-03-31"))
                .await
                .unwrap();
            let held: Vec<&str> = cases[0]
                .sittings
                .iter()
                .map(|s| {
                    if s.held_on.year() == 2023 {
                        "2023"
                    } else {
                        "retake"
                    }
                })
                .collect();
            assert_eq!(
                held,
                ["2023", "retake"],
                "{}: April is past the cut-off",
                db.backend()
            );
            assert_eq!(cases[0].hours_tenths, 0, "{}", db.backend());
            assert_eq!(
                cases[0].makeup,
                vec![(day("2024-01-10"), 80)],
                "{}",
                db.backend()
            );
        }
    }
}

/// The migration that let registrations be held rebuilt `people` on SQLite:
/// a database written before it keeps its rows and its references.
#[tokio::test]
async fn people_recorded_before_held_registrations_keep_their_certificates_and_references() {
    for db in fazhi_testkit::databases().await {
        let before = fazhi_platform::db::Database::open(
            db.url(),
            db.data_dir(),
            "training",
            &fazhi_training::store::MIGRATIONS[..3],
        )
        .await
        .unwrap();
        let store = Store::from_database(before);
        person(&store, "a", "411624100", true, true).await;
        certificate(&store, "a", "active", "2026-01-01").await;
        store.database().close().await;

        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let a = store
            .person("a")
            .await
            .unwrap()
            .expect("the person survives");
        assert_eq!(
            (a.id_number.as_str(), a.held_for),
            ("ID-a", None),
            "{}",
            db.backend()
        );
        assert_eq!(
            store.certificates("a").await.unwrap().len(),
            1,
            "{}",
            db.backend()
        );
        let dangling = sqlx::query(
            "INSERT INTO certificates (id, number, person_id, issued_on, valid_until, status, version) \
             VALUES ('x', 'x', 'nobody', '2021-01-01', '2026-01-01', 'active', 1)",
        )
        .execute(store.database().pool())
        .await;
        assert!(
            dangling.is_err(),
            "{}: references are still checked",
            db.backend()
        );
        let again = sqlx::query(
            "INSERT INTO people (id, division_code, name, id_number, unit, employment, section_level, enforcement_post, version) \
             VALUES ('b', '411624100', '执法人员', 'ID-a', '综合行政执法大队', 'civil_servant', 0, 1, 1)",
        )
        .execute(store.database().pool())
        .await;
        assert!(
            again.is_err(),
            "{}: the register holds ID-a once",
            db.backend()
        );
    }
}

/// A revocation by hand (for misconduct) bars re-issue as one by review does.
#[tokio::test]
async fn a_revocation_for_misconduct_starts_the_reissue_bar_too() {
    use fazhi_training::domain::CertificateStatus;
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        person(&store, "m", "411624100", false, true).await;
        certificate(&store, "m", "active", "2026-01-01").await;
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        assert_eq!(
            store.last_revocation("m").await.unwrap(),
            None,
            "{}",
            db.backend()
        );
        let held = store.certificates("m").await.unwrap().remove(0);
        store
            .set_status(&held, CertificateStatus::Revoked, day("2024-05-06"))
            .await
            .unwrap();
        assert_eq!(
            store.last_revocation("m").await.unwrap(),
            Some(day("2024-05-06")),
            "{}",
            db.backend()
        );
    }
}

/// Enforcement staff are counted as of the day: in post unless they had left it.
#[tokio::test]
async fn enforcement_staff_are_counted_as_of_the_day_asked() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        person(&store, "stays", "411624100", false, true).await;
        person(&store, "left", "411624100", false, true).await;
        let left = store.person("left").await.unwrap().unwrap();
        store
            .leave_post(&left, "2024-03-01".parse().unwrap())
            .await
            .unwrap();
        let township = DivisionCode::parse("411624100").unwrap();
        let on = |day: &str| {
            let store = store.clone();
            let township = township.clone();
            let day: NaiveDate = day.parse().unwrap();
            async move {
                let c = store.counts(Some(&township), day).await.unwrap();
                (c.people, c.enforcement_staff)
            }
        };
        assert_eq!(
            on("2023-12-31").await,
            (2, 2),
            "{}: both in post then",
            db.backend()
        );
        assert_eq!(
            on("2024-06-01").await,
            (2, 1),
            "{}: left has left the post",
            db.backend()
        );
    }
}

/// A later suspension or revocation never changes a past period's figures.
#[tokio::test]
async fn a_past_periods_holders_come_from_the_history_as_of_then() {
    use fazhi_training::domain::CertificateStatus;
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        person(&store, "h", "411624100", true, true).await;
        certificate(&store, "h", "active", "2026-01-01").await;
        let township = DivisionCode::parse("411624100").unwrap();
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        let holders = |on: &'static str| {
            let store = store.clone();
            let township = township.clone();
            async move {
                let c = store.counts(Some(&township), day(on)).await.unwrap();
                (c.certificate_holders, c.certificate_holders_suspended)
            }
        };
        let held = store.certificates("h").await.unwrap().remove(0);
        let suspended = store
            .set_status(&held, CertificateStatus::Suspended, day("2024-01-10"))
            .await
            .unwrap();
        assert_eq!(holders("2023-12-31").await, (1, 0), "{}", db.backend());
        assert_eq!(holders("2024-02-01").await, (1, 1), "{}", db.backend());
        store
            .set_status(&suspended, CertificateStatus::Revoked, day("2024-03-01"))
            .await
            .unwrap();
        assert_eq!(
            holders("2023-12-31").await,
            (1, 0),
            "{}: 2023 is as it was",
            db.backend()
        );
        assert_eq!(holders("2024-03-01").await, (0, 0), "{}", db.backend());
    }
}

#[path = "store/grouped.rs"]
mod grouped;
