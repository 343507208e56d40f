//! Case steps through group commit: concurrent steps — of any cases — share
//! one transaction and one commit ([`BatchWriter`]), so filing and every
//! later step scale with the clients instead of queueing for SQLite's lock
//! one commit at a time. Each step is written as it would be alone: its
//! number taken, the row moved from the version read (a stale one refuses
//! it), its totals added and its event chained; a step refused fails its
//! batch, whose other steps are then written one by one, so nothing of a
//! refused step is kept and no neighbour fails with it.

use std::sync::{Arc, Mutex};

use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::db::{BatchError, BatchWriter};
use fazhi_platform::{Code, Error, ErrorKind, time};
use futures::FutureExt;
use sqlx::AnyConnection;
use tracing::Instrument;

use super::Store;
use super::cases::{Step, append};
use super::power::day_text;
use crate::domain::{self, Case, HistoryKey};

/// Steps written per transaction at most.
const MAX_GROUP_COMMIT: usize = 64;

/// One step waiting for its batch, and where its outcome is left.
pub(super) struct StepJob {
    before: Case,
    after: Case,
    actor: String,
    kind: String,
    detail: String,
    rules: domain::CaseRules,
    history_key: HistoryKey,
    /// The event's time (microseconds), read when the step was asked.
    at: i64,
    /// The case as saved, or why the step was refused, from the last
    /// attempt (a batch that failed is retried one step at a time).
    outcome: Arc<Mutex<Option<Result<Case, Error>>>>,
}

/// Starts the writer of the store's steps.
pub(super) fn writer(pool: sqlx::AnyPool) -> BatchWriter<StepJob> {
    BatchWriter::spawn(pool, MAX_GROUP_COMMIT, |conn, job| {
        async move {
            let written = write(conn, job).await;
            let failed = written.is_err();
            if let Ok(mut slot) = job.outcome.lock() {
                *slot = Some(written);
            }
            if failed {
                // The batch rolls back; the step's own error is in its slot.
                return Err(sqlx::Error::Protocol("the step was refused".into()));
            }
            Ok(())
        }
        .boxed()
    })
}

impl Store {
    /// Moves `before` (at the version read) to `after`, appending the step
    /// to its history in the same transaction; ABORTED on a stale version.
    /// A case filed or decided takes its number here, next in its agency's
    /// sequence for the year; the case as saved is returned once committed.
    pub async fn apply(
        &self,
        before: &Case,
        after: &Case,
        step: Step<'_>,
        rules: &domain::CaseRules,
    ) -> Result<Case, Error> {
        let outcome = Arc::new(Mutex::new(None));
        let job = StepJob {
            before: before.clone(),
            after: after.clone(),
            actor: step.actor.to_owned(),
            kind: step.kind.to_owned(),
            detail: step.detail,
            rules: rules.clone(),
            history_key: self.history_key.clone(),
            at: time::to_micros(self.clock.now()),
            outcome: outcome.clone(),
        };
        let span = self.db.span("UPDATE", "cases");
        let committed = self.steps.write(job).instrument(span).await;
        let kept = outcome.lock().ok().and_then(|mut slot| slot.take());
        match (committed, kept) {
            (Ok(()), Some(Ok(saved))) => Ok(saved),
            (Err(BatchError::Database(_)), Some(Err(refused))) => Err(refused),
            (Err(BatchError::Database(err)), _) => Err(Error::from(err)),
            (Err(BatchError::Stopped), _) => Err(Error::new(
                ErrorKind::Unavailable,
                Code::ShuttingDown,
                "the service is shutting down",
            )),
            (Ok(()), _) => Err(Error::internal("a step committed without its case")),
        }
    }
}

/// Writes one step on `conn`, inside its batch's transaction.
async fn write(conn: &mut AnyConnection, job: &StepJob) -> Result<Case, Error> {
    let before = &job.before;
    let step = Step {
        actor: &job.actor,
        kind: &job.kind,
        detail: job.detail.clone(),
    };
    let mut after = job.after.clone();
    if let Some((kind, year)) = domain::number_due(before, &after) {
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO case_numbers (division_code, year, kind, last) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (division_code, year, kind) DO UPDATE SET last = case_numbers.last + 1 \
             RETURNING last",
        )
        .bind(after.division.as_str().to_owned())
        .bind(year)
        .bind(kind.code())
        .fetch_one(&mut *conn)
        .await?;
        domain::give_number(&mut after, kind, year, seq, &job.rules);
    }
    let after = &after;
    let at =
        |day: Option<chrono::NaiveDate>| day.map(|d| time::to_micros(time::start_of_china_day(d)));
    let p = &after.proceedings;
    let proceedings =
        serde_json::to_string(p).map_err(|e| Error::internal(format!("proceedings: {e}")))?;
    let decision = p.decision.as_ref();
    let days = |from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>| {
        from.zip(to).map(|(a, b)| (b - a).num_days())
    };
    let flag = |b: bool| i64::from(b);
    let done = sqlx::query(
        "UPDATE cases SET status = $1, version = $2, power_item_code = $3, category = $4, officers = $5, \
           filed_on = $6, filed_at = $7, party_id_number = $8, proceedings = $9, decided_at = $10, \
           closed_at = $11, reviewer = $12, decided_on = $13, decided_on_time = $14, review_required = $15, \
           review_approved = $16, discussion_required = $17, discussed = $18, fine_fen = $19, paid_on = $20, \
           paid_fen = $21, late_charge_fen = $22, days_to_filing = $23, days_to_decision = $24, \
           decision_kind = $25, ended_on = $26, simple = $29, needs_recording = $30, party_address = $31 \
         WHERE id = $27 AND version = $28",
    )
    .bind(after.status.code())
    .bind(after.version)
    .bind(after.power_item_code.clone().unwrap_or_default())
    .bind(after.category.map_or("", EnforcementCategory::code).to_owned())
    .bind(after.officers.join(" "))
    .bind(day_text(after.filed_on))
    .bind(at(after.filed_on))
    .bind(after.party.id_number.clone())
    .bind(proceedings)
    .bind(at(decision.map(|d| d.on)))
    .bind(at(p.closed_on))
    .bind(p.review.as_ref().map(|r| r.reviewer.clone()).unwrap_or_default())
    .bind(day_text(decision.map(|d| d.on)))
    .bind(flag(decision.is_some_and(|d| d.on_time)))
    .bind(flag(decision.is_some_and(|d| d.review_required)))
    .bind(flag(p.review.as_ref().is_some_and(|r| r.approved)))
    .bind(flag(decision.is_some_and(|d| d.discussion_required)))
    .bind(flag(p.discussion.is_some()))
    .bind(decision.map_or(0, |d| d.penalty.fine_fen))
    // Every payment, in part or settling, counts by the last one's day.
    .bind(day_text(p.payments().map(|x| x.on).max()))
    .bind(p.fine_paid_fen())
    .bind(p.late_charges_paid_fen())
    .bind(days(Some(after.discovered_on), after.filed_on))
    .bind(days(after.filed_on, decision.map(|d| d.on)))
    .bind(decision.map(|d| d.kind.clone()).unwrap_or_default())
    .bind(day_text(p.ended_on))
    .bind(after.id.clone())
    .bind(before.version)
    .bind(flag(p.on_the_spot.is_some()))
    .bind(flag(p.needs_recording()))
    .bind(after.party.address.clone())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(Error::changed_meanwhile("case"));
    }
    super::totals::step(conn, before, after).await?;
    append(conn, &job.history_key, after, before.status, step, job.at).await?;
    Ok(after.clone())
}
