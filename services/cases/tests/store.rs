//! Store behaviour on every configured backend.

use chrono::{DateTime, Utc};
use fazhi_cases::store::{Counts, Store};
use fazhi_platform::{
    DivisionCode,
    time::{self, Period},
};

async fn case(store: &Store, id: &str, division: &str, lead_at: &str, stage: u8) {
    let lead: DateTime<Utc> = lead_at.parse().unwrap();
    let at = |reached: bool| reached.then(|| time::to_micros(lead));
    sqlx::query(
        "INSERT INTO cases (id, division_code, status, lead_at, filed_at, decided_at, closed_at, version) \
         VALUES ($1, $2, 'lead', $3, $4, $5, $6, 1)",
    )
    .bind(id.to_owned())
    .bind(division.to_owned())
    .bind(time::to_micros(lead))
    .bind(at(stage >= 1))
    .bind(at(stage >= 2))
    .bind(at(stage >= 3))
    .execute(store.database().pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn counts_cover_the_division_and_period_at_each_stage() {
    for db in fazhi_testkit::databases().await {
        let store = Store::open(db.url(), db.data_dir()).await.unwrap();
        case(&store, "1", "411624100", "2023-03-01T00:00:00Z", 0).await;
        case(&store, "2", "411624100", "2023-04-01T00:00:00Z", 1).await;
        case(&store, "3", "411624100001", "2023-05-01T00:00:00Z", 2).await;
        case(&store, "4", "411624100", "2023-06-01T00:00:00Z", 3).await;
        case(&store, "5", "411624100", "2024-02-01T00:00:00Z", 3).await; // next year
        case(&store, "6", "411625100", "2023-06-01T00:00:00Z", 3).await; // another county

        let township = DivisionCode::parse("411624100").unwrap();
        let year = Period {
            start: "2023-01-01T00:00:00+08:00".parse().ok(),
            end: "2024-01-01T00:00:00+08:00".parse().ok(),
        };
        let counts = store.counts(Some(&township), year).await.unwrap();
        assert_eq!(
            counts,
            Counts {
                total: 4,
                filed: 3,
                decided: 2,
                closed: 1
            },
            "{}",
            db.backend()
        );
    }
}
