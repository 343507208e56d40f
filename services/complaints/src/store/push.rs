//! Pushed tickets: found by the pushing platform's key, and written — the
//! new ones created, the changed ones updated — in one transaction.

use std::collections::HashMap;

use fazhi_platform::{Error, time};
use sqlx::Row;

use super::{Bumps, NewRow, Store, decode, insert_one};
use crate::domain::Complaint;

/// A pushed ticket to create, with its key.
pub struct Create {
    pub complaint: Complaint,
    pub source: String,
    pub external_id: String,
}

impl Store {
    /// The complaints already recorded under these (source, external id)
    /// keys.
    pub async fn by_external(
        &self,
        keys: &[(String, String)],
    ) -> Result<HashMap<(String, String), Complaint>, Error> {
        let mut found = HashMap::new();
        for batch in keys.chunks(200) {
            let marks: Vec<String> = (0..batch.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "SELECT {} FROM complaints WHERE (source, external_id) IN ({})",
                super::COMPLAINTS.columns,
                marks.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (source, id) in batch {
                query = query.bind(source.clone()).bind(id.clone());
            }
            for row in query.fetch_all(self.db.pool()).await? {
                let key = (row.try_get("source")?, row.try_get("external_id")?);
                found.insert(key, decode(&row)?);
            }
        }
        Ok(found)
    }

    /// Creates `new` and writes each `(before, after)` update, with the
    /// running totals and an event per update, all in one transaction.
    pub async fn push(
        &self,
        new: Vec<Create>,
        updated: &[(Complaint, Complaint)],
        actor: &str,
    ) -> Result<(), Error> {
        let now = self.clock.now();
        let mut bumps = Bumps::default();
        let mut tx = self.db.pool().begin().await?;
        for create in new {
            bumps.received(&create.complaint);
            let row = NewRow {
                complaint: create.complaint,
                request_id: None,
                external: Some((create.source, create.external_id)),
            };
            insert_one(&mut tx, &row).await.map_err(|err| {
                if fazhi_platform::db::is_unique_violation(&err) {
                    Error::new(
                        fazhi_platform::ErrorKind::AlreadyExists,
                        fazhi_platform::Code::AlreadyExists,
                        "a pushed ticket was recorded meanwhile",
                    )
                } else {
                    Error::from(err)
                }
            })?;
        }
        for (before, after) in updated {
            bumps.withdrawn(before);
            bumps.received(after);
            let changed = sqlx::query(
                "UPDATE complaints SET channel = $1, request_type = $2, category = $3, content = $4, address = $5, \
                 division_code = $6, complainant_name = $7, complainant_phone = $8, urgent = $9, received_at = $10, \
                 reply_due = $11, feedback_due = $12, version = $13, updated_at = $16 WHERE id = $14 AND version = $15",
            )
            .bind(after.channel.code())
            .bind(after.request_type.code())
            .bind(after.category.clone())
            .bind(after.content.clone())
            .bind(after.address.clone())
            .bind(after.division_code.as_str().to_owned())
            .bind(after.complainant.name.clone())
            .bind(after.complainant.phone.clone())
            .bind(i64::from(after.urgent))
            .bind(time::to_micros(after.received_at))
            .bind(time::to_micros(after.reply_due))
            .bind(after.feedback_due.map(time::to_micros))
            .bind(after.version)
            .bind(before.id.clone())
            .bind(before.version)
            .bind(time::to_micros(now))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(super::workflow::stale());
            }
            super::workflow::append_event(
                &mut tx,
                before,
                after,
                super::workflow::Step {
                    actor,
                    kind: "updated_by_push",
                    note: "",
                    detail: "{}".into(),
                    at: now,
                    entered: None,
                    by_platform: true,
                },
            )
            .await?;
        }
        bumps.write(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
