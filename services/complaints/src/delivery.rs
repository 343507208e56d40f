//! Delivers each step of a platform's tickets to the endpoint it registered
//! (回传): signed, in order per ticket, tried again with backoff until the
//! platform answers 2xx, dead-lettered after [`delivery::MAX_ATTEMPTS`]
//! tries. A step never waits for a delivery: the delivery was queued in the
//! step's transaction and goes out from here.

use std::{collections::HashMap, net::SocketAddr, time::Duration};

use chrono::{DateTime, Utc};
use fazhi_platform::{Error, clock::SharedClock, time};
use futures::StreamExt;
use serde_json::json;

use crate::{
    domain::delivery,
    store::{Store, deliveries::Delivery, feed::FeedEvent},
};

/// How long a claimed delivery is this deliverer's before another may try.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Deliveries claimed per pass.
const BATCH: i64 = 200;
/// Deliveries in flight at once.
const IN_FLIGHT: usize = 16;
/// How long a platform may take to answer one delivery.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Header naming the event a delivery carries (its feed position).
pub const EVENT_ID_HEADER: &str = "fazhi-event-id";
/// Header carrying the delivery's signature ([`delivery::signature`]).
pub const SIGNATURE_HEADER: &str = "fazhi-signature";

/// How one ticket's claimed steps went: those acknowledged, the one that
/// failed, and those not tried after it.
#[derive(Default)]
struct TicketOutcome {
    acknowledged: Vec<i64>,
    failed: Option<(Delivery, String)>,
    untried: Vec<i64>,
}

#[derive(Clone)]
pub struct Deliverer {
    store: Store,
    client: reqwest::Client,
    allowed_hosts: Vec<String>,
    clock: SharedClock,
}

impl Deliverer {
    pub fn new(store: Store, allowed_hosts: Vec<String>, clock: SharedClock) -> Self {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(IN_FLIGHT)
            .build()
            .unwrap_or_default();
        Self {
            store,
            client,
            allowed_hosts,
            clock,
        }
    }

    /// Delivers what is due; how many were acknowledged.
    pub async fn pass(&self) -> Result<usize, Error> {
        let now = self.clock.now();
        let claimed = self.store.claim_deliveries(now, LEASE, BATCH).await?;
        let (waiting, dead) = self.store.delivery_backlog().await?;
        metrics::gauge!("fazhi_deliveries_waiting").set(waiting as f64);
        metrics::gauge!("fazhi_deliveries_dead").set(dead as f64);
        if claimed.is_empty() {
            return Ok(0);
        }
        let endpoints: HashMap<String, _> = self
            .store
            .endpoints()
            .await?
            .into_iter()
            .map(|e| (e.source.clone(), e))
            .collect();
        let positions: Vec<i64> = claimed.iter().map(|d| d.position).collect();
        let events: HashMap<i64, FeedEvent> = self
            .store
            .feed_at(&positions)
            .await?
            .into_iter()
            .map(|e| (e.position, e))
            .collect();
        // Each ticket's steps one after another, in order; tickets side by side.
        let mut tickets: Vec<Vec<Delivery>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for d in claimed {
            let i = *index.entry(d.complaint_id.clone()).or_insert_with(|| {
                tickets.push(Vec::new());
                tickets.len() - 1
            });
            tickets[i].push(d);
        }
        let outcomes: Vec<TicketOutcome> = futures::stream::iter(tickets)
            .map(|steps| {
                let (endpoints, events) = (&endpoints, &events);
                async move {
                    let mut outcome = TicketOutcome::default();
                    let mut steps = steps.into_iter();
                    for d in steps.by_ref() {
                        let sent = match (endpoints.get(&d.source), events.get(&d.position)) {
                            (Some(endpoint), Some(event)) => self.send(endpoint, event).await,
                            (None, _) => {
                                Err("the platform's endpoint is no longer registered".into())
                            }
                            (_, None) => Err("the step is not in the feed".into()),
                        };
                        match sent {
                            Ok(()) => outcome.acknowledged.push(d.position),
                            Err(why) => {
                                outcome.failed = Some((d, why));
                                break;
                            }
                        }
                    }
                    // After a failure the ticket's later steps wait their turn.
                    outcome.untried = steps.map(|d| d.position).collect();
                    outcome
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        // Every acknowledgement of the pass in one statement; each failure on its own.
        let mut acknowledged = Vec::new();
        let mut untried = Vec::new();
        for outcome in outcomes {
            acknowledged.extend(outcome.acknowledged);
            untried.extend(outcome.untried);
            if let Some((d, why)) = outcome.failed {
                self.failed(&d, why).await?;
            }
        }
        self.store
            .acknowledged_all(&acknowledged, self.clock.now())
            .await?;
        self.store.release_deliveries(&untried).await?;
        metrics::counter!("fazhi_deliveries_acknowledged_total")
            .increment(acknowledged.len() as u64);
        Ok(acknowledged.len())
    }

    /// Notes a failed try: tried again later, or dead.
    async fn failed(&self, d: &Delivery, why: String) -> Result<(), Error> {
        let now = self.clock.now();
        let attempts = d.attempts + 1;
        let retry_at =
            (attempts < delivery::MAX_ATTEMPTS).then(|| now + delivery::backoff(attempts));
        if retry_at.is_none() {
            tracing::warn!(position = d.position, source = %d.source, error = %why, "a delivery was dead-lettered");
        }
        self.store
            .delivery_failed(d.position, now, retry_at, &why)
            .await
    }

    /// One signed POST of `event` to `endpoint`; its answer's body is never read.
    async fn send(
        &self,
        endpoint: &crate::store::deliveries::DeliveryEndpoint,
        event: &FeedEvent,
    ) -> Result<(), String> {
        let target = delivery::endpoint(&endpoint.url, &self.allowed_hosts)
            .map_err(|e| e.message.clone())?;
        // What the host name stands for now must be public too (unless the
        // county allowed the host), or a name could be pointed inward later.
        if !target.allowed {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((target.host.as_str(), target.port))
                    .await
                    .map_err(|e| format!("looking up {} failed: {e}", target.host))?
                    .collect();
            if addrs.is_empty() || addrs.iter().any(|a| !delivery::public(a.ip())) {
                return Err(format!("{} resolves to a private address", target.host));
            }
        }
        let body = serde_json::to_vec(&payload(event)).map_err(|e| e.to_string())?;
        let signature = delivery::signature(
            endpoint.secret.as_bytes(),
            &endpoint.key_id,
            self.clock.now().timestamp(),
            &body,
        );
        let answer = self
            .client
            .post(&endpoint.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_ID_HEADER, event.position.to_string())
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("the platform did not answer: {e}"))?;
        let status = answer.status();
        drop(answer);
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("the platform answered {status}"))
        }
    }
}

/// The JSON a platform receives for one step (the feed's event).
pub fn payload(e: &FeedEvent) -> serde_json::Value {
    let ticket = e.complaint.ticket.clone();
    let at: DateTime<Utc> = e.event.at;
    json!({
        "id": e.position.to_string(),
        "position": e.position,
        "complaint_id": e.complaint.id,
        "source": ticket.as_ref().map(|t| t.source.clone()),
        "external_id": ticket.as_ref().map(|t| t.external_id.clone()),
        "division_code": e.complaint.division_code.as_str(),
        "seq": e.event.seq,
        "at": time::to_rfc3339(at),
        "recorded_at": e.event.recorded_at.map(time::to_rfc3339),
        "actor": e.event.actor,
        "kind": e.event.kind,
        "from_status": e.event.from.code(),
        "to_status": e.event.to.code(),
        "note": e.event.note,
        "detail": serde_json::from_str::<serde_json::Value>(&e.event.detail).unwrap_or_else(|_| json!({})),
    })
}
