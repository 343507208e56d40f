//! Storage of complaints. Inserts go through a group-commit writer so that
//! concurrent intake shares fsyncs; reads use the pool directly.

use fazhi_platform::Code;
use std::path::Path;

use chrono::{DateTime, Utc};
use fazhi_platform::{
    DivisionCode, Error, ErrorKind,
    db::{self, BatchError, BatchWriter, Database},
    time,
};
use futures::future::BoxFuture;
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::domain::{Channel, Complainant, Complaint, RequestType, Status};

mod migrations;
pub use migrations::MIGRATIONS;

/// Rows written per transaction at most.
const MAX_GROUP_COMMIT: usize = 256;

/// Every column of a complaint row. A macro, so queries are `&'static str`
/// assembled at compile time.
macro_rules! columns {
    () => {
        "id, tracking_code, channel, request_type, category, content, address, division_code, \
         complainant_name, complainant_phone, urgent, status, received_at, reply_due, feedback_due, version, handling, lead_id, reminded_at, \
         source, external_id, updated_at"
    };
}

// After `columns!`, so the modules below may use it.
pub mod awaiting;
pub mod deliveries;
pub mod feed;
mod feed_retention;
pub mod figures;
pub mod import;
pub mod milestones;
pub mod outbox;
pub mod push;
mod recount;
pub mod reminders;
pub mod routing;
pub mod workflow;
pub use figures::Bumps;
pub use workflow::Event;

const COMPLAINTS: db::Table = db::Table {
    name: "complaints",
    columns: columns!(),
    key: "id",
};

/// Which complaints a list covers.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// This division and every division under it.
    pub division: Option<DivisionCode>,
    /// Received at or after.
    pub received_from: Option<DateTime<Utc>>,
    /// Received before.
    pub received_to: Option<DateTime<Utc>>,
    /// Only those not yet replied whose reply is due in `[from, to]`.
    pub due_between: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Who is looking: reports about enforcement conduct naming them are
    /// left out, by the rule of [`crate::domain::visible`].
    pub viewer: Option<crate::domain::Viewer>,
    /// Only the complaint a platform's ticket became.
    pub ticket: Option<crate::domain::Ticket>,
}

/// Where a page starts: after this (received_at, id) in newest-first order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub received_at: i64,
    pub id: String,
}

/// A complaint waiting to be written, with the id of the request that made
/// it or the pushing platform's key.
pub(crate) struct NewRow {
    pub(crate) complaint: Complaint,
    pub(crate) request_id: Option<String>,
    /// (source, external id) of a pushed ticket.
    pub(crate) external: Option<(String, String)>,
}

#[derive(Clone)]
pub struct Store {
    pub(crate) db: Database,
    writer: BatchWriter<NewRow>,
    /// Stamps what the store records by itself (a routing list's time, an
    /// outbox message's delivery).
    clock: fazhi_platform::clock::SharedClock,
}

/// Keeps every named officer in the one form names are compared in, so the
/// list filter's plain comparison holds for reports recorded before names
/// were normalised on intake (a few rows; nothing to do once done).
async fn normalise_named_officers(db: &Database) -> anyhow::Result<()> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, concerns_officer FROM complaints WHERE concerns_officer IS NOT NULL",
    )
    .fetch_all(db.pool())
    .await?;
    for (id, officer) in rows {
        let key = crate::domain::visibility::officer_key(&officer);
        if key != officer {
            sqlx::query("UPDATE complaints SET concerns_officer = $1 WHERE id = $2")
                .bind(key)
                .bind(id)
                .execute(db.pool())
                .await?;
        }
    }
    Ok(())
}

impl Store {
    pub async fn open(url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        let db = Database::open(url, data_dir, "complaints", MIGRATIONS).await?;
        normalise_named_officers(&db).await?;
        let writer = BatchWriter::spawn_with_finish(
            db.pool().clone(),
            MAX_GROUP_COMMIT,
            insert_none,
            insert_received,
        );
        Ok(Self {
            db,
            writer,
            clock: fazhi_platform::clock::system(),
        })
    }

    /// The store reading `clock` for what it stamps itself.
    pub fn with_clock(mut self, clock: fazhi_platform::clock::SharedClock) -> Self {
        self.clock = clock;
        self
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Records a new complaint; returns once it is durably committed.
    ///
    /// When `request_id` names a request that already created a complaint,
    /// nothing is written and that complaint is returned instead.
    pub async fn insert(
        &self,
        complaint: Complaint,
        request_id: Option<String>,
    ) -> Result<Complaint, Error> {
        let row = NewRow {
            complaint: complaint.clone(),
            request_id: request_id.clone(),
            external: None,
        };
        match self.writer.write(row).await {
            Ok(()) => Ok(complaint),
            Err(BatchError::Database(err)) if db::is_unique_violation(&err) => {
                if let Some(request_id) = request_id
                    && let Some(first) = self.get_by_request_id(&request_id).await?
                {
                    return Ok(first);
                }
                Err(Error::new(
                    ErrorKind::AlreadyExists,
                    Code::AlreadyExists,
                    "a complaint with this id or tracking code exists",
                ))
            }
            Err(BatchError::Database(err)) => Err(Error::from(err)),
            Err(BatchError::Stopped) => Err(Error::new(
                ErrorKind::Unavailable,
                Code::ShuttingDown,
                "the service is shutting down",
            )),
        }
    }

    pub async fn get_by_request_id(&self, request_id: &str) -> Result<Option<Complaint>, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM complaints WHERE request_id = $1"
        ))
        .bind(request_id.to_owned())
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|row| decode(&row)).transpose()
    }

    /// Up to 50 requests from `phone` received in `[from, to)`, newest first.
    pub async fn by_caller(
        &self,
        phone: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Complaint>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM complaints WHERE complainant_phone = $1 AND received_at >= $2 AND received_at < $3 \
             ORDER BY received_at DESC LIMIT 50"
        ))
        .bind(phone.to_owned())
        .bind(time::to_micros(from))
        .bind(time::to_micros(to))
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(decode).collect()
    }

    pub async fn get_by_tracking_code(&self, code: &str) -> Result<Option<Complaint>, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM complaints WHERE tracking_code = $1"
        ))
        .bind(code.to_owned())
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|row| decode(&row)).transpose()
    }

    pub async fn get(&self, id: &str) -> Result<Option<Complaint>, Error> {
        COMPLAINTS.one(&self.db, id, decode).await
    }

    /// Newest first, `limit` at most, starting after `after`.
    pub async fn list(
        &self,
        filter: &Filter,
        after: Option<&Cursor>,
        limit: i64,
    ) -> Result<Vec<Complaint>, Error> {
        let (low, high, from, to) = scope(filter);
        let (cursor_at, cursor_id) =
            after.map_or((i64::MAX, String::new()), |c| (c.received_at, c.id.clone()));
        // A complaint is the caller's by its division or by the unit it was
        // dispatched to.
        let (due_from, due_to) = filter.due_between.map_or((i64::MIN, i64::MAX), |(a, b)| {
            (time::to_micros(a), time::to_micros(b))
        });
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM complaints WHERE ((division_code >= $1 AND division_code < $2) \
               OR (handling_unit >= $1 AND handling_unit < $2)) \
             AND received_at >= $3 AND received_at < $4 \
             AND (received_at < $5 OR (received_at = $5 AND id < $6)) \
             AND reply_due >= $8 AND reply_due <= $9 \
             AND ($10 = 0 OR status IN ('received', 'dispatched', 'accepted', 'returned')) \
             AND (concerns_unit IS NULL OR $13 = 1 OR substr($11, 1, length(concerns_unit)) <> concerns_unit) \
             AND (concerns_officer IS NULL OR concerns_officer <> $12) \
             AND ($14 = '' OR (source = $14 AND external_id = $15)) \
             AND $16 = 0 AND ($17 = '' OR source = $17) \
             ORDER BY received_at DESC, id DESC LIMIT $7"
        ))
        .bind(low)
        .bind(high)
        .bind(from)
        .bind(to)
        .bind(cursor_at)
        .bind(cursor_id)
        .bind(limit)
        .bind(due_from)
        .bind(due_to)
        .bind(i64::from(filter.due_between.is_some()))
        .bind(filter.viewer.as_ref().map(|v| v.scope.clone()).unwrap_or_default())
        .bind(filter.viewer.as_ref().map(|v| v.officer_key.clone()).unwrap_or_default())
        .bind(i64::from(
            filter.viewer.as_ref().is_none_or(|v| v.above_every_unit),
        ))
        .bind(filter.ticket.as_ref().map(|t| t.source.clone()).unwrap_or_default())
        .bind(filter.ticket.as_ref().map(|t| t.external_id.clone()).unwrap_or_default())
        .bind(i64::from(filter.viewer.as_ref().is_some_and(|v| v.sees_none)))
        .bind(filter.viewer.as_ref().map(|v| v.source.clone()).unwrap_or_default())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(decode).collect()
    }
}

/// The division range and the period in micros a [`Filter`] covers.
fn scope(filter: &Filter) -> (String, String, i64, i64) {
    let (low, high) = db::division_range(filter.division.as_ref());
    (
        low,
        high,
        filter.received_from.map_or(i64::MIN, time::to_micros),
        filter.received_to.map_or(i64::MAX, time::to_micros),
    )
}

/// Nothing row by row: the group writer's batch is inserted whole, by
/// [`insert_received`].
fn insert_none<'c>(
    _: &'c mut AnyConnection,
    _: &'c NewRow,
) -> BoxFuture<'c, Result<(), sqlx::Error>> {
    Box::pin(async { Ok(()) })
}

/// The group writer's batch: its complaints inserted, then added to the
/// running totals, one statement per total. On PostgreSQL a statement per
/// [`ROWS_PER_INSERT`] rows (one round trip each, not one per row); SQLite,
/// in the process, has no round trip to save and runs its one prepared
/// statement row by row faster than a long one built afresh.
fn insert_received<'c>(
    conn: &'c mut AnyConnection,
    rows: &'c [&'c NewRow],
) -> BoxFuture<'c, Result<(), sqlx::Error>> {
    Box::pin(async move {
        if conn.backend_name() == "PostgreSQL" {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                insert_many(conn, chunk).await?;
            }
        } else {
            for row in rows {
                insert_one(conn, row).await?;
            }
        }
        let mut bumps = Bumps::default();
        for row in rows {
            bumps.received(&row.complaint);
        }
        bumps.write_totals(conn).await
    })
}

/// Complaints in one statement: at most 24 × [`ROWS_PER_INSERT`] values,
/// well within both engines' limits on bound parameters.
const ROWS_PER_INSERT: usize = 64;
const COLUMNS_PER_ROW: usize = 24;

/// The insert's columns, in the order [`bind_complaint`] binds them.
macro_rules! insert_complaint {
    () => {
        "INSERT INTO complaints (id, tracking_code, channel, request_type, category, content, \
         address, division_code, complainant_name, complainant_phone, urgent, status, received_at, reply_due, \
         feedback_due, version, request_id, source, external_id, handling, concerns_unit, concerns_officer, \
         updated_at, duplicate_of) VALUES"
    };
}

/// One complaint: a statement of its own, prepared once per connection.
const INSERT_ONE: &str = concat!(
    insert_complaint!(),
    " ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)"
);

async fn insert_many(conn: &mut AnyConnection, rows: &[&NewRow]) -> Result<(), sqlx::Error> {
    let mut sql = String::from(insert_complaint!());
    for r in 0..rows.len() {
        sql.push_str(if r == 0 { " (" } else { ", (" });
        for c in 0..COLUMNS_PER_ROW {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * COLUMNS_PER_ROW + c + 1).to_string());
        }
        sql.push(')');
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        query = bind_complaint(query, row);
    }
    query.execute(&mut *conn).await.map(|_| ())
}

fn bind_complaint<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    row: &NewRow,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let c = &row.complaint;
    query
        .bind(c.id.clone())
        .bind(c.tracking_code.clone())
        .bind(c.channel.code())
        .bind(c.request_type.code())
        .bind(c.category.clone())
        .bind(c.content.clone())
        .bind(c.address.clone())
        .bind(c.division_code.as_str().to_owned())
        .bind(c.complainant.name.clone())
        .bind(c.complainant.phone.clone())
        .bind(i64::from(c.urgent))
        .bind(c.status.code())
        .bind(time::to_micros(c.received_at))
        .bind(time::to_micros(c.reply_due))
        .bind(c.feedback_due.map(time::to_micros))
        .bind(c.version)
        .bind(row.request_id.clone())
        .bind(row.external.as_ref().map(|(source, _)| source.clone()))
        .bind(row.external.as_ref().map(|(_, id)| id.clone()))
        .bind(serde_json::to_string(&c.handling).unwrap_or_else(|_| "{}".into()))
        .bind(
            c.handling
                .concerns_unit
                .as_ref()
                .map(|u| u.as_str().to_owned()),
        )
        .bind(c.handling.concerns_officer.clone())
        .bind(time::to_micros(c.updated_at))
        .bind(c.handling.duplicate_of.clone())
}

pub(crate) fn insert_one<'c>(
    conn: &'c mut AnyConnection,
    row: &'c NewRow,
) -> BoxFuture<'c, Result<(), sqlx::Error>> {
    Box::pin(async move {
        bind_complaint(sqlx::query(INSERT_ONE), row)
            .execute(&mut *conn)
            .await
            .map(|_| ())
    })
}

pub(super) fn decode(row: &AnyRow) -> Result<Complaint, Error> {
    let corrupt = |what: &str, value: &str| {
        Error::internal(format!("stored complaint has invalid {what} {value:?}"))
    };
    let channel: String = row.try_get("channel")?;
    let request_type: String = row.try_get("request_type")?;
    let status: String = row.try_get("status")?;
    let division: String = row.try_get("division_code")?;
    Ok(Complaint {
        id: row.try_get("id")?,
        tracking_code: row.try_get("tracking_code")?,
        channel: Channel::from_code(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        request_type: RequestType::from_code(&request_type)
            .ok_or_else(|| corrupt("type", &request_type))?,
        category: row.try_get("category")?,
        content: row.try_get("content")?,
        address: row.try_get("address")?,
        division_code: DivisionCode::parse(&division)
            .map_err(|_| corrupt("division", &division))?,
        complainant: Complainant {
            name: row.try_get("complainant_name")?,
            phone: row.try_get("complainant_phone")?,
        },
        urgent: row.try_get::<i64, _>("urgent")? != 0,
        status: Status::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
        received_at: time::from_micros(row.try_get("received_at")?),
        reply_due: time::from_micros(row.try_get("reply_due")?),
        feedback_due: row
            .try_get::<Option<i64>, _>("feedback_due")?
            .map(time::from_micros),
        handling: {
            let json: String = row.try_get("handling")?;
            let mut handling: crate::domain::Handling =
                serde_json::from_str(&json).map_err(|_| corrupt("handling", &json))?;
            handling.lead_id = row.try_get("lead_id")?;
            handling.reminded_at = row
                .try_get::<Option<i64>, _>("reminded_at")?
                .map(time::from_micros);
            handling
        },
        version: row.try_get("version")?,
        ticket: match (
            row.try_get::<Option<String>, _>("source")?,
            row.try_get::<Option<String>, _>("external_id")?,
        ) {
            (Some(source), Some(external_id)) => Some(crate::domain::Ticket {
                source,
                external_id,
            }),
            _ => None,
        },
        updated_at: time::from_micros(row.try_get("updated_at")?),
    })
}
