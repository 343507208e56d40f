//! Store behaviour on every configured backend.

use chrono::{DateTime, Utc};
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
        let f = store.figures(&township, from, to).await.unwrap();
        assert_eq!(
            (f.leads, f.filed, f.decided, f.decided_on_time, f.closed),
            (4, 3, 2, 2, 1),
            "{}",
            db.backend()
        );
        assert_eq!((f.avg_days_to_filing, f.avg_days_to_decision), (4.0, 30.0));
        assert_eq!(f.fines_imposed_fen, 20_000);
        let (from, to) = year(2024);
        let f = store.figures(&township, from, to).await.unwrap();
        assert_eq!(
            (f.leads, f.filed, f.decided, f.closed),
            (2, 2, 2, 2),
            "{}",
            db.backend()
        );
    }
}
