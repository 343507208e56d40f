//! Every township's figures from one grouped read equal each township's own:
//! people who move, hold a second registration, join late, leave their post,
//! hold certificates suspended and revoked on dated days, attend, sit exams,
//! are reviewed, and outreach held in villages.

use chrono::NaiveDate;
use fazhi_platform::{DivisionCode, db::Grouping};
use fazhi_training::store::Store;

const TOWNSHIPS: [&str; 3] = ["411624100", "411624101", "411624102"];
/// Where a record can sit: a township or a village under one.
const PLACES: [&str; 5] = [
    "411624100",
    "411624100201",
    "411624101",
    "411624102",
    "411624102203",
];

/// A fixed sequence of dice throws, so a failure is reproducible.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn day(&mut self) -> String {
        let first = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        (first + chrono::Days::new(self.below(730))).to_string()
    }

    fn place(&mut self) -> &'static str {
        PLACES[self.below(PLACES.len() as u64) as usize]
    }
}

async fn run(store: &Store, sql: &str, binds: &[String]) {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for bind in binds {
        query = query.bind(bind.clone());
    }
    query.execute(store.database().pool()).await.unwrap();
}

async fn seed(store: &Store, dice: &mut Dice) {
    let people = 80;
    for n in 0..people {
        let place = dice.place();
        let joined = if dice.below(3) == 0 {
            dice.day()
        } else {
            String::new()
        };
        let left = if dice.below(5) == 0 {
            dice.day()
        } else {
            String::new()
        };
        run(
            store,
            "INSERT INTO people (id, division_code, name, id_number, unit, employment, section_level, \
               enforcement_post, version, joined_on, left_post_on) \
             VALUES ($1, $2, '执法人员', $3, '综合行政执法大队', 'civil_servant', \
               CAST($4 AS BIGINT), CAST($5 AS BIGINT), 1, $6, $7)",
            &[
                format!("p{n}"),
                place.into(),
                format!("ID-{n}"),
                dice.below(2).to_string(),
                u64::from(left.is_empty() && dice.below(4) != 0).to_string(),
                joined,
                left,
            ],
        )
        .await;
        // Some move once or twice, back-dated.
        for seq in 1..=dice.below(3) {
            run(
                store,
                "INSERT INTO person_moves (person_id, moved_on, seq, from_division, to_division) \
                 VALUES ($1, $2, CAST($3 AS BIGINT), $4, $5)",
                &[
                    format!("p{n}"),
                    dice.day(),
                    seq.to_string(),
                    dice.place().into(),
                    place.into(),
                ],
            )
            .await;
        }
        if dice.below(4) != 0 {
            let certificate = format!("c{n}");
            run(
                store,
                "INSERT INTO certificates (id, number, person_id, issued_on, valid_until, status, version) \
                 VALUES ($1, $2, $3, $4, $5, 'active', 1)",
                &[
                    certificate.clone(),
                    format!("N{n}"),
                    format!("p{n}"),
                    dice.day(),
                    dice.day().replace("2023", "2026"),
                ],
            )
            .await;
            for seq in 1..=1 + dice.below(3) {
                let status = ["active", "suspended", "revoked"][dice.below(3) as usize];
                run(
                    store,
                    "INSERT INTO certificate_history (certificate_id, seq, since, status) \
                     VALUES ($1, CAST($2 AS BIGINT), $3, $4)",
                    &[
                        certificate.clone(),
                        seq.to_string(),
                        dice.day(),
                        status.into(),
                    ],
                )
                .await;
            }
            if dice.below(2) == 0 {
                let outcome = ["passed", "failed"][dice.below(2) as usize];
                run(
                    store,
                    "INSERT INTO certificate_reviews (certificate_id, year, outcome, decided_on) \
                     VALUES ($1, CAST($2 AS BIGINT), $3, $4)",
                    &[
                        certificate,
                        (2023 + dice.below(2)).to_string(),
                        outcome.into(),
                        dice.day(),
                    ],
                )
                .await;
            }
        }
    }
    // A second registration held in another township for a few of them.
    for n in [3, 17, 41] {
        run(
            store,
            "INSERT INTO people (id, division_code, name, id_number, unit, employment, section_level, \
               enforcement_post, version, held_for) \
             VALUES ($1, $2, '执法人员', $3, '综合行政执法大队', 'civil_servant', 0, 1, 1, $4)",
            &[
                format!("h{n}"),
                "411624102".into(),
                format!("ID-{n}"),
                format!("p{n}"),
            ],
        )
        .await;
    }
    for s in 0..20 {
        let (session, held_on) = (format!("s{s}"), dice.day());
        run(
            store,
            "INSERT INTO training_sessions (id, division_code, topic, kind, held_on) \
             VALUES ($1, $2, '行政处罚法', 'lecture', $3)",
            &[session.clone(), dice.place().into(), held_on.clone()],
        )
        .await;
        for _ in 0..dice.below(15) {
            run(
                store,
                "INSERT INTO attendance (session_id, person_id, held_on, hours_tenths) \
                 VALUES ($1, $2, $3, CAST($4 AS BIGINT)) ON CONFLICT DO NOTHING",
                &[
                    session.clone(),
                    format!("p{}", dice.below(people)),
                    held_on.clone(),
                    (10 * (1 + dice.below(40))).to_string(),
                ],
            )
            .await;
        }
    }
    for e in 0..10 {
        let exam = format!("e{e}");
        let kind = ["annual_review", "legal_knowledge"][dice.below(2) as usize];
        run(
            store,
            "INSERT INTO exams (id, division_code, kind, title, held_on, pass_mark, excellent_mark) \
             VALUES ($1, $2, $3, '考试', $4, 600, 900)",
            &[exam.clone(), dice.place().into(), kind.into(), dice.day()],
        )
        .await;
        for _ in 0..dice.below(20) {
            let score = match dice.below(4) {
                0 => None,
                _ => Some(dice.below(1001).to_string()),
            };
            let sql = if score.is_some() {
                "INSERT INTO exam_results (exam_id, person_id, score) VALUES ($1, $2, CAST($3 AS BIGINT)) \
                 ON CONFLICT DO NOTHING"
            } else {
                "INSERT INTO exam_results (exam_id, person_id, score) VALUES ($1, $2, NULL) ON CONFLICT DO NOTHING"
            };
            let mut binds = vec![exam.clone(), format!("p{}", dice.below(people))];
            binds.extend(score);
            run(store, sql, &binds).await;
        }
    }
    for o in 0..15 {
        run(
            store,
            "INSERT INTO outreach_events (id, division_code, held_on, theme, audience, materials, people_reached) \
             VALUES ($1, $2, $3, '宪法', '村民', CAST($4 AS BIGINT), CAST($5 AS BIGINT))",
            &[
                format!("o{o}"),
                dice.place().into(),
                dice.day(),
                dice.below(500).to_string(),
                dice.below(2000).to_string(),
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn every_townships_figures_from_one_grouped_read_equal_its_own() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        seed(&store, &mut Dice(0x5eed)).await;
        let county = DivisionCode::parse("411624").unwrap();
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        let mut seen = (0, 0);
        for (from, to) in [
            ("2023-01-01", "2023-12-31"),
            ("2024-01-01", "2024-12-31"),
            ("2023-06-01", "2024-05-31"),
        ] {
            let (from, to) = (day(from), day(to));
            let mut counts = store
                .counts_grouped(Some(&county), to, Grouping::Townships)
                .await
                .unwrap();
            let mut figures = store
                .period_figures_grouped(&county, from, to, 600, Grouping::Townships)
                .await
                .unwrap();
            for township in TOWNSHIPS {
                let code = DivisionCode::parse(township).unwrap();
                let own_counts = store.counts(Some(&code), to).await.unwrap();
                let own_figures = store.period_figures(&code, from, to, 600).await.unwrap();
                seen.0 += own_counts.certificate_holders + own_counts.people;
                seen.1 += own_figures.review_takers
                    + own_figures.staff_meeting_requirement
                    + own_figures.outreach_events
                    + own_figures.exams.len() as i64;
                assert_eq!(
                    counts.remove(township).unwrap_or_default(),
                    own_counts,
                    "{} {township} on {to}",
                    db.backend()
                );
                assert_eq!(
                    figures.remove(township).unwrap_or_default(),
                    own_figures,
                    "{} {township} {from}..{to}",
                    db.backend()
                );
            }
            assert!(
                counts.is_empty() && figures.is_empty(),
                "only the townships"
            );
        }
        assert!(
            seen.0 > 50 && seen.1 > 10,
            "{}: the seed reached the figures: {seen:?}",
            db.backend()
        );
    }
}

/// One replica's figures, kept per revision of the records, follow every
/// change another replica makes to any table they are counted from: after
/// each change they equal what a store that kept nothing computes.
#[tokio::test]
async fn kept_figures_follow_every_change_another_replica_makes() {
    for db in fazhi_testkit::databases().await {
        let writer = Store::open(db.url(), db.data_dir()).await.unwrap();
        seed(&writer, &mut Dice(0xcafe)).await;
        let reader = Store::open(db.url(), db.data_dir()).await.unwrap();
        let county = DivisionCode::parse("411624").unwrap();
        let (from, to) = (
            "2023-01-01".parse::<NaiveDate>().unwrap(),
            "2024-12-31".parse::<NaiveDate>().unwrap(),
        );
        let read = async |store: &Store| {
            let counts = store
                .counts_grouped(Some(&county), to, Grouping::Townships)
                .await
                .unwrap();
            let figures = store
                .period_figures_grouped(&county, from, to, 600, Grouping::Townships)
                .await
                .unwrap();
            (counts, figures)
        };
        let changes = [
            "UPDATE people SET enforcement_post = 1 - enforcement_post WHERE id IN ('p1', 'p2', 'p3')",
            "UPDATE people SET division_code = '411624102' WHERE id IN ('p4', 'p5', 'p6')",
            "DELETE FROM person_moves WHERE person_id IN ('p7', 'p8', 'p9', 'p10')",
            "UPDATE certificates SET valid_until = '2099-12-31'",
            "UPDATE certificate_history SET status = 'active'",
            "DELETE FROM certificate_reviews WHERE outcome = 'passed'",
            "UPDATE exams SET held_on = '2024-06-01'",
            "UPDATE exam_results SET score = 1000 WHERE score IS NOT NULL",
            "DELETE FROM attendance WHERE hours_tenths > 100",
            "UPDATE training_sessions SET topic = '行政处罚法'",
            "UPDATE outreach_events SET held_on = '2024-03-01'",
        ];
        let mut before = read(&reader).await;
        let mut moved = 0;
        for change in changes {
            run(&writer, change, &[]).await;
            let kept = read(&reader).await;
            let fresh = read(&Store::from_database(writer.database().clone())).await;
            assert_eq!(kept, fresh, "{}: after {change}", db.backend());
            moved += usize::from(kept != before);
            before = kept;
        }
        assert!(
            moved >= 8,
            "{}: the changes moved the figures {moved} times",
            db.backend()
        );
    }
}
