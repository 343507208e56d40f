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
}

#[tokio::test]
async fn holders_count_only_active_unexpired_certificates_in_the_division() {
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
        assert_eq!(counts.certificate_holders, 1, "{}", db.backend());
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
        assert_eq!(everyone.certificate_holders, 2, "{}", db.backend());
    }
}
