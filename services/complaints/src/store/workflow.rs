//! Workflow steps: the complaint as it becomes and the event that says so,
//! written together or not at all; the timeline read back.

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, time};
use sqlx::Row;
use tracing::Instrument;

use super::Store;
use crate::domain::{Complaint, Status};

/// One step in a complaint's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Who took the step (`account:…`, `api_key:…`).
    pub actor: String,
    pub kind: String,
    pub from: Status,
    pub to: Status,
    pub note: String,
    /// JSON of what the step recorded.
    pub detail: String,
    /// When it was entered, for a step entered after the fact (`at` is
    /// when it happened).
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A step to record: who, what, why, and what it recorded.
pub struct Step<'a> {
    pub actor: &'a str,
    pub kind: &'a str,
    pub note: &'a str,
    pub detail: String,
    pub at: DateTime<Utc>,
    /// Entered after the fact: when, and the audit entry that says who.
    pub entered: Option<Entered>,
    /// Taken by the platform that pushed the ticket (its own event, its
    /// re-push): it is in the feed, but not delivered back to the platform.
    pub by_platform: bool,
}

/// A step entered after the fact (its `at` is when it happened).
pub struct Entered {
    pub at: DateTime<Utc>,
    pub audit: fazhi_platform::db::audit::Entry,
}

impl Store {
    /// The time of the last step recorded on a complaint, if any: the step a
    /// new one entered after the fact must not precede.
    pub async fn last_step_at(&self, complaint_id: &str) -> Result<Option<DateTime<Utc>>, Error> {
        let at: Option<i64> =
            sqlx::query_scalar("SELECT MAX(at) FROM complaint_events WHERE complaint_id = $1")
                .bind(complaint_id.to_owned())
                .fetch_one(self.db.pool())
                .await?;
        Ok(at.map(time::from_micros))
    }

    /// Writes `after` over `before` (ABORTED when somebody changed it first)
    /// and appends the step to its timeline, in one transaction.
    pub async fn advance(
        &self,
        before: &Complaint,
        after: &Complaint,
        step: Step<'_>,
        bumps: super::Bumps,
        message: Option<&super::outbox::Message>,
    ) -> Result<(), Error> {
        let span = self.db.span("UPDATE", "complaints");
        async move {
            let handling = serde_json::to_string(&after.handling).map_err(Error::internal)?;
            let at = step.at;
            let mut tx = self.db.pool().begin().await?;
            let changed = sqlx::query(
                "UPDATE complaints SET status = $1, handling = $2, handling_unit = $3, reply_due = $4, version = $5, \
                 updated_at = $8, duplicate_of = $9 WHERE id = $6 AND version = $7",
            )
            .bind(after.status.code())
            .bind(handling)
            .bind(after.handling.unit.as_ref().map(|u| u.as_str().to_owned()))
            .bind(time::to_micros(after.reply_due))
            .bind(after.version)
            .bind(before.id.clone())
            .bind(before.version)
            .bind(time::to_micros(after.updated_at))
            .bind(after.handling.duplicate_of.clone())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(stale());
            }
            append_event(&mut tx, before, after, step).await?;
            bumps.write(&mut tx).await?;
            if let Some(message) = message {
                super::outbox::insert(&mut tx, message, at).await?;
            }
            tx.commit().await?;
            Ok(())
        }
        .instrument(span)
        .await
    }

    /// A complaint's steps since intake, oldest first.
    pub async fn timeline(&self, complaint_id: &str) -> Result<Vec<Event>, Error> {
        let rows = sqlx::query(
            "SELECT seq, at, recorded_at, actor, kind, from_status, to_status, note, detail \
             FROM complaint_events WHERE complaint_id = $1 ORDER BY seq",
        )
        .bind(complaint_id.to_owned())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(event).collect()
    }
}

/// The event a row holds (`seq`, `at`, `actor`, `kind`, `from_status`,
/// `to_status`, `note`, `detail`).
pub(super) fn event(r: &sqlx::any::AnyRow) -> Result<Event, Error> {
    let status = |column: &str| -> Result<Status, Error> {
        let code: String = r.try_get(column)?;
        Status::from_code(&code)
            .ok_or_else(|| Error::internal(format!("stored event has invalid status {code:?}")))
    };
    Ok(Event {
        seq: r.try_get("seq")?,
        at: time::from_micros(r.try_get("at")?),
        actor: r.try_get("actor")?,
        kind: r.try_get("kind")?,
        from: status("from_status")?,
        to: status("to_status")?,
        note: r.try_get("note")?,
        detail: r.try_get("detail")?,
        recorded_at: r
            .try_get::<Option<i64>, _>("recorded_at")?
            .map(time::from_micros),
    })
}

/// Appends `step` to the complaint's timeline on `conn`, inside the
/// caller's transaction.
pub(super) async fn append_event(
    conn: &mut sqlx::AnyConnection,
    before: &Complaint,
    after: &Complaint,
    step: Step<'_>,
) -> Result<(), Error> {
    let seq: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM complaint_events WHERE complaint_id = $1",
    )
    .bind(before.id.clone())
    .fetch_one(&mut *conn)
    .await?;
    let recorded_at = step.entered.as_ref().map_or(step.at, |e| e.at);
    if let Some(entered) = &step.entered {
        fazhi_platform::db::audit::append(&mut *conn, &entered.audit).await?;
    }
    sqlx::query(
        "INSERT INTO complaint_events (complaint_id, seq, at, actor, kind, from_status, to_status, note, detail, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(before.id.clone())
    .bind(seq)
    .bind(time::to_micros(step.at))
    .bind(step.actor.to_owned())
    .bind(step.kind.to_owned())
    .bind(before.status.code())
    .bind(after.status.code())
    .bind(step.note.to_owned())
    .bind(step.detail)
    .bind(step.entered.as_ref().map(|e| time::to_micros(e.at)))
    .execute(&mut *conn)
    .await?;
    // The feed orders and keeps steps by when they were entered.
    super::feed::append(conn, before, seq, recorded_at, !step.by_platform).await
}

/// The complaint was changed by somebody else since `before` was read.
pub(super) fn stale() -> Error {
    Error::changed_meanwhile("complaint")
}
