//! Storage of people, training, exams, certificates and outreach.
//! Dates are ISO text (`YYYY-MM-DD`), hours and scores tenths.

use std::path::Path;

use chrono::NaiveDate;
use fazhi_platform::{
    Error,
    db::{self, Database, EmbeddedMigration},
};

mod certificates;
mod figures;
mod people;
mod records;
mod watch;

pub use figures::{Counts, PeriodFigures};

pub const MIGRATIONS: &[EmbeddedMigration] = &[
    EmbeddedMigration::new(
        1,
        "training",
        include_str!("../../migrations/0001_training.sql"),
    ),
    EmbeddedMigration::new(
        2,
        "records",
        include_str!("../../migrations/0002_records.sql"),
    ),
    fazhi_platform::db::audit::migration(3),
    EmbeddedMigration::new(
        4,
        "held registrations",
        include_str!("../../migrations/0004_held_registrations.sql"),
    )
    .with_postgres(include_str!(
        "../../migrations/0004_held_registrations.postgres.sql"
    )),
    EmbeddedMigration::new(
        5,
        "person moves",
        include_str!("../../migrations/0005_person_moves.sql"),
    ),
    EmbeddedMigration::new(
        6,
        "rank level",
        include_str!("../../migrations/0006_rank_level.sql"),
    ),
    EmbeddedMigration::new(
        7,
        "people dates",
        include_str!("../../migrations/0007_people_dates.sql"),
    ),
    EmbeddedMigration::new(
        8,
        "certificate competence",
        include_str!("../../migrations/0008_certificate_competence.sql"),
    ),
    EmbeddedMigration::new(
        9,
        "people joined",
        include_str!("../../migrations/0009_people_joined.sql"),
    ),
    EmbeddedMigration::new(
        10,
        "figure indexes",
        include_str!("../../migrations/0010_figure_indexes.sql"),
    ),
    EmbeddedMigration::new(
        11,
        "legal qualification",
        include_str!("../../migrations/0011_legal_qualification.sql"),
    ),
    EmbeddedMigration::new(
        12,
        "figures revision",
        include_str!("../../migrations/0012_figures_revision.sql"),
    )
    .with_postgres(include_str!(
        "../../migrations/0012_figures_revision.postgres.sql"
    )),
];

const PERSON_COLUMNS: &str = "id, division_code, name, id_number, unit, employment, rank, rank_level, section_level, enforcement_post, version, held_for, joined_on, legal_qualification";
const PEOPLE: db::Table = db::Table {
    name: "people",
    columns: PERSON_COLUMNS,
    key: "id",
};
const CERTIFICATES: db::Table = db::Table {
    name: "certificates",
    columns: CERTIFICATE_COLUMNS,
    key: "id",
};
const CERTIFICATE_COLUMNS: &str = "id, number, person_id, issued_on, valid_until, status, status_since, version, areas, categories";

#[derive(Clone)]
pub struct Store {
    db: Database,
    clock: fazhi_platform::clock::SharedClock,
    /// Figures kept per revision of the records, shared by every clone.
    kept: std::sync::Arc<std::sync::Mutex<figures::Kept>>,
}

pub(super) fn date(text: &str) -> Result<NaiveDate, Error> {
    text.parse()
        .map_err(|_| Error::internal(format!("stored date {text:?} is invalid")))
}

pub(super) fn corrupt(what: &str, value: &str) -> Error {
    Error::internal(format!("stored {what} {value:?} is invalid"))
}

pub(super) fn conflict(what: &str) -> Error {
    Error::changed_meanwhile(what)
}

impl Store {
    pub async fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self::from_database(
            Database::open(url, data_dir, "training", MIGRATIONS).await?,
        ))
    }

    /// A store over a database opened (and migrated) by the caller.
    pub fn from_database(db: Database) -> Self {
        Self {
            db,
            clock: fazhi_platform::clock::system(),
            kept: Default::default(),
        }
    }

    /// The store reading `clock` for what it stamps itself (the audit log).
    pub fn with_clock(mut self, clock: fazhi_platform::clock::SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// The instant the store stamps on what it writes itself.
    pub(super) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn database(&self) -> &Database {
        &self.db
    }
}
