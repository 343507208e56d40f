//! Storage of the power list, cases and their hash-chained history. Days
//! are ISO text (`YYYY-MM-DD`), instants UTC microseconds.

mod cases;
mod power;
mod publications;
mod records;

pub use cases::Step;

use std::path::Path;

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode, Error,
    db::{self, Database, EmbeddedMigration},
    time::{self, Period},
};

pub const MIGRATIONS: &[EmbeddedMigration] = &[
    EmbeddedMigration::new(1, "cases", include_str!("../../migrations/0001_cases.sql")),
    EmbeddedMigration::new(
        2,
        "power list and leads",
        concat!(
            include_str!("../../migrations/0002_power_list_and_leads.sql"),
            include_str!("../../migrations/0002_history_triggers.sqlite.sql")
        ),
    )
    .with_postgres(concat!(
        include_str!("../../migrations/0002_power_list_and_leads.sql"),
        include_str!("../../migrations/0002_history_triggers.postgres.sql")
    )),
    EmbeddedMigration::new(
        3,
        "proceedings",
        include_str!("../../migrations/0003_proceedings.sql"),
    ),
    EmbeddedMigration::new(
        4,
        "records",
        include_str!("../../migrations/0004_records.sql"),
    ),
    EmbeddedMigration::new(
        5,
        "publications",
        include_str!("../../migrations/0005_publications.sql"),
    ),
];

pub(super) fn date(text: &str) -> Result<NaiveDate, Error> {
    text.parse()
        .map_err(|_| Error::internal(format!("stored date {text:?} is invalid")))
}

pub(super) fn corrupt(what: &str, value: &str) -> Error {
    Error::internal(format!("stored {what} {value:?} is invalid"))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: i64,
    pub filed: i64,
    pub decided: i64,
    pub closed: i64,
}

#[derive(Clone)]
pub struct Store {
    db: Database,
}

impl Store {
    pub async fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            db: Database::open(url, data_dir, "cases", MIGRATIONS).await?,
        })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Cases of `division` (and below) whose lead came in during `period`.
    pub async fn counts(
        &self,
        division: Option<&DivisionCode>,
        period: Period,
    ) -> Result<Counts, Error> {
        let (low, high) = db::division_range(division);
        let (total, filed, decided, closed): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(filed_at), COUNT(decided_at), COUNT(closed_at) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND lead_at >= $3 AND lead_at < $4",
        )
        .bind(low)
        .bind(high)
        .bind(period.start.map_or(i64::MIN, time::to_micros))
        .bind(period.end.map_or(i64::MAX, time::to_micros))
        .fetch_one(self.db.pool())
        .await?;
        Ok(Counts {
            total,
            filed,
            decided,
            closed,
        })
    }
}
