//! Calls spread across the replicas of one service. An endpoint setting may
//! name several addresses, comma-separated: calls go round-robin to the
//! replicas whose health check last answered SERVING, so one that is draining
//! (it answers NOT_SERVING from its SIGTERM on) or down gets no new calls.
//! When none does, calls go round-robin to all and fail fast if all are down.

use std::{
    sync::{
        Arc, Weak,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use futures::future::BoxFuture;
use tonic::{body::Body, transport::Endpoint};
use tower::ServiceExt;

/// How often each replica's health is asked when there are several.
pub const HEALTH_EVERY: Duration = Duration::from_millis(250);

struct Member {
    address: String,
    channel: tonic::transport::Channel,
    serving: AtomicBool,
}

/// One service's replicas behind one client.
#[derive(Clone)]
pub struct Balanced {
    members: Arc<[Arc<Member>]>,
    next: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Balanced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.members.iter().map(|m| &m.address))
            .finish()
    }
}

impl Balanced {
    /// Lazily connecting channels to `endpoints`; with more than one, each
    /// replica's health is watched in the background for as long as the
    /// client lives.
    pub fn new(endpoints: Vec<Endpoint>) -> Self {
        let balanced = Self::unwatched(endpoints);
        if balanced.members.len() > 1 {
            for member in balanced.members.iter() {
                tokio::spawn(watch(Arc::downgrade(member)));
            }
        }
        balanced
    }

    fn unwatched(endpoints: Vec<Endpoint>) -> Self {
        let members: Arc<[Arc<Member>]> = endpoints
            .into_iter()
            .map(|endpoint| {
                Arc::new(Member {
                    address: endpoint.uri().to_string(),
                    channel: endpoint.connect_lazy(),
                    serving: AtomicBool::new(true),
                })
            })
            .collect();
        Self {
            members,
            next: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The replica for the next call: the next serving one in turn, or the
    /// next of all when none is.
    fn pick(&self) -> Arc<Member> {
        let count = self.members.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..count)
            .map(|i| &self.members[(start + i) % count])
            .find(|m| m.serving.load(Ordering::Relaxed))
            .unwrap_or(&self.members[start % count])
            .clone()
    }
}

impl tower::Service<http::Request<Body>> for Balanced {
    type Response = http::Response<Body>;
    type Error = tonic::transport::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Each call waits on the readiness of the replica it goes to.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let member = self.pick();
        let several = self.members.len() > 1;
        Box::pin(async move {
            let result = member.channel.clone().oneshot(request).await;
            if several && result.is_err() {
                // Not reached (refused, reset): no new calls until its
                // health check answers again.
                member.serving.store(false, Ordering::Relaxed);
            }
            result
        })
    }
}

/// Asks one replica's health until its client is gone.
async fn watch(member: Weak<Member>) {
    let mut every = tokio::time::interval(HEALTH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(member) = member.upgrade() else {
            return;
        };
        let mut client = tonic_health::pb::health_client::HealthClient::new(member.channel.clone());
        let mut request = tonic::Request::new(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        });
        request.set_timeout(HEALTH_EVERY * 4);
        let serving = match client.check(request).await {
            Ok(answer) => {
                answer.into_inner().status
                    == tonic_health::pb::health_check_response::ServingStatus::Serving as i32
            }
            Err(_) => false,
        };
        let was = member.serving.swap(serving, Ordering::Relaxed);
        if was != serving {
            tracing::info!(replica = %member.address, serving, "replica health changed");
        }
    }
}

/// The addresses of a comma-separated endpoint setting.
pub fn addresses(setting: &str) -> Vec<&str> {
    setting
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_setting_names_one_or_more_replicas() {
        assert_eq!(addresses("http://a:1"), ["http://a:1"]);
        assert_eq!(
            addresses(" http://a:1 , http://b:1,"),
            ["http://a:1", "http://b:1"]
        );
    }

    #[tokio::test]
    async fn calls_go_round_robin_and_skip_a_replica_not_serving() {
        let endpoints = [
            "http://127.0.0.1:1",
            "http://127.0.0.1:2",
            "http://127.0.0.1:3",
        ]
        .iter()
        .map(|a| Endpoint::from_shared(*a).unwrap())
        .collect();
        let balanced = Balanced::unwatched(endpoints);
        let picked: Vec<String> = (0..3).map(|_| balanced.pick().address.clone()).collect();
        assert_eq!(picked.len(), 3);
        assert_ne!(picked[0], picked[1]);
        assert_ne!(picked[1], picked[2]);
        balanced.members[1].serving.store(false, Ordering::Relaxed);
        for _ in 0..6 {
            assert_ne!(balanced.pick().address, balanced.members[1].address);
        }
        for member in balanced.members.iter() {
            member.serving.store(false, Ordering::Relaxed);
        }
        // None serving: all are tried in turn rather than none.
        let tried: std::collections::HashSet<String> =
            (0..3).map(|_| balanced.pick().address.clone()).collect();
        assert_eq!(tried.len(), 3);
    }
}
