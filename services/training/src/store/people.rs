//! People and the register of ID numbers.
use fazhi_platform::Code;
use std::collections::HashMap;

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    auth::Caller,
    db::{self, audit},
};
use sqlx::{Any, Row, Transaction, any::AnyRow};

use super::certificates::{certificates_in, change_status};
use super::{PEOPLE, Store, conflict, corrupt, date};
use crate::domain::{self, Employment, Person, RankLevel, Registration};

impl Store {
    /// Records a person. A registration racing another of the same ID number
    /// loses with ALREADY_EXISTS; the caller decided beforehand, from
    /// [`Store::registrations`], whether it is held.
    /// A held registration is audited (`person.registration_held`) in the
    /// same transaction, for the county to resolve.
    pub async fn insert_person(&self, caller: &Caller, p: &Person) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        insert_registration(&mut tx, self.now(), caller, p, None).await?;
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
            insert_registration(&mut tx, self.now(), caller, p, Some(*row)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every record (on the register or held) of each of `id_numbers`.
    pub async fn registrations(&self, id_numbers: &[String]) -> Result<Vec<Registration>, Error> {
        let mut found = Vec::new();
        for chunk in id_numbers.chunks(500) {
            let sql = format!(
                "SELECT id, id_number, division_code, held_for FROM people WHERE id_number IN ({})",
                db::placeholders(1, chunk.len())
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

    pub async fn person(&self, id: &str) -> Result<Option<Person>, Error> {
        PEOPLE.one(&self.db, id, decode_person).await
    }

    /// People of `scope`, by id, `limit` at most after `after`.
    pub async fn people(
        &self,
        scope: &DivisionCode,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Person>, Error> {
        PEOPLE
            .page(&self.db, scope, after, limit, decode_person)
            .await
    }

    /// Takes a person off the enforcement post on `on`, cancelling their
    /// certificates in force. Returns the person as now recorded.
    pub async fn leave_post(&self, person: &Person, on: NaiveDate) -> Result<Person, Error> {
        let mut tx = self.db.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE people SET enforcement_post = 0, left_post_on = $3, version = version + 1 WHERE id = $1 AND version = $2",
        )
        .bind(person.id.clone())
        .bind(person.version)
        .bind(on.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(conflict("person"));
        }
        let held = certificates_in(&mut tx, &person.id).await?;
        for (certificate, status) in domain::leave_post(&held, on) {
            change_status(&mut tx, certificate, status, on).await?;
        }
        tx.commit().await?;
        self.person(&person.id)
            .await?
            .ok_or_else(|| Error::not_found("person"))
    }

    /// Moves `person` to `to` on `on` (调动): cancels their certificates in
    /// force, and merges into their record a registration of them held in
    /// `to` (its attendance and results move over, the held row goes), all in
    /// one transaction with its audit entries.
    pub async fn transfer(
        &self,
        caller: &Caller,
        person: &Person,
        to: &DivisionCode,
        on: NaiveDate,
    ) -> Result<Person, Error> {
        let mut tx = self.db.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE people SET division_code = $1, version = version + 1 WHERE id = $2 AND version = $3",
        )
        .bind(to.to_string())
        .bind(person.id.clone())
        .bind(person.version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(conflict("person"));
        }
        sqlx::query(
            "INSERT INTO person_moves (person_id, moved_on, seq, from_division, to_division) \
             SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4 FROM person_moves WHERE person_id = $1",
        )
        .bind(person.id.clone())
        .bind(on.to_string())
        .bind(person.division.to_string())
        .bind(to.to_string())
        .execute(&mut *tx)
        .await?;
        let held = certificates_in(&mut tx, &person.id).await?;
        for (certificate, status) in domain::transfer(&held, on) {
            change_status(&mut tx, certificate, status, on).await?;
        }
        let (low, high) = db::division_range(Some(to));
        let waiting: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM people WHERE held_for = $1 AND division_code >= $2 AND division_code < $3",
        )
        .bind(person.id.clone())
        .bind(low)
        .bind(high)
        .fetch_all(&mut *tx)
        .await?;
        for held_id in &waiting {
            for table in ["attendance", "exam_results"] {
                let sql = format!("UPDATE {table} SET person_id = $1 WHERE person_id = $2");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(person.id.clone())
                    .bind(held_id.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(|err| {
                        if db::is_unique_violation(&err) {
                            Error::new(
                                ErrorKind::Conflict,
                                Code::RegistrationsOverlap,
                                "the held registration and the person both attended one session or sat one exam; \
                                 correct those records before the transfer",
                            )
                        } else {
                            err.into()
                        }
                    })?;
            }
            sqlx::query("DELETE FROM people WHERE id = $1")
                .bind(held_id.clone())
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut *tx,
                self.now(),
                caller,
                "person.registration_merged",
                "person",
                held_id,
                to.as_str(),
            )
            .await?;
        }
        audit::record(
            &mut *tx,
            self.now(),
            caller,
            "person.transferred",
            "person",
            &person.id,
            to.as_str(),
        )
        .await?;
        tx.commit().await?;
        self.person(&person.id)
            .await?
            .ok_or_else(|| Error::not_found("person"))
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
            let sql = format!(
                "SELECT {key} AS k, {value} AS v FROM people WHERE division_code >= $1 AND division_code < $2 \
                 AND {key} IN ({}) ORDER BY CASE WHEN held_for IS NULL THEN 1 ELSE 0 END",
                db::placeholders(3, chunk.len())
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
}

pub(super) async fn insert_person_in(
    conn: &mut sqlx::AnyConnection,
    p: &Person,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO people (id, division_code, name, id_number, unit, employment, rank, rank_level, section_level, enforcement_post, version, held_for, joined_on, legal_qualification) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(p.id.clone())
    .bind(p.division.to_string())
    .bind(p.name.clone())
    .bind(p.id_number.clone())
    .bind(p.unit.clone())
    .bind(p.employment.code())
    .bind(p.rank.clone())
    .bind(p.rank_level.map_or("", RankLevel::code).to_owned())
    .bind(i64::from(p.section_level))
    .bind(i64::from(p.enforcement_post))
    .bind(p.version)
    .bind(p.held_for.clone())
    .bind(p.joined_on.map(|d| d.to_string()).unwrap_or_default())
    .bind(p.legal_qualification.clone().unwrap_or_default())
    .execute(conn)
    .await
    .map(|_| ())
}

pub(super) fn decode_person(r: &AnyRow) -> Result<Person, Error> {
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
        rank_level: {
            let level: String = r.try_get("rank_level")?;
            match level.as_str() {
                "" => None,
                code => {
                    Some(RankLevel::from_code(code).ok_or_else(|| corrupt("rank level", code))?)
                }
            }
        },
        section_level: r.try_get::<i64, _>("section_level")? != 0,
        enforcement_post: r.try_get::<i64, _>("enforcement_post")? != 0,
        joined_on: match r.try_get::<String, _>("joined_on")?.as_str() {
            "" => None,
            text => Some(date(text)?),
        },
        legal_qualification: Some(r.try_get::<String, _>("legal_qualification")?)
            .filter(|n| !n.is_empty()),
        version: r.try_get("version")?,
        held_for: r.try_get("held_for")?,
    })
}

pub(super) async fn insert_registration(
    tx: &mut Transaction<'_, Any>,
    at: chrono::DateTime<chrono::Utc>,
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
            at,
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
pub(super) fn registration_conflict(err: sqlx::Error, row: Option<usize>) -> Error {
    if !db::is_unique_violation(&err) {
        return err.into();
    }
    let message = "a person with this ID number is on record in your divisions";
    Error::new(
        ErrorKind::AlreadyExists,
        Code::IdNumberExists,
        match row {
            Some(row) => format!("row {row}: {message}"),
            None => message.to_owned(),
        },
    )
    .with_field("id_number")
}
