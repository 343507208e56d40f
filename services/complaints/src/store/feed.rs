//! The feed of every complaint's steps in commit order, for the systems
//! that follow the complaints they pushed (a county 12345 platform).
//!
//! A step takes its feed position from the one head row in the step's own
//! transaction and holds that row until it commits, so positions are given
//! in commit order on both engines: a reader that has read up to N never
//! sees an event at or below N appear later. (On SQLite the writer is one
//! connection anyway; on PostgreSQL the row lock orders the writers.)

use fazhi_platform::{DivisionCode, Error, db};
use sqlx::Row;

use super::{Store, workflow::Event};
use crate::domain::{Complaint, Seen, Ticket};

/// The columns and joins every read of the feed makes.
macro_rules! feed_select {
    () => {
        "SELECT f.position, e.seq, e.at, e.recorded_at, e.actor, e.kind, e.from_status, e.to_status, e.note, e.detail, \
         f.complaint_id, c.division_code, c.handling_unit, c.concerns_unit, c.concerns_officer, c.source, c.external_id \
         FROM complaint_feed f \
         JOIN complaint_events e ON e.complaint_id = f.complaint_id AND e.seq = f.seq \
         JOIN complaints c ON c.id = f.complaint_id"
    };
}

fn feed_event(row: &sqlx::any::AnyRow) -> Result<FeedEvent, Error> {
    Ok(FeedEvent {
        position: row.try_get("position")?,
        complaint: feed_complaint(row)?,
        event: super::workflow::event(row)?,
    })
}

/// Takes the next feed position for event `seq` of `complaint`, inside
/// the step's transaction, and queues it for the platform that pushed the
/// complaint when that platform registered an endpoint and `deliver`.
pub(super) async fn append(
    conn: &mut sqlx::AnyConnection,
    complaint: &Complaint,
    seq: i64,
    at: chrono::DateTime<chrono::Utc>,
    deliver: bool,
) -> Result<(), Error> {
    let complaint_id = complaint.id.as_str();
    let position: i64 = sqlx::query_scalar(
        "UPDATE complaint_feed_head SET last = last + 1 WHERE id = 1 RETURNING last",
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO complaint_feed (position, complaint_id, seq, committed_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(position)
    .bind(complaint_id.to_owned())
    .bind(seq)
    .bind(fazhi_platform::time::to_micros(at))
    .execute(&mut *conn)
    .await?;
    if let Some(ticket) = complaint.ticket.as_ref().filter(|_| deliver) {
        super::deliveries::enqueue(
            conn,
            position,
            &ticket.source,
            complaint_id,
            fazhi_platform::time::to_micros(at),
        )
        .await?;
    }
    Ok(())
}

/// Which events a page of the feed holds.
#[derive(Debug, Clone, Default)]
pub struct FeedFilter {
    /// Complaints of this division (or dispatched to a unit in it).
    pub division: Option<DivisionCode>,
    /// Only the tickets of this platform.
    pub source: Option<String>,
}

/// One event of the feed, with what the feed tells of its complaint.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    pub position: i64,
    pub complaint: FeedComplaint,
    pub event: Event,
}

/// What the feed reads of a complaint: who it is, and what deciding who
/// may see it needs ([`crate::domain::visible_as`]).
#[derive(Debug, Clone)]
pub struct FeedComplaint {
    pub id: String,
    pub division_code: DivisionCode,
    pub unit: Option<DivisionCode>,
    pub concerns_unit: Option<DivisionCode>,
    pub concerns_officer: Option<String>,
    pub ticket: Option<Ticket>,
}

impl FeedComplaint {
    pub fn seen(&self) -> Seen<'_> {
        Seen {
            division: &self.division_code,
            unit: self.unit.as_ref(),
            concerns_unit: self.concerns_unit.as_ref(),
            concerns_officer: self.concerns_officer.as_deref(),
            source: self.ticket.as_ref().map(|t| t.source.as_str()),
        }
    }
}

fn division(row: &sqlx::any::AnyRow, column: &str) -> Result<Option<DivisionCode>, Error> {
    match row.try_get::<Option<String>, _>(column)? {
        Some(code) if !code.is_empty() => DivisionCode::parse(&code)
            .map(Some)
            .map_err(|_| Error::internal(format!("stored {column} {code:?} is invalid"))),
        _ => Ok(None),
    }
}

fn feed_complaint(row: &sqlx::any::AnyRow) -> Result<FeedComplaint, Error> {
    Ok(FeedComplaint {
        id: row.try_get("complaint_id")?,
        division_code: division(row, "division_code")?
            .ok_or_else(|| Error::internal("a stored complaint has no division"))?,
        unit: division(row, "handling_unit")?,
        concerns_unit: division(row, "concerns_unit")?,
        concerns_officer: row.try_get("concerns_officer")?,
        ticket: match (
            row.try_get::<Option<String>, _>("source")?,
            row.try_get::<Option<String>, _>("external_id")?,
        ) {
            (Some(source), Some(external_id)) => Some(Ticket {
                source,
                external_id,
            }),
            _ => None,
        },
    })
}

/// A page of the feed: the events after the cursor in position order, and
/// the last position the page covers (events skipped by a filter the caller
/// applies afterwards included), from which the next page starts.
#[derive(Debug, Clone)]
pub struct FeedPage {
    pub events: Vec<FeedEvent>,
    pub last: i64,
    /// The newest position of the whole feed when the page was read.
    pub head: i64,
    /// The position the feed was pruned through: an `after` before it has
    /// expired.
    pub oldest: i64,
}

impl Store {
    /// The feed's events at `positions` (those that exist), in one read.
    pub async fn feed_at(&self, positions: &[i64]) -> Result<Vec<FeedEvent>, Error> {
        if positions.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{} WHERE f.position IN ({}) ORDER BY f.position",
            feed_select!(),
            fazhi_platform::db::placeholders(1, positions.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for position in positions {
            query = query.bind(*position);
        }
        let rows = query.fetch_all(self.db.pool()).await?;
        rows.iter().map(feed_event).collect()
    }

    /// The newest position of the feed, and the one it was pruned through
    /// (a cursor before it has expired).
    pub async fn feed_head(&self) -> Result<(i64, i64), Error> {
        Ok(
            sqlx::query_as("SELECT last, pruned_through FROM complaint_feed_head WHERE id = 1")
                .fetch_optional(self.db.pool())
                .await?
                .unwrap_or((0, 0)),
        )
    }

    /// Up to `limit` events after position `after` that `filter` covers.
    pub async fn feed(
        &self,
        after: i64,
        filter: &FeedFilter,
        limit: i64,
    ) -> Result<FeedPage, Error> {
        let (head, oldest) = self.feed_head().await?;
        let (low, high) = db::division_range(filter.division.as_ref());
        let source = filter.source.clone().unwrap_or_default();
        let rows = sqlx::query(concat!(
            feed_select!(),
            " WHERE f.position > $1 AND f.position <= $2 \
             AND ((c.division_code >= $3 AND c.division_code < $4) OR (c.handling_unit >= $3 AND c.handling_unit < $4)) \
             AND ($5 = '' OR c.source = $5) \
             ORDER BY f.position LIMIT $6"
        ))
        .bind(after)
        .bind(head)
        .bind(low)
        .bind(high)
        .bind(source)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        let events = rows.iter().map(feed_event).collect::<Result<Vec<_>, _>>()?;
        // A short page has read everything up to the head it was read at.
        let last = if (events.len() as i64) < limit {
            head.max(after)
        } else {
            events.last().map_or(after, |e| e.position)
        };
        Ok(FeedPage {
            events,
            last,
            head,
            oldest,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use fazhi_calendar::Calendar;
    use fazhi_platform::db::Backend;

    use super::*;
    use crate::domain::{self, Channel, NewComplaint, ReplyRules, RequestType};
    use crate::store::workflow::{Step, append_event};

    fn complaint(at: &str) -> Complaint {
        domain::intake(
            NewComplaint {
                channel: Channel::Hotline12345,
                request_type: RequestType::Complaint,
                category: "illegal_construction".into(),
                content: "违法建房".into(),
                address: "西关村".into(),
                division_code: "411624100".into(),
                complainant_name: None,
                complainant_phone: None,
                urgent: false,
                concerns_unit: None,
                concerns_officer: None,
            },
            at.parse::<DateTime<Utc>>().unwrap(),
            &Calendar::official(),
            &ReplyRules::default(),
            uuid::Uuid::now_v7().to_string(),
            domain::new_tracking_code(),
        )
        .unwrap()
    }

    /// A step's transaction up to its feed position, left open: the
    /// complaint written first (as every step writes before its event).
    async fn step<'c>(
        tx: &mut sqlx::Transaction<'c, sqlx::Any>,
        c: &Complaint,
        kind: &str,
    ) -> Result<(), Error> {
        sqlx::query("UPDATE complaints SET version = version WHERE id = $1")
            .bind(c.id.clone())
            .execute(&mut **tx)
            .await?;
        append_event(
            tx,
            c,
            c,
            Step {
                actor: "account:desk",
                kind,
                note: "",
                detail: "{}".into(),
                at: c.received_at,
                entered: None,
                by_platform: false,
            },
        )
        .await
    }

    fn kinds(page: &FeedPage) -> Vec<(i64, String)> {
        page.events
            .iter()
            .map(|e| (e.position, e.event.kind.clone()))
            .collect()
    }

    #[tokio::test]
    async fn no_step_takes_a_position_behind_one_not_yet_committed() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            let backend = store.database().backend();
            let (a, b) = (
                complaint("2026-03-02T01:00:00Z"),
                complaint("2026-03-02T01:05:00Z"),
            );
            store.insert(a.clone(), None).await.unwrap();
            store.insert(b.clone(), None).await.unwrap();
            let all = FeedFilter::default();

            // The first step takes position 1 and has not committed yet.
            let mut first = store.database().pool().begin().await.unwrap();
            step(&mut first, &a, "dispatched").await.unwrap();

            // A second step cannot take a position meanwhile: it would wait
            // (here it is told not to), so it can never commit ahead of the first.
            let mut second = store.database().pool().begin().await.unwrap();
            let no_wait = match backend {
                Backend::Postgres => "SET LOCAL lock_timeout = '20ms'",
                Backend::Sqlite => "PRAGMA busy_timeout = 0",
            };
            sqlx::query(no_wait).execute(&mut *second).await.unwrap();
            assert!(
                step(&mut second, &b, "dispatched").await.is_err(),
                "{backend:?}: a second position was taken while the first was open"
            );
            second.rollback().await.unwrap();
            let page = store.feed(0, &all, 100).await.unwrap();
            assert_eq!(kinds(&page), vec![], "{backend:?}: nothing committed yet");
            assert_eq!(page.last, 0, "{backend:?}");

            first.commit().await.unwrap();
            let read = store.feed(0, &all, 100).await.unwrap();
            assert_eq!(kinds(&read), vec![(1, "dispatched".into())], "{backend:?}");
            assert_eq!(read.last, 1, "{backend:?}");

            let mut second = store.database().pool().begin().await.unwrap();
            if backend == Backend::Sqlite {
                sqlx::query("PRAGMA busy_timeout = 5000")
                    .execute(&mut *second)
                    .await
                    .unwrap();
            }
            step(&mut second, &b, "accepted").await.unwrap();
            second.commit().await.unwrap();
            // The reader that had read up to 1 goes on from there and misses nothing.
            let next = store.feed(read.last, &all, 100).await.unwrap();
            assert_eq!(kinds(&next), vec![(2, "accepted".into())], "{backend:?}");
            assert_eq!(next.events[0].complaint.id, b.id, "{backend:?}");
            assert_eq!(
                store.feed(0, &all, 1).await.unwrap().last,
                1,
                "{backend:?}: a full page ends at its last event"
            );
        }
    }

    #[tokio::test]
    async fn concurrent_steps_fill_the_feed_without_gaps_in_commit_order() {
        for db in fazhi_testkit::databases().await {
            let store = Store::open(db.url(), db.data_dir()).await.unwrap();
            let backend = store.database().backend();
            let mut tasks = Vec::new();
            for n in 0..40 {
                let store = store.clone();
                let c = complaint("2026-03-02T01:00:00Z");
                store.insert(c.clone(), None).await.unwrap();
                tasks.push(tokio::spawn(async move {
                    let mut tx = store.database().pool().begin().await?;
                    step(
                        &mut tx,
                        &c,
                        if n % 2 == 0 { "dispatched" } else { "accepted" },
                    )
                    .await?;
                    tx.commit().await?;
                    Ok::<_, Error>(())
                }));
            }
            for task in tasks {
                task.await.unwrap().unwrap();
            }
            let mut positions = Vec::new();
            let mut after = 0;
            loop {
                let page = store.feed(after, &FeedFilter::default(), 7).await.unwrap();
                positions.extend(page.events.iter().map(|e| e.position));
                if page.events.is_empty() {
                    break;
                }
                after = page.last;
            }
            assert_eq!(positions, (1..=40).collect::<Vec<i64>>(), "{backend:?}");
        }
    }
}
