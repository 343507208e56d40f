//! Delivers the outbox — escalations become leads in the cases service —
//! and reminds of overdue complaints.
//! Delivery is at least once — a lead is keyed by its complaint, so the
//! cases service answers a repeat with the lead it made the first time —
//! with retries backing off from a quarter second to a minute while the
//! cases service is away. Any number of relays may run against one database.
//! At start each relay asks the cases service for the lead of every
//! escalation delivered before, and sends again those it lacks: restored
//! from a copy older than this database's, it would otherwise never hear of
//! them.

use std::sync::Arc;
use std::time::Duration;

use chrono::Datelike;
use fazhi_platform::{
    DivisionCode, Error,
    auth::{Caller, InternalKey, Role},
    grpc::Channel,
    shutdown::CancellationToken,
};
use fazhi_proto::cases::v1::{self as cases, case_service_client::CaseServiceClient};
use fazhi_proto::common::v1::Date;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tracing::Instrument;

use crate::domain::Lead;
use crate::store::{
    Store,
    outbox::{Claimed, Delivered, ESCALATION},
};

/// How long a relay holds a claimed message before another may take it.
const LEASE: Duration = Duration::from_secs(30);
/// Messages claimed per pass.
const BATCH: i64 = 16;
/// How often the outbox is looked at when nothing wakes the relay.
const IDLE: Duration = Duration::from_secs(1);
/// Overdue complaints reminded of per sweep at most.
const SWEEP_BATCH: i64 = 500;
/// How often the cases escalated complaints became are looked at.
const FOLLOW_CASES_EVERY: Duration = Duration::from_secs(30);
/// Cases looked at per look, the longest unseen first.
const FOLLOW_BATCH: i64 = 200;
/// Feed positions forgotten per look at most.
const PRUNE_BATCH: i64 = 10_000;
/// Delivered escalations checked against the cases service per question.
const RECONCILE_BATCH: i64 = 500;
const FIRST_RETRY: Duration = Duration::from_millis(250);
const LONGEST_RETRY: Duration = Duration::from_secs(60);

/// What an escalation message carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub complaint_id: String,
    pub division_code: String,
    pub lead: Lead,
    /// The China day it was escalated (the lead's discovery day).
    pub discovered_on: chrono::NaiveDate,
}

/// How far the reconciliation with the cases service has come.
#[derive(Debug, Default)]
struct Reconciled {
    /// The last delivered message checked.
    after: String,
    checked: u64,
    resent: u64,
}

#[derive(Clone)]
pub struct Relay {
    store: Store,
    cases: CaseServiceClient<Channel>,
    key: InternalKey,
    wake: Arc<Notify>,
    /// How often overdue complaints are looked for, to remind of them.
    sweep_every: Duration,
    clock: fazhi_platform::clock::SharedClock,
    /// Answers back to the platforms that registered an endpoint.
    deliverer: crate::delivery::Deliverer,
    /// How long the feed keeps a step.
    feed_retention: chrono::Duration,
}

impl Relay {
    pub fn new(
        store: Store,
        cases: Channel,
        key: InternalKey,
        wake: Arc<Notify>,
        sweep_every: Duration,
        clock: fazhi_platform::clock::SharedClock,
        deliverer: crate::delivery::Deliverer,
    ) -> Self {
        Self {
            store,
            cases: CaseServiceClient::new(cases),
            key,
            wake,
            sweep_every,
            clock,
            deliverer,
            feed_retention: chrono::Duration::days(90),
        }
    }

    /// Keeps the feed's steps for `retention` (default 90 days).
    pub fn with_feed_retention(mut self, retention: chrono::Duration) -> Self {
        self.feed_retention = retention;
        self
    }

    /// Forgets the feed's positions older than the retention (at most
    /// `PRUNE_BATCH` a look); the position it is pruned through.
    pub async fn prune_feed(&self) -> Result<i64, Error> {
        let cutoff = self.clock.now() - self.feed_retention;
        self.store.prune_feed(cutoff, PRUNE_BATCH).await
    }

    /// Delivers until `shutdown`: woken by each escalation, else every
    /// second; and every `sweep_every` (first at once) reminds of overdue
    /// complaints.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        tokio::spawn(self.clone().reconcile_until_done(shutdown.clone()));
        let mut last_sweep: Option<chrono::DateTime<chrono::Utc>> = None;
        let mut last_follow: Option<chrono::DateTime<chrono::Utc>> = None;
        loop {
            let now = self.clock.now();
            if last_follow
                .is_none_or(|at| (now - at).to_std().unwrap_or_default() >= FOLLOW_CASES_EVERY)
            {
                last_follow = Some(now);
                if let Err(err) = self.follow_cases().await {
                    tracing::warn!(error = %err, "the escalated cases could not be followed");
                }
            }
            if last_sweep
                .is_none_or(|at| (now - at).to_std().unwrap_or_default() >= self.sweep_every)
            {
                last_sweep = Some(now);
                match self.sweep().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(reminded = n, "overdue complaints reminded of"),
                    Err(err) => tracing::warn!(error = %err, "the overdue sweep failed"),
                }
                if let Err(err) = self.prune_feed().await {
                    tracing::warn!(error = %err, "the feed could not be pruned");
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(IDLE) => {}
            }
            if let Err(err) = self.pass().await {
                tracing::warn!(error = %err, "the outbox relay could not read the outbox");
            }
            if let Err(err) = self.answer_back().await {
                tracing::warn!(error = %err, "deliveries to the platforms could not be read");
            }
        }
    }

    /// One look at the cases escalated complaints became: each milestone a
    /// case passed since (filed, decided, closed, not filed, terminated) is
    /// recorded as an event of its complaint; how many were recorded.
    pub async fn follow_cases(&self) -> Result<usize, Error> {
        let now = self.clock.now();
        let mut recorded = 0;
        for (complaint, last) in self.store.cases_to_follow(FOLLOW_BATCH).await? {
            let Some(lead_id) = complaint.handling.lead_id.clone() else {
                continue;
            };
            // Read as the staff who escalated it would, in the lead's division.
            let caller = staff_of(crate::domain::lead_division(&complaint));
            let request = self
                .key
                .request(&caller, cases::GetCaseRequest { id: lead_id });
            let case = match self.cases.clone().get_case(request).await {
                Ok(answer) => answer.into_inner(),
                Err(status) => {
                    tracing::warn!(complaint = %complaint.id, code = ?status.code(), "the escalated case could not be read");
                    continue;
                }
            };
            let status = cases::CaseStatus::try_from(case.status)
                .map(|s| {
                    s.as_str_name()
                        .trim_start_matches("CASE_STATUS_")
                        .to_ascii_lowercase()
                })
                .unwrap_or_default();
            let mut last = last;
            for milestone in crate::domain::milestones_since(&last, &status) {
                if !self
                    .store
                    .record_case_milestone(&complaint, &last, milestone, &status, now)
                    .await?
                {
                    break;
                }
                last = milestone.to_owned();
                recorded += 1;
            }
            self.store.case_checked(&complaint, now).await?;
        }
        if recorded > 0 {
            self.wake.notify_one();
        }
        Ok(recorded)
    }

    /// Asks the cases service for the lead of every escalation delivered
    /// before, and makes due again each one whose lead it lacks (its
    /// database restored from a copy taken before the delivery). Trying again
    /// with backoff, from the page it reached, while the cases service cannot
    /// answer; until done or `shutdown`.
    pub async fn reconcile_until_done(self, shutdown: CancellationToken) {
        let mut progress = Reconciled::default();
        let mut failures = 0;
        let started = std::time::Instant::now();
        loop {
            match self.reconcile(&mut progress).await {
                Ok(()) => {
                    let (checked, resent) = (progress.checked, progress.resent);
                    let took_ms = started.elapsed().as_millis() as u64;
                    if resent > 0 {
                        tracing::warn!(
                            checked,
                            resent,
                            took_ms,
                            "escalations the cases service lacked are sent again"
                        );
                    } else {
                        tracing::info!(checked, took_ms, "every delivered escalation has its lead");
                    }
                    return;
                }
                Err(err) => {
                    tracing::warn!(error = %err, checked = progress.checked, "the delivered escalations could not be checked yet");
                    let wait = backoff(failures);
                    failures += 1;
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
    }

    /// [`Relay::reconcile_until_done`]'s pages from where `progress` stands,
    /// moving it past each page done.
    async fn reconcile(&self, progress: &mut Reconciled) -> Result<(), Error> {
        loop {
            let page = self
                .store
                .delivered_escalations(&progress.after, RECONCILE_BATCH)
                .await?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            let (last, read) = (last.id.clone(), page.len() as u64);
            let lacking = self.lacking_leads(page).await?;
            let made_due = self.store.resend(&lacking).await?;
            metrics::counter!("fazhi_outbox_resent_total").increment(made_due);
            progress.resent += made_due;
            progress.checked += read;
            progress.after = last;
        }
    }

    /// Of `delivered`, those whose complaint has no lead in the cases
    /// service: asked as staff of each escalation's division, as delivered.
    async fn lacking_leads(&self, delivered: Vec<Delivered>) -> Result<Vec<Delivered>, Error> {
        let mut by_division: std::collections::BTreeMap<String, Vec<Delivered>> =
            Default::default();
        for message in delivered {
            let division = serde_json::from_str::<Escalation>(&message.payload)
                .map(|e| e.division_code)
                .unwrap_or_default();
            by_division.entry(division).or_default().push(message);
        }
        let mut lacking = Vec::new();
        for (division, messages) in by_division {
            // A message this relay cannot read is left to its delivery's error.
            let Ok(scope) = DivisionCode::parse(&division) else {
                continue;
            };
            let caller = staff_of(scope);
            let request = cases::ListLeadsOfComplaintsRequest {
                complaint_ids: messages.iter().map(|m| m.complaint_id.clone()).collect(),
            };
            let found: std::collections::HashSet<String> = self
                .cases
                .clone()
                .list_leads_of_complaints(self.key.request(&caller, request))
                .await
                .map_err(|status| Error::from_status(&status))?
                .into_inner()
                .leads
                .into_iter()
                .map(|lead| lead.complaint_id)
                .collect();
            lacking.extend(
                messages
                    .into_iter()
                    .filter(|m| !found.contains(&m.complaint_id)),
            );
        }
        Ok(lacking)
    }

    /// One pass of deliveries to the platforms (回传): every due one tried once.
    pub async fn answer_back(&self) -> Result<usize, Error> {
        self.deliverer.pass().await
    }

    /// One look at the outbox: every due message claimed and tried once.
    pub async fn pass(&self) -> Result<usize, Error> {
        let claimed = self.store.claim(self.clock.now(), LEASE, BATCH).await?;
        let (backlog, oldest) = self.store.backlog().await?;
        metrics::gauge!("fazhi_outbox_backlog_messages").set(backlog as f64);
        metrics::gauge!("fazhi_outbox_oldest_age_seconds").set(oldest.map_or(0.0, |at| {
            (self.clock.now() - at).num_milliseconds() as f64 / 1000.0
        }));
        let tried = claimed.len();
        for message in claimed {
            // The delivery continues the trace of the step that wrote it.
            let span = tracing::info_span!(
                "outbox.process",
                otel.name = %format!("process {}", message.topic),
                otel.kind = "consumer",
                messaging.system = "fazhi_outbox",
                messaging.operation.type = "process",
                messaging.destination.name = %message.topic,
                messaging.message.id = %message.id,
            );
            fazhi_platform::telemetry::continue_trace(&span, &message.trace_context);
            match self.deliver(&message).instrument(span).await {
                Ok(lead_id) => {
                    self.store.delivered(&message, &lead_id).await?;
                    metrics::counter!("fazhi_outbox_delivered_total").increment(1);
                    tracing::debug!(complaint = %message.complaint_id, lead = %lead_id, "escalation delivered");
                }
                Err(why) => {
                    let wait = backoff(message.attempts);
                    let retry_at = self.clock.now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(60));
                    self.store.failed(&message, &why, retry_at).await?;
                    metrics::counter!("fazhi_outbox_failed_attempts_total").increment(1);
                    tracing::warn!(complaint = %message.complaint_id, attempts = message.attempts + 1, error = %why, "escalation not delivered yet");
                }
            }
        }
        Ok(tried)
    }

    /// Reminds of each overdue complaint not reminded of in the last day.
    pub async fn sweep(&self) -> Result<usize, Error> {
        let now = self.clock.now();
        let since = now - chrono::Duration::days(1);
        let due = self
            .store
            .overdue_unreminded(now, since, SWEEP_BATCH)
            .await?;
        let mut reminded = 0;
        for complaint in &due {
            if self.store.remind(complaint, now, since).await? {
                reminded += 1;
            }
        }
        metrics::counter!("fazhi_complaint_reminders_total").increment(reminded as u64);
        Ok(reminded)
    }

    async fn deliver(&self, message: &Claimed) -> Result<String, String> {
        if message.topic != ESCALATION {
            return Err(format!("unknown topic {}", message.topic));
        }
        let escalation: Escalation =
            serde_json::from_str(&message.payload).map_err(|e| format!("unreadable: {e}"))?;
        let division = DivisionCode::parse(&escalation.division_code)
            .map_err(|_| "unreadable division".to_owned())?;
        // The complaints service acts for the complaint's division, as staff
        // recording a lead would.
        let caller = staff_of(division);
        let lead = &escalation.lead;
        let party_kind = match lead.party_kind.as_str() {
            "organisation" => cases::PartyKind::Organisation,
            _ => cases::PartyKind::Person,
        };
        let request = cases::CreateLeadRequest {
            lead: Some(cases::Case {
                division_code: escalation.division_code.clone(),
                source: cases::CaseSource::Complaint as i32,
                complaint_id: escalation.complaint_id.clone(),
                party: Some(cases::Party {
                    kind: party_kind as i32,
                    name: lead.party_name.clone(),
                    id_number: lead.party_id_number.clone(),
                    // Not known from the complaint: asked for before the decision.
                    address: String::new(),
                }),
                facts: lead.facts.clone(),
                act_on: Some(date(lead.act_on)),
                continuing: lead.continuing,
                discovered_on: Some(date(escalation.discovered_on)),
                ..Default::default()
            }),
            // Keyed by the complaint already.
            request_id: String::new(),
        };
        let answer = self
            .cases
            .clone()
            .create_lead(self.key.request(&caller, request))
            .await
            .map_err(|status| format!("{:?}: {}", status.code(), status.message()))?;
        answer
            .into_inner()
            .case
            .map(|c| c.id)
            .ok_or_else(|| "the cases service answered without a lead".to_owned())
    }
}

/// The complaints service calling the cases service as staff of `scope`.
fn staff_of(scope: DivisionCode) -> Caller {
    Caller {
        subject: "service:complaints".into(),
        roles: vec![Role::Staff],
        scope,
        source: None,
    }
}

fn date(day: chrono::NaiveDate) -> Date {
    Date {
        year: day.year(),
        month: day.month() as i32,
        day: day.day() as i32,
    }
}

/// The wait before the next try after `attempts` failures: doubling from a
/// quarter second, at most a minute, with up to a quarter of jitter so
/// relays do not retry in step.
fn backoff(attempts: i64) -> Duration {
    let doubled = FIRST_RETRY.saturating_mul(1u32 << attempts.clamp(0, 16));
    let wait = doubled.min(LONGEST_RETRY);
    let jitter = wait.as_millis() as u64 / 4;
    let spread = if jitter == 0 {
        0
    } else {
        u64::from(uuid::Uuid::now_v7().as_bytes()[15]) % jitter
    };
    wait + Duration::from_millis(spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_a_quarter_second_to_a_minute() {
        assert!(backoff(0) >= FIRST_RETRY && backoff(0) < FIRST_RETRY * 2);
        assert!(backoff(3) >= Duration::from_secs(2));
        assert!(backoff(40) >= LONGEST_RETRY && backoff(40) <= LONGEST_RETRY * 5 / 4);
    }
}
