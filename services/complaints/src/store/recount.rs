//! The running totals rebuilt from the timelines when the rules of counting
//! changed since they were kept (figures per complaint, never per step):
//! every complaint replayed by today's rules in one transaction, once; a
//! marker row says it was done, and a second process starting at the same
//! time waits on it and finds it done.

use std::collections::HashMap;

use fazhi_calendar::Calendar;
use fazhi_platform::{Error, db, time};
use sqlx::Row;

use super::{Bumps, Store, decode};
use crate::domain::{Complaint, NoVisit, ReplyRules, replay};

/// The rules the totals are kept by.
const BASIS: &str = "per_complaint";
/// Complaints replayed per page.
const PAGE: i64 = 1_000;

impl Store {
    /// Rebuilds the running totals from every timeline unless they were
    /// kept by today's rules already; the complaints recounted, or `None`.
    pub async fn recount_figures(
        &self,
        calendar: &Calendar,
        rules: &ReplyRules,
    ) -> Result<Option<usize>, Error> {
        let Some(mut tx) = db::claim_once(self.db.pool(), "complaint_figures_basis", BASIS).await?
        else {
            return Ok(None);
        };
        for table in ["complaint_figures", "complaint_figures_monthly"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await?;
        }
        let mut bumps = Bumps::default();
        let (mut after, mut recounted) = (String::new(), 0);
        loop {
            let rows = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM complaints WHERE id > $1 ORDER BY id LIMIT $2"
            ))
            .bind(after.clone())
            .bind(PAGE)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            let page: Vec<Complaint> = rows.iter().map(decode).collect::<Result<_, _>>()?;
            let mut events = timelines(&mut tx, &page).await?;
            for c in &page {
                let original = match &c.handling.duplicate_of {
                    Some(of) => original(&mut tx, of).await?,
                    None => None,
                };
                let happened = events.remove(&c.id).unwrap_or_default();
                let closed = c
                    .handling
                    .closed_without_follow_up
                    .as_deref()
                    .and_then(NoVisit::from_code);
                let extended = happened
                    .iter()
                    .any(|(kind, _, _)| kind == "extension_approved");
                let steps: Vec<_> = happened
                    .iter()
                    .filter_map(|(kind, at, detail)| {
                        let detail = serde_json::from_str(detail).unwrap_or_default();
                        Some((replay::step_of(kind, &detail, closed)?, *at))
                    })
                    .collect();
                let received = replay::as_received(c, extended, calendar, rules);
                bumps.add(replay::recount(
                    received,
                    &steps,
                    original.as_ref(),
                    calendar,
                    rules,
                ));
            }
            recounted += page.len();
        }
        bumps.write_totals(&mut tx).await?;
        tx.commit().await?;
        Ok(Some(recounted))
    }
}

type Happened = Vec<(String, chrono::DateTime<chrono::Utc>, String)>;

/// The events of `page`'s complaints, each timeline in order.
async fn timelines(
    conn: &mut sqlx::AnyConnection,
    page: &[Complaint],
) -> Result<HashMap<String, Happened>, Error> {
    let sql = format!(
        "SELECT complaint_id, kind, at, detail FROM complaint_events WHERE complaint_id IN ({}) \
         ORDER BY complaint_id, seq",
        fazhi_platform::db::placeholders(1, page.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for c in page {
        query = query.bind(c.id.clone());
    }
    let mut events: HashMap<String, Happened> = HashMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        events
            .entry(row.try_get("complaint_id")?)
            .or_default()
            .push((
                row.try_get("kind")?,
                time::from_micros(row.try_get("at")?),
                row.try_get("detail")?,
            ));
    }
    Ok(events)
}

async fn original(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Option<Complaint>, Error> {
    let row = sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM complaints WHERE id = $1"
    ))
    .bind(id.to_owned())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| decode(&r)).transpose()
}
