//! A ledger brought in: every complaint as its steps left it, each step in
//! its timeline with the time it happened and the time it was entered, and
//! the running totals — one transaction, all or nothing.
//!
//! Imported history is not in the feed nor delivered back: the platform
//! whose export it is has it already; the timelines show it.

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, db::audit, time};

use super::{Bumps, NewRow, Store, insert_one};
use crate::domain::{Complaint, Status};

/// Events per INSERT statement.
const EVENTS_PER_STATEMENT: usize = 100;

/// One step of an imported complaint's timeline.
#[derive(Debug, Clone)]
pub struct ImportedEvent {
    pub kind: &'static str,
    pub from: Status,
    pub to: Status,
    pub at: DateTime<Utc>,
    pub note: String,
    pub detail: String,
}

/// A complaint built from its ledger row, with its steps.
#[derive(Debug, Clone)]
pub struct Imported {
    pub complaint: Complaint,
    pub events: Vec<ImportedEvent>,
}

impl Store {
    /// Writes the imported complaints, their timelines and `bumps`, and the
    /// audit entries, in one transaction. A key recorded meanwhile fails it
    /// whole (ALREADY_EXISTS).
    pub async fn import(
        &self,
        imported: &[Imported],
        bumps: Bumps,
        actor: &str,
        audit: &[audit::Entry],
    ) -> Result<(), Error> {
        let entered = time::to_micros(self.clock.now());
        let mut tx = self.db.pool().begin().await?;
        for one in imported {
            let c = &one.complaint;
            let row = NewRow {
                complaint: c.clone(),
                request_id: None,
                external: c
                    .ticket
                    .as_ref()
                    .map(|t| (t.source.clone(), t.external_id.clone())),
            };
            insert_one(&mut tx, &row).await.map_err(|err| {
                if fazhi_platform::db::is_unique_violation(&err) {
                    Error::new(
                        fazhi_platform::ErrorKind::AlreadyExists,
                        fazhi_platform::Code::AlreadyExists,
                        "a ticket of this ledger was recorded meanwhile; import it again",
                    )
                } else {
                    Error::from(err)
                }
            })?;
        }
        // Every event of every complaint, many to a statement.
        let events: Vec<(&str, i64, &ImportedEvent)> = imported
            .iter()
            .flat_map(|one| {
                one.events
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (one.complaint.id.as_str(), i as i64 + 1, e))
            })
            .collect();
        for chunk in events.chunks(EVENTS_PER_STATEMENT) {
            let marks: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let b = i * 10;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9,
                        b + 10
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO complaint_events (complaint_id, seq, at, actor, kind, from_status, to_status, note, detail, recorded_at) VALUES {}",
                marks.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (id, seq, e) in chunk {
                query = query
                    .bind((*id).to_owned())
                    .bind(*seq)
                    .bind(time::to_micros(e.at))
                    .bind(actor.to_owned())
                    .bind(e.kind.to_owned())
                    .bind(e.from.code())
                    .bind(e.to.code())
                    .bind(e.note.clone())
                    .bind(e.detail.clone())
                    .bind(entered);
            }
            query.execute(&mut *tx).await?;
        }
        bumps.write(&mut tx).await?;
        for entry in audit {
            audit::append(&mut *tx, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
