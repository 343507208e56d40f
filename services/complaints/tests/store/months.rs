//! A period's figures read from the monthly roll-ups for its whole months
//! equal the sums of its days, for any period and any settled day: the
//! roll-ups are kept in the same transaction as the daily totals (and
//! rebuilt with them).

use chrono::{Days, NaiveDate};
use fazhi_complaints::domain::{Channel, Step};
use fazhi_platform::{DivisionCode, db::Grouping};

use super::{at, complaint, take};
use fazhi_complaints::store::Store;

/// splitmix64, so a failure is reproducible.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

const PLACES: [&str; 3] = ["411624100", "411624100201", "411624101"];

/// Each township's every figure over `from..=to` (and up to `settled`)
/// summed straight from the daily totals.
async fn by_day(
    store: &Store,
    from: NaiveDate,
    to: NaiveDate,
    settled: NaiveDate,
) -> std::collections::BTreeMap<String, (i64, i64)> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT substr(division_code, 1, 9), figure, CAST(SUM(n) AS BIGINT), \
           CAST(SUM(CASE WHEN day <= $3 THEN n ELSE 0 END) AS BIGINT) \
         FROM complaint_figures WHERE day >= $1 AND day <= $2 \
         GROUP BY substr(division_code, 1, 9), figure",
    )
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(settled.to_string())
    .fetch_all(store.database().pool())
    .await
    .unwrap();
    rows.into_iter()
        .filter(|(_, _, n, s)| *n != 0 || *s != 0)
        .map(|(township, figure, n, s)| (format!("{township} {figure}"), (n, s)))
        .collect()
}

#[tokio::test]
async fn figures_from_monthly_roll_ups_equal_the_sums_of_their_days() {
    let first = NaiveDate::from_ymd_opt(2024, 11, 1).unwrap();
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        let mut dice = Dice(0x0e0e);
        // 120 complaints over sixteen months, half dispatched days later
        // (steps back-dated into months already summed included).
        for _ in 0..120 {
            let received = first + Days::new(dice.below(480));
            let received_at = at(&format!("{received}T02:00:00Z"));
            let place = PLACES[dice.below(3) as usize];
            let c = complaint(place, received_at, Channel::Hotline12345);
            store.insert(c.clone(), None).await.unwrap();
            if dice.below(2) == 0 {
                let later = received_at + chrono::Duration::days(dice.below(40) as i64);
                let unit = DivisionCode::parse("411624100201").unwrap();
                let step = Step::Dispatch {
                    unit,
                    routing_version: None,
                };
                take(&store, &c, step, later).await;
            }
        }
        let county = ("411624", "411625");
        let mut compared = 0;
        for _ in 0..40 {
            let from = first + Days::new(dice.below(500));
            let to = from + Days::new(dice.below(420));
            let settled = from + Days::new(dice.below(450));
            let grouped = store
                .figures_grouped(county.0, county.1, from, to, settled, Grouping::Townships)
                .await
                .unwrap();
            let mut read = std::collections::BTreeMap::new();
            for (township, (all, settled_sums)) in grouped {
                for (figure, n) in all {
                    let s = settled_sums.get(&figure).copied().unwrap_or(0);
                    if n != 0 || s != 0 {
                        read.insert(format!("{township} {figure}"), (n, s));
                    }
                }
            }
            let counted = by_day(&store, from, to, settled).await;
            compared += counted.len();
            assert_eq!(
                read,
                counted,
                "{} {from}..{to} settled {settled}",
                db.backend()
            );
        }
        assert!(compared > 100, "{}: the periods held figures", db.backend());
    }
}
