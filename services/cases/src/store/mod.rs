//! Storage of the power list, cases and their hash-chained history. Days
//! are ISO text (`YYYY-MM-DD`), instants UTC microseconds.

mod cases;
mod figures;
mod power;
mod publications;
mod records;
mod totals;
mod watch;
mod writes;

pub use cases::{LeadOfComplaint, Step};
pub use figures::CaseFigures;

use std::path::Path;

use chrono::NaiveDate;
use fazhi_platform::{
    Error,
    db::{Database, EmbeddedMigration},
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
    EmbeddedMigration::new(
        6,
        "figures",
        include_str!("../../migrations/0006_figures.sql"),
    ),
    EmbeddedMigration::new(
        7,
        "figure indexes",
        include_str!("../../migrations/0007_figure_indexes.sql"),
    ),
    EmbeddedMigration::new(
        8,
        "decision kind",
        include_str!("../../migrations/0008_decision_kind.sql"),
    ),
    EmbeddedMigration::new(
        9,
        "ended on",
        include_str!("../../migrations/0009_ended_on.sql"),
    ),
    EmbeddedMigration::new(
        10,
        "record content",
        include_str!("../../migrations/0010_record_content.sql"),
    ),
    EmbeddedMigration::new(
        11,
        "record content key",
        include_str!("../../migrations/0011_record_content_key.sql"),
    ),
    EmbeddedMigration::new(
        12,
        "history seals",
        include_str!("../../migrations/0012_history_seals.sql"),
    ),
    EmbeddedMigration::new(
        13,
        "procedure and recording",
        concat!(
            include_str!("../../migrations/0013_procedure_and_recording.sql"),
            include_str!("../../migrations/0013_procedure_and_recording_backfill.sqlite.sql")
        ),
    )
    .with_postgres(concat!(
        include_str!("../../migrations/0013_procedure_and_recording.sql"),
        include_str!("../../migrations/0013_procedure_and_recording_backfill.postgres.sql")
    )),
    EmbeddedMigration::new(
        14,
        "party address",
        include_str!("../../migrations/0014_party_address.sql"),
    ),
    EmbeddedMigration::new(
        15,
        "case numbers",
        include_str!("../../migrations/0015_case_numbers.sql"),
    ),
    EmbeddedMigration::new(
        16,
        "publication penalty",
        include_str!("../../migrations/0016_publication_penalty.sql"),
    ),
    EmbeddedMigration::new(
        17,
        "case totals",
        include_str!("../../migrations/0017_case_totals.sql"),
    ),
    EmbeddedMigration::new(
        18,
        "case watch",
        include_str!("../../migrations/0018_case_watch.sql"),
    ),
];

pub(super) fn date(text: &str) -> Result<NaiveDate, Error> {
    text.parse()
        .map_err(|_| Error::internal(format!("stored date {text:?} is invalid")))
}

pub(super) fn corrupt(what: &str, value: &str) -> Error {
    Error::internal(format!("stored {what} {value:?} is invalid"))
}

#[derive(Clone)]
pub struct Store {
    db: Database,
    /// Keys every case's history chain; never stored in the database.
    history_key: crate::domain::HistoryKey,
    /// Stamps what the store records by itself (an event's time).
    clock: fazhi_platform::clock::SharedClock,
    /// Writes leads and the cases' steps, many to a commit.
    writes: fazhi_platform::db::BatchWriter<writes::Job>,
    /// Counts the working days of the deadlines a step's watch is kept by.
    calendar: std::sync::Arc<fazhi_calendar::Calendar>,
}

impl Store {
    /// Opens (and migrates) the store, its history keyed with the key in
    /// `{data_dir}/history.key` (made on first use). Histories from before
    /// the chain was keyed are left unsealed: [`Store::open_keyed`] seals
    /// them with the deployment's key.
    pub async fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        let key = fazhi_platform::auth::secret_from(None, data_dir, "history.key")?;
        let db = Database::open(url, data_dir, "cases", MIGRATIONS).await?;
        let store = Self {
            writes: writes::writer(db.pool().clone()),
            db,
            history_key: crate::domain::HistoryKey::new(&key),
            clock: fazhi_platform::clock::system(),
            calendar: std::sync::Arc::new(fazhi_calendar::Calendar::official()),
        };
        store.rebuild_totals_once().await?;
        Ok(store)
    }

    /// Opens the store with its history keyed by `history_key` (shared by
    /// every replica of the service), sealing histories from before the
    /// chain was keyed.
    pub async fn open_keyed(
        url: Option<&str>,
        data_dir: &Path,
        history_key: crate::domain::HistoryKey,
    ) -> anyhow::Result<Self> {
        let db = Database::open(url, data_dir, "cases", MIGRATIONS).await?;
        let store = Self {
            writes: writes::writer(db.pool().clone()),
            db,
            history_key,
            clock: fazhi_platform::clock::system(),
            calendar: std::sync::Arc::new(fazhi_calendar::Calendar::official()),
        };
        if let Some(cases) = store.rebuild_totals_once().await? {
            tracing::info!(cases, "case figures' running totals rebuilt from the cases");
        }
        let sealed = store.seal_unkeyed_histories().await?;
        if sealed > 0 {
            tracing::warn!(
                cases = sealed,
                "case histories hashed before the chain was keyed are sealed as they stand"
            );
        }
        Ok(store)
    }

    /// The store reading `clock` for what it stamps itself.
    pub fn with_clock(mut self, clock: fazhi_platform::clock::SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// The store counting deadlines' working days on `calendar` (the
    /// deployment's, with its own holiday notices).
    pub fn with_calendar(mut self, calendar: std::sync::Arc<fazhi_calendar::Calendar>) -> Self {
        self.calendar = calendar;
        self
    }

    pub fn database(&self) -> &Database {
        &self.db
    }
}
