//! Published decisions, each publication and withdrawal also in the case's
//! history.

use chrono::NaiveDate;
use fazhi_platform::{Code, DivisionCode, Error, ErrorKind, db, time};
use sqlx::{Row, any::AnyRow};

use super::cases::{Step, append};
use super::{Store, corrupt, date};
use crate::domain::{Case, Penalty, Publication, WithdrawReason, Withdrawal};

const COLUMNS: &str = "case_id, division_code, agency, party, violation, basis, warning, fine_fen, penalty, decided_on, \
     published_on, on_time, ends_on, withdrawn_on, withdraw_reason, withdraw_note, withdraw_on_time";

impl Store {
    /// Records a case's publication; ALREADY_EXISTS when it has one.
    pub async fn insert_publication(
        &self,
        case: &Case,
        p: &Publication,
        step: Step<'_>,
    ) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        let done = sqlx::query(
            "INSERT INTO publications (case_id, division_code, agency, party, violation, basis, warning, fine_fen, \
               decided_on, published_on, on_time, ends_on, penalty) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(p.case_id.clone())
        .bind(p.division.to_string())
        .bind(p.agency.clone())
        .bind(p.party.clone())
        .bind(p.violation.clone())
        .bind(p.basis.clone())
        .bind(i64::from(p.penalty.warning))
        .bind(p.penalty.fine_fen)
        .bind(p.decided_on.to_string())
        .bind(p.published_on.to_string())
        .bind(i64::from(p.on_time))
        .bind(p.ends_on.to_string())
        .bind(
            serde_json::to_string(&p.penalty)
                .map_err(|e| Error::internal(format!("penalty: {e}")))?,
        )
        .execute(&mut *tx)
        .await;
        match done {
            Ok(_) => {}
            Err(err) if db::is_unique_violation(&err) => {
                return Err(Error::new(
                    ErrorKind::AlreadyExists,
                    Code::AlreadyPublished,
                    "the case's decision was published already",
                ));
            }
            Err(err) => return Err(err.into()),
        }
        append(
            &mut tx,
            &self.history_key,
            case,
            case.status,
            step,
            time::to_micros(self.clock.now()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a withdrawal (the publication as read must not be withdrawn).
    pub async fn withdraw_publication(
        &self,
        case: &Case,
        p: &Publication,
        step: Step<'_>,
    ) -> Result<(), Error> {
        let Some(w) = &p.withdrawn else {
            return Err(Error::internal("a withdrawal without its details"));
        };
        let mut tx = self.db.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE publications SET withdrawn_on = $1, withdraw_reason = $2, withdraw_note = $3, withdraw_on_time = $4 \
             WHERE case_id = $5 AND withdrawn_on = ''",
        )
        .bind(w.on.to_string())
        .bind(w.reason.code())
        .bind(w.note.clone())
        .bind(i64::from(w.on_time))
        .bind(p.case_id.clone())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(Error::new(
                ErrorKind::Conflict,
                Code::AlreadyWithdrawn,
                "the publication was withdrawn already",
            ));
        }
        append(
            &mut tx,
            &self.history_key,
            case,
            case.status,
            step,
            time::to_micros(self.clock.now()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn publication(&self, case_id: &str) -> Result<Option<Publication>, Error> {
        let sql = format!("SELECT {COLUMNS} FROM publications WHERE case_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case_id.to_owned())
            .fetch_optional(self.db.pool())
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// Publications of `scope` shown on `day` (published, not ended, not
    /// withdrawn), newest first by case id page, `limit` at most after `after`.
    pub async fn shown_publications(
        &self,
        scope: &DivisionCode,
        day: NaiveDate,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Publication>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let sql = format!(
            "SELECT {COLUMNS} FROM publications WHERE division_code >= $1 AND division_code < $2 \
             AND withdrawn_on = '' AND published_on <= $3 AND ends_on >= $3 AND case_id > $4 \
             ORDER BY case_id LIMIT $5"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(day.to_string())
            .bind(after.to_owned())
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(decode).collect()
    }
}

fn decode(r: &AnyRow) -> Result<Publication, Error> {
    let division: String = r.try_get("division_code")?;
    let withdrawn_on: String = r.try_get("withdrawn_on")?;
    let reason: String = r.try_get("withdraw_reason")?;
    Ok(Publication {
        case_id: r.try_get("case_id")?,
        division: DivisionCode::parse(&division).map_err(|_| corrupt("division", &division))?,
        agency: r.try_get("agency")?,
        party: r.try_get("party")?,
        violation: r.try_get("violation")?,
        basis: r.try_get("basis")?,
        penalty: match r.try_get::<String, _>("penalty")?.as_str() {
            // Published before every kind was kept: a warning and a fine.
            "" => Penalty {
                warning: r.try_get::<i64, _>("warning")? != 0,
                fine_fen: r.try_get("fine_fen")?,
                ..Penalty::default()
            },
            text => serde_json::from_str(text).map_err(|_| corrupt("penalty", text))?,
        },
        decided_on: date(&r.try_get::<String, _>("decided_on")?)?,
        published_on: date(&r.try_get::<String, _>("published_on")?)?,
        on_time: r.try_get::<i64, _>("on_time")? != 0,
        ends_on: date(&r.try_get::<String, _>("ends_on")?)?,
        withdrawn: match withdrawn_on.as_str() {
            "" => None,
            on => Some(Withdrawal {
                on: date(on)?,
                reason: WithdrawReason::from_code(&reason)
                    .ok_or_else(|| corrupt("withdraw reason", &reason))?,
                note: r.try_get("withdraw_note")?,
                on_time: r.try_get::<i64, _>("withdraw_on_time")? != 0,
            }),
        },
    })
}
