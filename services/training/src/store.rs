//! Storage of people and certificates.

use std::path::Path;

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode, Error,
    db::{self, Database, EmbeddedMigration},
};

pub const MIGRATIONS: &[EmbeddedMigration] = &[EmbeddedMigration::new(
    1,
    "training",
    include_str!("../migrations/0001_training.sql"),
)];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub people: i64,
    pub enforcement_staff: i64,
    pub certificate_holders: i64,
    pub certificate_holders_section_level: i64,
}

#[derive(Clone)]
pub struct Store {
    db: Database,
}

impl Store {
    pub async fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            db: Database::open(url, data_dir, "training", MIGRATIONS).await?,
        })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// People of `division` (and below), and how many hold a certificate that
    /// is active and unexpired on `as_of`.
    pub async fn counts(
        &self,
        division: Option<&DivisionCode>,
        as_of: NaiveDate,
    ) -> Result<Counts, Error> {
        let (low, high) = db::division_range(division);
        let (people, enforcement_staff): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN enforcement_post = 1 THEN 1 END) FROM people \
             WHERE division_code >= $1 AND division_code < $2",
        )
        .bind(low.clone())
        .bind(high.clone())
        .fetch_one(self.db.pool())
        .await?;
        let (holders, section_level): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN p.section_level = 1 THEN 1 END) FROM people p \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND EXISTS ( \
               SELECT 1 FROM certificates c WHERE c.person_id = p.id AND c.status = 'active' \
                 AND c.issued_on <= $3 AND c.valid_until >= $3)",
        )
        .bind(low)
        .bind(high)
        .bind(as_of.to_string())
        .fetch_one(self.db.pool())
        .await?;
        Ok(Counts {
            people,
            enforcement_staff,
            certificate_holders: holders,
            certificate_holders_section_level: section_level,
        })
    }
}
