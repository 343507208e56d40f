//! Leads and case steps through group commit: concurrent writes — of any
//! cases — share one transaction and one commit ([`BatchWriter`]), so
//! filing and every later step scale with the clients instead of queueing
//! for SQLite's lock one commit at a time. Each is written as it would be
//! alone: a lead with its first event and its total; a step with its number
//! taken, the row moved from the version read (a stale one refuses it), its
//! totals added and its event chained. A write refused fails its batch,
//! whose other writes are then made one by one, so nothing of a refused
//! write is kept and no neighbour fails with it.

use std::sync::{Arc, Mutex};

use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::db::{self, BatchError, BatchWriter};
use fazhi_platform::{Code, Error, ErrorKind, time};
use futures::{FutureExt, future::BoxFuture};
use sqlx::AnyConnection;
use tracing::Instrument;

use super::Store;
use super::cases::{Step, append};
use super::power::day_text;
use crate::domain::{self, Case, CaseStatus, HistoryKey, Total};

/// Writes per transaction at most.
const MAX_GROUP_COMMIT: usize = 64;

/// What is written.
enum Change {
    /// A new lead (its first event and its total).
    Lead(Case),
    /// A step from `before` (the version read) to `after`.
    Step {
        before: Case,
        after: Case,
        rules: domain::CaseRules,
        /// The first day a deadline of `after` is near ([`domain::watch_from`]).
        watch_from: Option<chrono::NaiveDate>,
    },
}

/// How a write ended, in its last attempt (a batch that failed is retried
/// one write at a time).
enum Outcome {
    Saved(Case),
    /// The lead's id, or its complaint, was recorded before.
    RecordedBefore,
    Refused(Error),
}

/// One write waiting for its batch, and where its outcome is left.
pub(super) struct Job {
    change: Change,
    actor: String,
    kind: String,
    detail: String,
    history_key: HistoryKey,
    /// The event's time (microseconds), read when the write was asked.
    at: i64,
    outcome: Arc<Mutex<Option<Outcome>>>,
}

impl Job {
    fn step(&self) -> Step<'_> {
        Step {
            actor: &self.actor,
            kind: &self.kind,
            detail: self.detail.clone(),
        }
    }
}

/// Starts the writer of the store's leads and steps.
pub(super) fn writer(pool: sqlx::AnyPool) -> BatchWriter<Job> {
    BatchWriter::spawn(pool, MAX_GROUP_COMMIT, write_job)
}

/// Writes `job` inside its batch's transaction, leaving how it ended in its slot.
fn write_job<'c>(
    conn: &'c mut AnyConnection,
    job: &'c Job,
) -> BoxFuture<'c, Result<(), sqlx::Error>> {
    async move {
        let outcome = match &job.change {
            Change::Lead(case) => write_lead(conn, job, case).await,
            Change::Step {
                before,
                after,
                rules,
                watch_from,
            } => write_step(conn, job, before, after, rules, *watch_from)
                .await
                .map_or_else(Outcome::Refused, Outcome::Saved),
        };
        let saved = matches!(outcome, Outcome::Saved(_));
        if let Ok(mut slot) = job.outcome.lock() {
            *slot = Some(outcome);
        }
        if saved {
            Ok(())
        } else {
            // The batch rolls back; why is in the write's own slot.
            Err(sqlx::Error::Protocol("the write was refused".into()))
        }
    }
    .boxed()
}

impl Store {
    /// Hands `change` to the writer and waits for its commit.
    async fn write(
        &self,
        change: Change,
        step: Step<'_>,
        operation: &'static str,
    ) -> Result<Outcome, Error> {
        let outcome = Arc::new(Mutex::new(None));
        let job = Job {
            change,
            actor: step.actor.to_owned(),
            kind: step.kind.to_owned(),
            detail: step.detail,
            history_key: self.history_key.clone(),
            at: time::to_micros(self.clock.now()),
            outcome: outcome.clone(),
        };
        let span = self.db.span(operation, "cases");
        let committed = self.writes.write(job).instrument(span).await;
        let kept = outcome.lock().ok().and_then(|mut slot| slot.take());
        match (committed, kept) {
            (Ok(()), Some(saved @ Outcome::Saved(_))) => Ok(saved),
            (Err(BatchError::Database(_)), Some(Outcome::Refused(refused))) => Err(refused),
            (Err(BatchError::Database(_)), Some(before @ Outcome::RecordedBefore)) => Ok(before),
            (Err(BatchError::Database(err)), _) => Err(Error::from(err)),
            (Err(BatchError::Stopped), _) => Err(Error::new(
                ErrorKind::Unavailable,
                Code::ShuttingDown,
                "the service is shutting down",
            )),
            (Ok(()), _) => Err(Error::internal("a write committed without its outcome")),
        }
    }

    /// Records a lead and its first event. A lead escalated from a complaint
    /// already escalated, or one under an id recorded before (a retried
    /// request), is not recorded again: the first one comes back, with
    /// `false`.
    pub async fn insert_lead(&self, case: &Case, step: Step<'_>) -> Result<(Case, bool), Error> {
        match self
            .write(Change::Lead(case.clone()), step, "INSERT")
            .await?
        {
            Outcome::Saved(saved) => Ok((saved, true)),
            // The complaint's lead, or the lead this id (from the caller's
            // request id) named, recorded before.
            _ => {
                let by_complaint = match case.complaint_id.as_deref() {
                    Some(complaint) => self.case_where("complaint_id", complaint).await?,
                    None => None,
                };
                let first = match by_complaint {
                    Some(first) => first,
                    None => self
                        .case_where("id", &case.id)
                        .await?
                        .ok_or_else(|| Error::internal("the lead recorded before vanished"))?,
                };
                Ok((first, false))
            }
        }
    }

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
        let change = Change::Step {
            before: before.clone(),
            after: after.clone(),
            rules: rules.clone(),
            watch_from: domain::watch_from(after, rules, &self.calendar),
        };
        match self.write(change, step, "UPDATE").await? {
            Outcome::Saved(saved) => Ok(saved),
            _ => Err(Error::internal("a step recorded before")),
        }
    }
}

/// Writes a new lead on `conn`, inside its batch's transaction.
async fn write_lead(conn: &mut AnyConnection, job: &Job, case: &Case) -> Outcome {
    let inserted = sqlx::query(
        "INSERT INTO cases (id, division_code, status, lead_at, version, source, complaint_id, party_kind, \
           party_name, party_id_number, facts, act_on, continuing, act_ended_on, serious_harm, discovered_on, \
           party_address) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(case.id.clone())
    .bind(case.division.to_string())
    .bind(case.status.code())
    .bind(job.at)
    .bind(case.version)
    .bind(case.source.code())
    .bind(case.complaint_id.clone())
    .bind(case.party.kind.code())
    .bind(case.party.name.clone())
    .bind(case.party.id_number.clone())
    .bind(case.facts.clone())
    .bind(case.act_on.to_string())
    .bind(i64::from(case.continuing))
    .bind(day_text(case.act_ended_on))
    .bind(i64::from(case.serious_harm))
    .bind(case.discovered_on.to_string())
    .bind(case.party.address.clone())
    .execute(&mut *conn)
    .await;
    match inserted {
        Ok(_) => {}
        Err(err) if db::is_unique_violation(&err) => return Outcome::RecordedBefore,
        Err(err) => return Outcome::Refused(err.into()),
    }
    let rest = async {
        append(
            conn,
            &job.history_key,
            case,
            CaseStatus::Lead,
            job.step(),
            job.at,
        )
        .await?;
        let day = time::china_date(time::from_micros(job.at));
        super::totals::add(conn, &case.division, &[(day, Total::Leads, 1)]).await
    };
    match rest.await {
        Ok(()) => Outcome::Saved(case.clone()),
        Err(err) => Outcome::Refused(err),
    }
}

/// Writes one step on `conn`, inside its batch's transaction.
async fn write_step(
    conn: &mut AnyConnection,
    job: &Job,
    before: &Case,
    after: &Case,
    rules: &domain::CaseRules,
    watch_from: Option<chrono::NaiveDate>,
) -> Result<Case, Error> {
    let mut after = after.clone();
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
        domain::give_number(&mut after, kind, year, seq, rules);
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
           decision_kind = $25, ended_on = $26, simple = $29, needs_recording = $30, party_address = $31, \
           watch_from = $32 \
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
    .bind(watch_from.map(|d| d.to_string()))
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(Error::changed_meanwhile("case"));
    }
    super::totals::step(conn, before, after).await?;
    append(
        conn,
        &job.history_key,
        after,
        before.status,
        job.step(),
        job.at,
    )
    .await?;
    Ok(after.clone())
}
