//! Storage of people, training, exams, certificates and outreach.
//! Dates are ISO text (`YYYY-MM-DD`), hours and scores tenths.

use std::{collections::HashMap, path::Path};

use chrono::{Datelike, NaiveDate};
use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    auth::Caller,
    db::{self, Database, EmbeddedMigration, audit},
};
use sqlx::{Any, Row, Transaction, any::AnyRow};

use crate::domain::{
    Certificate, CertificateStatus, Employment, ExamKind, Person, Registration, ReviewOutcome,
    Sitting, TrainingKind,
};

pub const MIGRATIONS: &[EmbeddedMigration] = &[
    EmbeddedMigration::new(
        1,
        "training",
        include_str!("../migrations/0001_training.sql"),
    ),
    EmbeddedMigration::new(2, "records", include_str!("../migrations/0002_records.sql")),
    fazhi_platform::db::audit::migration(3),
    EmbeddedMigration::new(
        4,
        "held registrations",
        include_str!("../migrations/0004_held_registrations.sql"),
    )
    .with_postgres(include_str!(
        "../migrations/0004_held_registrations.postgres.sql"
    )),
];

const PERSON_COLUMNS: &str = "id, division_code, name, id_number, unit, employment, rank, section_level, enforcement_post, version, held_for";
const CERTIFICATE_COLUMNS: &str =
    "id, number, person_id, issued_on, valid_until, status, status_since, version";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub people: i64,
    pub enforcement_staff: i64,
    pub certificate_holders: i64,
    pub certificate_holders_section_level: i64,
    /// Enforcement staff among the holders.
    pub certified_enforcement_staff: i64,
}

/// Figures of one period (dates inclusive) beyond the head counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodFigures {
    pub review_takers: i64,
    pub review_passed: i64,
    /// Hours (tenths) attended by enforcement staff.
    pub staff_hours_tenths: i64,
    /// Enforcement staff who attended at least `required_tenths`.
    pub staff_meeting_requirement: i64,
    /// Per exam kind: registered, sat, passed, excellent.
    pub exams: Vec<(String, i64, i64, i64, i64)>,
    pub outreach_events: i64,
    pub outreach_materials: i64,
    pub outreach_people: i64,
}

/// A training session and who attended, for how many hours (tenths).
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub division: DivisionCode,
    pub topic: String,
    pub kind: TrainingKind,
    pub held_on: NaiveDate,
    pub attendance: Vec<(String, i64)>,
}

/// An exam and its results (`None`: registered, did not sit).
#[derive(Debug, Clone)]
pub struct Exam {
    pub id: String,
    pub division: DivisionCode,
    pub kind: ExamKind,
    pub title: String,
    pub held_on: NaiveDate,
    pub pass_mark: i64,
    pub excellent_mark: i64,
    pub results: Vec<(String, Option<i64>)>,
}

/// A public legal-education event (普法宣传活动).
#[derive(Debug, Clone)]
pub struct Outreach {
    pub id: String,
    pub division: DivisionCode,
    pub held_on: NaiveDate,
    pub theme: String,
    pub audience: String,
    pub materials: i64,
    pub people_reached: i64,
}

/// What one certificate's annual review needs to know.
#[derive(Debug, Clone)]
pub struct ReviewCase {
    pub certificate: Certificate,
    pub already: Option<ReviewOutcome>,
    pub sittings: Vec<Sitting>,
    pub hours_tenths: i64,
}

#[derive(Clone)]
pub struct Store {
    db: Database,
}

fn date(text: &str) -> Result<NaiveDate, Error> {
    text.parse()
        .map_err(|_| Error::internal(format!("stored date {text:?} is invalid")))
}

fn corrupt(what: &str, value: &str) -> Error {
    Error::internal(format!("stored {what} {value:?} is invalid"))
}

fn conflict(what: &str) -> Error {
    Error::new(
        ErrorKind::Conflict,
        "version_conflict",
        format!("the {what} was changed by someone else; read it again"),
    )
}

impl Store {
    pub async fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            db: Database::open(url, data_dir, "training", MIGRATIONS).await?,
        })
    }

    /// A store over a database opened (and migrated) by the caller.
    pub fn from_database(db: Database) -> Self {
        Self { db }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Records a person. A registration racing another of the same ID number
    /// loses with ALREADY_EXISTS; the caller decided beforehand, from
    /// [`Store::registrations`], whether it is held.
    /// A held registration is audited (`person.registration_held`) in the
    /// same transaction, for the county to resolve.
    pub async fn insert_person(&self, caller: &Caller, p: &Person) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        insert_registration(&mut tx, caller, p, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records many people, numbered by their rows, in one transaction: all
    /// or none.
    pub async fn insert_people(
        &self,
        caller: &Caller,
        people: &[(usize, Person)],
    ) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        for (row, p) in people {
            insert_registration(&mut tx, caller, p, Some(*row)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every record (on the register or held) of each of `id_numbers`.
    pub async fn registrations(&self, id_numbers: &[String]) -> Result<Vec<Registration>, Error> {
        let mut found = Vec::new();
        for chunk in id_numbers.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 1)).collect();
            let sql = format!(
                "SELECT id, id_number, division_code, held_for FROM people WHERE id_number IN ({})",
                marks.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(id.clone());
            }
            for row in query.fetch_all(self.db.pool()).await? {
                let division: String = row.try_get("division_code")?;
                found.push(Registration {
                    person_id: row.try_get("id")?,
                    id_number: row.try_get("id_number")?,
                    division: DivisionCode::parse(&division)
                        .map_err(|_| corrupt("division", &division))?,
                    held_for: row.try_get("held_for")?,
                });
            }
        }
        Ok(found)
    }

    /// Issues many certificates in one transaction: all or none.
    pub async fn insert_certificates(&self, certificates: &[Certificate]) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        for c in certificates {
            insert_certificate_in(&mut tx, c).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn person(&self, id: &str) -> Result<Option<Person>, Error> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_owned())
            .fetch_optional(self.db.pool())
            .await?;
        row.map(|r| decode_person(&r)).transpose()
    }

    /// People of `scope`, by id, `limit` at most after `after`.
    pub async fn people(
        &self,
        scope: &DivisionCode,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Person>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE division_code >= $1 AND division_code < $2 \
             AND id > $3 ORDER BY id LIMIT $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(after.to_owned())
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(decode_person).collect()
    }

    /// Takes a person off the enforcement post on `on`, revoking their
    /// certificates in force. Returns the person as now recorded.
    pub async fn leave_post(&self, person: &Person, on: NaiveDate) -> Result<Person, Error> {
        let mut tx = self.db.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE people SET enforcement_post = 0, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(person.id.clone())
        .bind(person.version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(conflict("person"));
        }
        let held = certificates_in(&mut tx, &person.id).await?;
        for certificate in held.iter().filter(|c| {
            matches!(
                c.status,
                CertificateStatus::Active | CertificateStatus::Suspended
            )
        }) {
            change_status(&mut tx, certificate, CertificateStatus::Revoked, on).await?;
        }
        tx.commit().await?;
        self.person(&person.id)
            .await?
            .ok_or_else(|| Error::not_found("person"))
    }

    /// Records a session with its attendance, all or nothing.
    pub async fn insert_session(&self, s: &Session) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO training_sessions (id, division_code, topic, kind, held_on) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s.id.clone())
        .bind(s.division.to_string())
        .bind(s.topic.clone())
        .bind(s.kind.code())
        .bind(s.held_on.to_string())
        .execute(&mut *tx)
        .await?;
        for (person, hours) in &s.attendance {
            sqlx::query(
                "INSERT INTO attendance (session_id, person_id, held_on, hours_tenths) VALUES ($1, $2, $3, $4)",
            )
            .bind(s.id.clone())
            .bind(person.clone())
            .bind(s.held_on.to_string())
            .bind(*hours)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records an exam with its results, all or nothing.
    pub async fn insert_exam(&self, e: &Exam) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO exams (id, division_code, kind, title, held_on, pass_mark, excellent_mark) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(e.id.clone())
        .bind(e.division.to_string())
        .bind(e.kind.code())
        .bind(e.title.clone())
        .bind(e.held_on.to_string())
        .bind(e.pass_mark)
        .bind(e.excellent_mark)
        .execute(&mut *tx)
        .await?;
        for (person, score) in &e.results {
            sqlx::query("INSERT INTO exam_results (exam_id, person_id, score) VALUES ($1, $2, $3)")
                .bind(e.id.clone())
                .bind(person.clone())
                .bind(*score)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Which of `ids` are people of `scope`.
    pub async fn people_in(
        &self,
        scope: &DivisionCode,
        ids: &[String],
    ) -> Result<std::collections::HashSet<String>, Error> {
        self.in_scope_by(scope, "id", "id", ids)
            .await
            .map(|found| found.into_keys().collect())
    }

    /// Person ids by ID number, for those of `ids` on record in `scope`.
    pub async fn ids_by_id_number(
        &self,
        scope: &DivisionCode,
        ids: &[String],
    ) -> Result<HashMap<String, String>, Error> {
        self.in_scope_by(scope, "id_number", "id", ids).await
    }

    /// `value` column by `key` column for the people of `scope` whose `key`
    /// is one of `keys`, 500 keys a query. Where a scope holds an ID number
    /// twice (on the register and held), the register's record wins.
    async fn in_scope_by(
        &self,
        scope: &DivisionCode,
        key: &'static str,
        value: &'static str,
        keys: &[String],
    ) -> Result<HashMap<String, String>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let mut found = HashMap::new();
        for chunk in keys.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
            let sql = format!(
                "SELECT {key} AS k, {value} AS v FROM people WHERE division_code >= $1 AND division_code < $2 \
                 AND {key} IN ({}) ORDER BY CASE WHEN held_for IS NULL THEN 1 ELSE 0 END",
                marks.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(low.clone())
                .bind(high.clone());
            for k in chunk {
                query = query.bind(k.clone());
            }
            for row in query.fetch_all(self.db.pool()).await? {
                found.insert(row.try_get("k")?, row.try_get("v")?);
            }
        }
        Ok(found)
    }

    /// Rows of the attendance list of `scope` in the period (dates inclusive):
    /// date, topic, kind, name, ID number, hours (tenths).
    pub async fn attendance_list(
        &self,
        scope: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, String, String, String, String, i64)>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT s.held_on, s.topic, s.kind, p.name, p.id_number, a.hours_tenths FROM attendance a \
             JOIN training_sessions s ON s.id = a.session_id JOIN people p ON p.id = a.person_id \
             WHERE s.division_code >= $1 AND s.division_code < $2 AND s.held_on >= $3 AND s.held_on <= $4 \
             ORDER BY s.held_on, s.id, p.id_number",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("held_on")?,
                    r.try_get("topic")?,
                    r.try_get("kind")?,
                    r.try_get("name")?,
                    r.try_get("id_number")?,
                    r.try_get("hours_tenths")?,
                ))
            })
            .collect()
    }

    /// Rows of the results list of `scope` in the period: date, title, kind,
    /// name, ID number, score (tenths, or absent).
    pub async fn results_list(
        &self,
        scope: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, String, String, String, String, Option<i64>)>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT e.held_on, e.title, e.kind, p.name, p.id_number, r.score FROM exam_results r \
             JOIN exams e ON e.id = r.exam_id JOIN people p ON p.id = r.person_id \
             WHERE e.division_code >= $1 AND e.division_code < $2 AND e.held_on >= $3 AND e.held_on <= $4 \
             ORDER BY e.held_on, e.id, p.id_number",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("held_on")?,
                    r.try_get("title")?,
                    r.try_get("kind")?,
                    r.try_get("name")?,
                    r.try_get("id_number")?,
                    r.try_get("score")?,
                ))
            })
            .collect()
    }

    /// Every exam result of a person.
    pub async fn sittings(&self, person_id: &str) -> Result<Vec<Sitting>, Error> {
        let rows = sqlx::query(
            "SELECT e.kind, e.held_on, e.pass_mark, r.score FROM exam_results r JOIN exams e ON e.id = r.exam_id \
             WHERE r.person_id = $1 ORDER BY e.held_on",
        )
        .bind(person_id.to_owned())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(decode_sitting).collect()
    }

    /// Hours (tenths) a person attended in `year`.
    pub async fn hours(&self, person_id: &str, year: i32) -> Result<i64, Error> {
        let total: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(hours_tenths) AS BIGINT) FROM attendance WHERE person_id = $1 AND held_on >= $2 AND held_on <= $3",
        )
        .bind(person_id.to_owned())
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{year:04}-12-31"))
        .fetch_one(self.db.pool())
        .await?;
        Ok(total.unwrap_or(0))
    }

    /// A person's certificates, newest first.
    pub async fn certificates(&self, person_id: &str) -> Result<Vec<Certificate>, Error> {
        let mut conn = self.db.pool().acquire().await?;
        let sql = format!(
            "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE person_id = $1 ORDER BY issued_on DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(person_id.to_owned())
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(decode_certificate).collect()
    }

    pub async fn certificate(&self, id: &str) -> Result<Option<Certificate>, Error> {
        let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_owned())
            .fetch_optional(self.db.pool())
            .await?;
        row.map(|r| decode_certificate(&r)).transpose()
    }

    /// A person's certificates, each with its dated status history (oldest
    /// first), in one query.
    pub async fn certificates_with_history(
        &self,
        person_id: &str,
    ) -> Result<Vec<(Certificate, Vec<(NaiveDate, CertificateStatus)>)>, Error> {
        let sql = format!(
            "SELECT {}, h.since AS h_since, h.status AS h_status FROM certificates c \
             JOIN certificate_history h ON h.certificate_id = c.id \
             WHERE c.person_id = $1 ORDER BY c.id, h.seq",
            CERTIFICATE_COLUMNS
                .split(", ")
                .map(|col| format!("c.{col}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(person_id.to_owned())
            .fetch_all(self.db.pool())
            .await?;
        let mut held: Vec<(Certificate, Vec<(NaiveDate, CertificateStatus)>)> = Vec::new();
        for row in &rows {
            let status: String = row.try_get("h_status")?;
            let entry = (
                date(&row.try_get::<String, _>("h_since")?)?,
                CertificateStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
            );
            let id: String = row.try_get("id")?;
            match held.last_mut() {
                Some((certificate, history)) if certificate.id == id => history.push(entry),
                _ => held.push((decode_certificate(row)?, vec![entry])),
            }
        }
        Ok(held)
    }

    /// The dated status history of a certificate, oldest first.
    pub async fn history(
        &self,
        certificate_id: &str,
    ) -> Result<Vec<(NaiveDate, CertificateStatus)>, Error> {
        let rows = sqlx::query(
            "SELECT since, status FROM certificate_history WHERE certificate_id = $1 ORDER BY seq",
        )
        .bind(certificate_id.to_owned())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok((
                    date(&r.try_get::<String, _>("since")?)?,
                    CertificateStatus::from_code(&status)
                        .ok_or_else(|| corrupt("status", &status))?,
                ))
            })
            .collect()
    }

    /// The latest day a revocation by annual review bars re-issue from, if any.
    pub async fn last_review_revocation(
        &self,
        person_id: &str,
    ) -> Result<Option<NaiveDate>, Error> {
        let last: Option<String> = sqlx::query_scalar(
            "SELECT MAX(r.decided_on) FROM certificate_reviews r JOIN certificates c ON c.id = r.certificate_id \
             WHERE c.person_id = $1 AND r.outcome = 'revoked'",
        )
        .bind(person_id.to_owned())
        .fetch_one(self.db.pool())
        .await?;
        last.as_deref().map(date).transpose()
    }

    /// Issues a certificate; ALREADY_EXISTS when its number is taken.
    pub async fn insert_certificate(&self, c: &Certificate) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        insert_certificate_in(&mut tx, c).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a certificate (at the version read) to `status` from `on`.
    pub async fn set_status(
        &self,
        certificate: &Certificate,
        status: CertificateStatus,
        on: NaiveDate,
    ) -> Result<Certificate, Error> {
        let mut tx = self.db.pool().begin().await?;
        change_status(&mut tx, certificate, status, on).await?;
        tx.commit().await?;
        self.certificate(&certificate.id)
            .await?
            .ok_or_else(|| Error::not_found("certificate"))
    }

    /// Everything the annual review of `year` needs for the certificates in
    /// force of `scope`'s people, read in a handful of queries.
    pub async fn review_cases(
        &self,
        scope: &DivisionCode,
        year: i32,
    ) -> Result<Vec<ReviewCase>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let sql = format!(
            "SELECT {} FROM certificates c JOIN people p ON p.id = c.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND c.status IN ('active', 'suspended') \
             ORDER BY c.id",
            CERTIFICATE_COLUMNS
                .split(", ")
                .map(|col| format!("c.{col}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low.clone())
            .bind(high.clone())
            .fetch_all(self.db.pool())
            .await?;
        let certificates: Vec<Certificate> = rows
            .iter()
            .map(decode_certificate)
            .collect::<Result<_, _>>()?;

        let reviews = sqlx::query(
            "SELECT r.certificate_id, r.outcome FROM certificate_reviews r JOIN certificates c ON c.id = r.certificate_id \
             JOIN people p ON p.id = c.person_id WHERE p.division_code >= $1 AND p.division_code < $2 AND r.year = $3",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(i64::from(year))
        .fetch_all(self.db.pool())
        .await?;
        let mut already = HashMap::new();
        for r in &reviews {
            let outcome: String = r.try_get("outcome")?;
            already.insert(
                r.try_get::<String, _>("certificate_id")?,
                ReviewOutcome::from_code(&outcome).ok_or_else(|| corrupt("outcome", &outcome))?,
            );
        }

        let from = format!("{year:04}-01-01");
        let to = format!("{year:04}-12-31");
        let sittings_rows = sqlx::query(
            "SELECT r.person_id, e.kind, e.held_on, e.pass_mark, r.score FROM exam_results r \
             JOIN exams e ON e.id = r.exam_id JOIN people p ON p.id = r.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND e.held_on >= $3 AND e.held_on <= $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(from.clone())
        .bind(to.clone())
        .fetch_all(self.db.pool())
        .await?;
        let mut sittings: HashMap<String, Vec<Sitting>> = HashMap::new();
        for r in &sittings_rows {
            sittings
                .entry(r.try_get("person_id")?)
                .or_default()
                .push(decode_sitting(r)?);
        }

        let hours_rows = sqlx::query(
            "SELECT a.person_id, CAST(SUM(a.hours_tenths) AS BIGINT) AS hours FROM attendance a JOIN people p ON p.id = a.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND a.held_on >= $3 AND a.held_on <= $4 \
             GROUP BY a.person_id",
        )
        .bind(low)
        .bind(high)
        .bind(from)
        .bind(to)
        .fetch_all(self.db.pool())
        .await?;
        let mut hours: HashMap<String, i64> = HashMap::new();
        for r in &hours_rows {
            hours.insert(r.try_get("person_id")?, r.try_get("hours")?);
        }

        Ok(certificates
            .into_iter()
            .map(|certificate| ReviewCase {
                already: already.get(&certificate.id).copied(),
                sittings: sittings
                    .get(&certificate.person_id)
                    .cloned()
                    .unwrap_or_default(),
                hours_tenths: hours.get(&certificate.person_id).copied().unwrap_or(0),
                certificate,
            })
            .collect())
    }

    /// Applies review outcomes (certificate, outcome) of `year` decided on
    /// `on`, all in one transaction.
    pub async fn apply_reviews(
        &self,
        decisions: &[(Certificate, ReviewOutcome)],
        year: i32,
        on: NaiveDate,
    ) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        for (certificate, outcome) in decisions {
            let status = match outcome {
                ReviewOutcome::Passed => CertificateStatus::Active,
                ReviewOutcome::Suspended => CertificateStatus::Suspended,
                ReviewOutcome::Revoked => CertificateStatus::Revoked,
            };
            if status != certificate.status {
                change_status(&mut tx, certificate, status, on).await?;
            }
            // One row per certificate and year: its latest outcome.
            sqlx::query("DELETE FROM certificate_reviews WHERE certificate_id = $1 AND year = $2")
                .bind(certificate.id.clone())
                .bind(i64::from(year))
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO certificate_reviews (certificate_id, year, outcome, decided_on) VALUES ($1, $2, $3, $4)",
            )
            .bind(certificate.id.clone())
            .bind(i64::from(year))
            .bind(outcome.code())
            .bind(on.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn insert_outreach(&self, o: &Outreach) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO outreach_events (id, division_code, held_on, theme, audience, materials, people_reached) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(o.id.clone())
        .bind(o.division.to_string())
        .bind(o.held_on.to_string())
        .bind(o.theme.clone())
        .bind(o.audience.clone())
        .bind(o.materials)
        .bind(o.people_reached)
        .execute(self.db.pool())
        .await?;
        Ok(())
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
            // A person registered in two townships (one held) is one person.
            "SELECT COUNT(DISTINCT id_number), COUNT(DISTINCT CASE WHEN enforcement_post = 1 THEN id_number END) \
             FROM people WHERE division_code >= $1 AND division_code < $2",
        )
        .bind(low.clone())
        .bind(high.clone())
        .fetch_one(self.db.pool())
        .await?;
        let (holders, section_level, certified_staff): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN p.section_level = 1 THEN 1 END), \
             COUNT(CASE WHEN p.enforcement_post = 1 THEN 1 END) FROM people p \
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
            certified_enforcement_staff: certified_staff,
        })
    }

    /// Reviews, hours, exams and outreach of `scope` from `from` to `to`
    /// (dates inclusive).
    pub async fn period_figures(
        &self,
        scope: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        required_tenths: i64,
    ) -> Result<PeriodFigures, Error> {
        let (low, high) = db::division_range(Some(scope));
        let (from_text, to_text) = (from.to_string(), to.to_string());
        let (review_takers, review_passed): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN r.outcome = 'passed' THEN 1 END) FROM certificate_reviews r \
             JOIN certificates c ON c.id = r.certificate_id JOIN people p ON p.id = c.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND r.year >= $3 AND r.year <= $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(i64::from(from.year()))
        .bind(i64::from(to.year()))
        .fetch_one(self.db.pool())
        .await?;
        let (staff_hours, meeting): (Option<i64>, i64) = sqlx::query_as(
            "SELECT CAST(SUM(h.hours) AS BIGINT), COUNT(CASE WHEN h.hours >= $5 THEN 1 END) FROM ( \
               SELECT a.person_id, SUM(a.hours_tenths) AS hours FROM attendance a JOIN people p ON p.id = a.person_id \
               WHERE p.division_code >= $1 AND p.division_code < $2 AND p.enforcement_post = 1 \
                 AND a.held_on >= $3 AND a.held_on <= $4 GROUP BY a.person_id) h",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(from_text.clone())
        .bind(to_text.clone())
        .bind(required_tenths)
        .fetch_one(self.db.pool())
        .await?;
        let exam_rows = sqlx::query(
            "SELECT e.kind, COUNT(*) AS registered, COUNT(r.score) AS sat, \
               COUNT(CASE WHEN r.score >= e.pass_mark THEN 1 END) AS passed, \
               COUNT(CASE WHEN r.score >= e.excellent_mark THEN 1 END) AS excellent \
             FROM exam_results r JOIN exams e ON e.id = r.exam_id \
             WHERE e.division_code >= $1 AND e.division_code < $2 AND e.held_on >= $3 AND e.held_on <= $4 \
             GROUP BY e.kind ORDER BY e.kind",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(from_text.clone())
        .bind(to_text.clone())
        .fetch_all(self.db.pool())
        .await?;
        let exams = exam_rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<String, _>("kind")?,
                    r.try_get::<i64, _>("registered")?,
                    r.try_get::<i64, _>("sat")?,
                    r.try_get::<i64, _>("passed")?,
                    r.try_get::<i64, _>("excellent")?,
                ))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let (events, materials, people): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), CAST(SUM(materials) AS BIGINT), CAST(SUM(people_reached) AS BIGINT) FROM outreach_events \
             WHERE division_code >= $1 AND division_code < $2 AND held_on >= $3 AND held_on <= $4",
        )
        .bind(low)
        .bind(high)
        .bind(from_text)
        .bind(to_text)
        .fetch_one(self.db.pool())
        .await?;
        Ok(PeriodFigures {
            review_takers,
            review_passed,
            staff_hours_tenths: staff_hours.unwrap_or(0),
            staff_meeting_requirement: meeting,
            exams,
            outreach_events: events,
            outreach_materials: materials.unwrap_or(0),
            outreach_people: people.unwrap_or(0),
        })
    }
}

async fn insert_person_in(conn: &mut sqlx::AnyConnection, p: &Person) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO people (id, division_code, name, id_number, unit, employment, rank, section_level, enforcement_post, version, held_for) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(p.id.clone())
    .bind(p.division.to_string())
    .bind(p.name.clone())
    .bind(p.id_number.clone())
    .bind(p.unit.clone())
    .bind(p.employment.code())
    .bind(p.rank.clone())
    .bind(i64::from(p.section_level))
    .bind(i64::from(p.enforcement_post))
    .bind(p.version)
    .bind(p.held_for.clone())
    .execute(conn)
    .await
    .map(|_| ())
}

async fn insert_certificate_in(
    tx: &mut Transaction<'_, Any>,
    c: &Certificate,
) -> Result<(), Error> {
    let done = sqlx::query(
        "INSERT INTO certificates (id, number, person_id, issued_on, valid_until, status, status_since, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.id.clone())
    .bind(c.number.clone())
    .bind(c.person_id.clone())
    .bind(c.issued_on.to_string())
    .bind(c.valid_until.to_string())
    .bind(c.status.code())
    .bind(c.status_since.to_string())
    .bind(c.version)
    .execute(&mut **tx)
    .await;
    match done {
        Ok(_) => {}
        Err(err) if db::is_unique_violation(&err) => {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                "certificate_number_exists",
                format!("certificate number {} is taken", c.number),
            )
            .with_field("number"));
        }
        Err(err) => return Err(err.into()),
    }
    sqlx::query(
        "INSERT INTO certificate_history (certificate_id, seq, since, status) VALUES ($1, 1, $2, $3)",
    )
    .bind(c.id.clone())
    .bind(c.status_since.to_string())
    .bind(c.status.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn certificates_in(
    tx: &mut Transaction<'_, Any>,
    person_id: &str,
) -> Result<Vec<Certificate>, Error> {
    let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE person_id = $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(person_id.to_owned())
        .fetch_all(&mut **tx)
        .await?;
    rows.iter().map(decode_certificate).collect()
}

/// Moves `certificate` to `status` from `on`, checking its version and
/// appending to its history.
async fn change_status(
    tx: &mut Transaction<'_, Any>,
    certificate: &Certificate,
    status: CertificateStatus,
    on: NaiveDate,
) -> Result<(), Error> {
    let done = sqlx::query(
        "UPDATE certificates SET status = $1, status_since = $2, version = version + 1 WHERE id = $3 AND version = $4",
    )
    .bind(status.code())
    .bind(on.to_string())
    .bind(certificate.id.clone())
    .bind(certificate.version)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(conflict("certificate"));
    }
    sqlx::query(
        "INSERT INTO certificate_history (certificate_id, seq, since, status) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3 FROM certificate_history WHERE certificate_id = $1",
    )
    .bind(certificate.id.clone())
    .bind(on.to_string())
    .bind(status.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn decode_person(r: &AnyRow) -> Result<Person, Error> {
    let division: String = r.try_get("division_code")?;
    let employment: String = r.try_get("employment")?;
    Ok(Person {
        id: r.try_get("id")?,
        division: DivisionCode::parse(&division).map_err(|_| corrupt("division", &division))?,
        name: r.try_get("name")?,
        id_number: r.try_get("id_number")?,
        unit: r.try_get("unit")?,
        employment: Employment::from_code(&employment)
            .ok_or_else(|| corrupt("employment", &employment))?,
        rank: r.try_get("rank")?,
        section_level: r.try_get::<i64, _>("section_level")? != 0,
        enforcement_post: r.try_get::<i64, _>("enforcement_post")? != 0,
        version: r.try_get("version")?,
        held_for: r.try_get("held_for")?,
    })
}

async fn insert_registration(
    tx: &mut Transaction<'_, Any>,
    caller: &Caller,
    p: &Person,
    row: Option<usize>,
) -> Result<(), Error> {
    insert_person_in(tx, p)
        .await
        .map_err(|err| registration_conflict(err, row))?;
    if p.held_for.is_some() {
        let division = p.division.to_string();
        audit::record(
            &mut **tx,
            caller,
            "person.registration_held",
            "person",
            &p.id,
            &division,
        )
        .await?;
        tracing::warn!(person = %p.id, division = %division, "registration held for the county");
    }
    Ok(())
}

/// A registration that lost a race for its ID number: the same answer as
/// one refused beforehand for being in the caller's divisions.
fn registration_conflict(err: sqlx::Error, row: Option<usize>) -> Error {
    if !db::is_unique_violation(&err) {
        return err.into();
    }
    let message = "a person with this ID number is on record in your divisions";
    Error::new(
        ErrorKind::AlreadyExists,
        "id_number_exists",
        match row {
            Some(row) => format!("row {row}: {message}"),
            None => message.to_owned(),
        },
    )
    .with_field("id_number")
}

fn decode_certificate(r: &AnyRow) -> Result<Certificate, Error> {
    let status: String = r.try_get("status")?;
    Ok(Certificate {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        person_id: r.try_get("person_id")?,
        issued_on: date(&r.try_get::<String, _>("issued_on")?)?,
        valid_until: date(&r.try_get::<String, _>("valid_until")?)?,
        status: CertificateStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
        status_since: date(&r.try_get::<String, _>("status_since")?)?,
        version: r.try_get("version")?,
    })
}

fn decode_sitting(r: &AnyRow) -> Result<Sitting, Error> {
    let kind: String = r.try_get("kind")?;
    Ok(Sitting {
        kind: ExamKind::from_code(&kind).ok_or_else(|| corrupt("exam kind", &kind))?,
        held_on: date(&r.try_get::<String, _>("held_on")?)?,
        score: r.try_get("score")?,
        pass_mark: r.try_get("pass_mark")?,
    })
}
