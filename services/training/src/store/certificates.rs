//! Certificates, the dated history of their status, and the annual review.
use fazhi_platform::Code;
use std::collections::HashMap;

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    db::{self},
};
use sqlx::{Any, Row, Transaction, any::AnyRow};

use super::records::decode_sitting;
use super::{CERTIFICATE_COLUMNS, CERTIFICATES, Store, conflict, corrupt, date};
use crate::domain::{
    Certificate, CertificateStatus, Competence, ReviewCase, ReviewOutcome, Sitting,
};
use fazhi_platform::category::EnforcementCategory;

impl Store {
    /// Issues many certificates in one transaction: all or none.
    pub async fn insert_certificates(&self, certificates: &[Certificate]) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        for c in certificates {
            insert_certificate_in(&mut tx, c).await?;
        }
        tx.commit().await?;
        Ok(())
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

    /// Certificates of people of `scope` (of `person_id` when given, with
    /// `status` now when given), by id, `limit` at most after `after`.
    pub async fn list_certificates(
        &self,
        scope: &DivisionCode,
        person_id: Option<&str>,
        status: Option<CertificateStatus>,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Certificate>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let columns = CERTIFICATE_COLUMNS
            .split(", ")
            .map(|col| format!("c.{col}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM certificates c JOIN people p ON p.id = c.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND ($3 = '' OR c.person_id = $3) \
               AND ($4 = '' OR c.status = $4) AND c.id > $5 ORDER BY c.id LIMIT $6"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(person_id.unwrap_or_default().to_owned())
            .bind(status.map_or("", CertificateStatus::code).to_owned())
            .bind(after.to_owned())
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(decode_certificate).collect()
    }

    pub async fn certificate(&self, id: &str) -> Result<Option<Certificate>, Error> {
        CERTIFICATES.one(&self.db, id, decode_certificate).await
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

    /// The latest day one of the person's certificates was revoked — by an
    /// annual review or by hand for misconduct; either bars re-issue from
    /// then.
    pub async fn last_revocation(&self, person_id: &str) -> Result<Option<NaiveDate>, Error> {
        let last: Option<String> = sqlx::query_scalar(
            "SELECT MAX(h.since) FROM certificate_history h JOIN certificates c ON c.id = h.certificate_id \
             WHERE c.person_id = $1 AND h.status = 'revoked'",
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
    /// Every certificate of `scope` in force for the review of `year`, with
    /// its sittings from the year's start to the retake `cutoff`, the year's
    /// hours, and make-up training after the year up to the cut-off.
    pub async fn review_cases(
        &self,
        scope: &DivisionCode,
        year: i32,
        cutoff: NaiveDate,
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
        let cutoff = cutoff.to_string();
        let sittings_rows = sqlx::query(
            "SELECT r.person_id, e.kind, e.held_on, e.pass_mark, r.score FROM exam_results r \
             JOIN exams e ON e.id = r.exam_id JOIN people p ON p.id = r.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND e.held_on >= $3 AND e.held_on <= $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(from.clone())
        .bind(cutoff.clone())
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
        .bind(low.clone())
        .bind(high.clone())
        .bind(from)
        .bind(to.clone())
        .fetch_all(self.db.pool())
        .await?;
        let mut hours: HashMap<String, i64> = HashMap::new();
        for r in &hours_rows {
            hours.insert(r.try_get("person_id")?, r.try_get("hours")?);
        }

        let makeup_rows = sqlx::query(
            "SELECT a.person_id, a.held_on, a.hours_tenths FROM attendance a JOIN people p ON p.id = a.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND a.held_on > $3 AND a.held_on <= $4",
        )
        .bind(low)
        .bind(high)
        .bind(to)
        .bind(cutoff)
        .fetch_all(self.db.pool())
        .await?;
        let mut makeup: HashMap<String, Vec<(NaiveDate, i64)>> = HashMap::new();
        for r in &makeup_rows {
            let held_on: String = r.try_get("held_on")?;
            makeup
                .entry(r.try_get("person_id")?)
                .or_default()
                .push((date(&held_on)?, r.try_get("hours_tenths")?));
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
                makeup: makeup
                    .get(&certificate.person_id)
                    .cloned()
                    .unwrap_or_default(),
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
            let status = outcome.status();
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
}

pub(super) async fn insert_certificate_in(
    tx: &mut Transaction<'_, Any>,
    c: &Certificate,
) -> Result<(), Error> {
    let done = sqlx::query(
        "INSERT INTO certificates (id, number, person_id, issued_on, valid_until, status, status_since, version, areas, categories) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(c.id.clone())
    .bind(c.number.clone())
    .bind(c.person_id.clone())
    .bind(c.issued_on.to_string())
    .bind(c.valid_until.to_string())
    .bind(c.status.code())
    .bind(c.status_since.to_string())
    .bind(c.version)
    .bind(join_codes(c.competence.areas.iter()))
    .bind(join_codes(c.competence.categories.iter()))
    .execute(&mut **tx)
    .await;
    match done {
        Ok(_) => {}
        Err(err) if db::is_unique_violation(&err) => {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                Code::CertificateNumberExists,
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

pub(super) async fn certificates_in(
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
pub(super) async fn change_status(
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

/// A certificate's areas or categories as stored: codes, space-separated.
fn join_codes<T: std::fmt::Display>(codes: impl Iterator<Item = T>) -> String {
    codes.map(|c| c.to_string()).collect::<Vec<_>>().join(" ")
}

fn decode_competence(r: &AnyRow) -> Result<Competence, Error> {
    let areas: String = r.try_get("areas")?;
    let categories: String = r.try_get("categories")?;
    Ok(Competence {
        areas: areas
            .split_ascii_whitespace()
            .map(|code| DivisionCode::parse(code).map_err(|_| corrupt("areas", code)))
            .collect::<Result<_, _>>()?,
        categories: categories
            .split_ascii_whitespace()
            .map(|code| {
                EnforcementCategory::from_code(code).ok_or_else(|| corrupt("categories", code))
            })
            .collect::<Result<_, _>>()?,
    })
}

pub(super) fn decode_certificate(r: &AnyRow) -> Result<Certificate, Error> {
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
        competence: decode_competence(r)?,
    })
}
