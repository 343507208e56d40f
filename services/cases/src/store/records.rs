//! Full-process records: registered against a case, each in its history.

use fazhi_platform::{Error, time};
use sqlx::{Row, any::AnyRow};

use super::cases::{Step, append};
use super::{Store, corrupt};
use crate::domain::{Case, Record, RecordKind, RecordStep};

impl Store {
    /// Registers a record of `case` and appends it to the case's history,
    /// in one transaction (the case's state and version are unchanged).
    pub async fn insert_record(
        &self,
        case: &Case,
        record: &Record,
        step: Step<'_>,
    ) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO case_records (id, case_id, kind, step, sha256, size_bytes, location, recorded_by, device, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(record.id.clone())
        .bind(record.case_id.clone())
        .bind(record.kind.code())
        .bind(record.step.code())
        .bind(record.sha256.clone())
        .bind(record.size_bytes)
        .bind(record.location.clone())
        .bind(record.recorded_by.clone())
        .bind(record.device.clone())
        .bind(time::to_micros(record.recorded_at))
        .execute(&mut *tx)
        .await?;
        // The case's first audio or video record: recorded from now on. (The
        // row is written first: a transaction that reads before it writes
        // cannot take the write lock once another commit moved on.)
        let audio_video: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM case_records WHERE case_id = $1 AND kind IN ('audio', 'video')",
        )
        .bind(case.id.clone())
        .fetch_one(&mut *tx)
        .await?;
        if audio_video == 1 && matches!(record.kind, RecordKind::Audio | RecordKind::Video) {
            let delta = crate::domain::delta(
                &crate::domain::tallies(case, false),
                &crate::domain::tallies(case, true),
            );
            super::totals::add(&mut tx, &case.division, &delta).await?;
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

    /// Marks a record's content as uploaded and checked, kept at `key`,
    /// appending that to the case's history; false when it already was
    /// (content is stored once: the first upload to be marked wins).
    pub async fn mark_content_stored(
        &self,
        case: &Case,
        record_id: &str,
        key: &str,
        step: Step<'_>,
    ) -> Result<bool, Error> {
        let now = time::to_micros(self.clock.now());
        let mut tx = self.db.pool().begin().await?;
        let marked = sqlx::query(
            "UPDATE case_records SET content_stored_at = $1, content_key = $4 \
             WHERE id = $2 AND case_id = $3 AND content_stored_at IS NULL",
        )
        .bind(now)
        .bind(record_id.to_owned())
        .bind(case.id.clone())
        .bind(key.to_owned())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            return Ok(false);
        }
        append(&mut tx, &self.history_key, case, case.status, step, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// One record of a case.
    pub async fn record(&self, case_id: &str, record_id: &str) -> Result<Option<Record>, Error> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM case_records WHERE id = $1 AND case_id = $2"
        )))
        .bind(record_id.to_owned())
        .bind(case_id.to_owned())
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(decode).transpose()
    }

    /// A case's records, oldest first.
    pub async fn records(&self, case_id: &str) -> Result<Vec<Record>, Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM case_records WHERE case_id = $1 ORDER BY recorded_at, id"
        )))
        .bind(case_id.to_owned())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(decode).collect()
    }
}

const COLUMNS: &str = "id, case_id, kind, step, sha256, size_bytes, location, recorded_by, device, recorded_at, content_stored_at, content_key";

fn decode(r: &AnyRow) -> Result<Record, Error> {
    let kind: String = r.try_get("kind")?;
    let step: String = r.try_get("step")?;
    Ok(Record {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        kind: RecordKind::from_code(&kind).ok_or_else(|| corrupt("record kind", &kind))?,
        step: RecordStep::from_code(&step).ok_or_else(|| corrupt("record step", &step))?,
        sha256: r.try_get("sha256")?,
        size_bytes: r.try_get("size_bytes")?,
        location: r.try_get("location")?,
        recorded_by: r.try_get("recorded_by")?,
        device: r.try_get("device")?,
        recorded_at: time::from_micros(r.try_get("recorded_at")?),
        content_stored_at: r
            .try_get::<Option<i64>, _>("content_stored_at")?
            .map(time::from_micros),
        content_key: r.try_get("content_key")?,
    })
}
