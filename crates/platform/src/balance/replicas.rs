//! Finding a service's replicas and watching each one's health: host names
//! looked up again and again, every replica asked whether it serves.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Weak},
};

use super::{HEALTH_EVERY, MakeEndpoint, Member, Members, RESOLVE_EVERY, Shared, Transport};

/// Asks one replica's health until it is no longer a member.
pub(super) async fn watch(member: Weak<Member>) {
    let mut every = tokio::time::interval(HEALTH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(member) = member.upgrade() else {
            return;
        };
        let Transport::Remote(channel) = &member.transport else {
            return;
        };
        let mut client = tonic_health::pb::health_client::HealthClient::new(channel.clone());
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
        member.set_serving(serving, "its health check did not answer SERVING");
    }
}

/// Looks host names up again and again, replacing each name's replicas
/// with the addresses it resolves to now (keeping those it resolved to
/// before while a lookup fails or finds nothing), until the client is gone.
pub(super) async fn resolve(shared: Weak<Shared>, urls: Vec<String>, make: MakeEndpoint) {
    let mut known: HashMap<String, Vec<String>> = HashMap::new();
    let mut every = tokio::time::interval(RESOLVE_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let mut wanted = Vec::new();
        for url in &urls {
            let Some((scheme, host, port)) = host_name(url) else {
                wanted.push(url.clone());
                continue;
            };
            let found: Vec<String> = match tokio::net::lookup_host((host.as_str(), port)).await {
                Ok(addrs) => {
                    let mut found: Vec<String> = addrs.map(|a| format!("{scheme}://{a}")).collect();
                    found.sort();
                    found.dedup();
                    found
                }
                Err(err) => {
                    tracing::warn!(%url, error = %err, "looking up a service's replicas failed");
                    Vec::new()
                }
            };
            if !found.is_empty() {
                known.insert(url.clone(), found);
            }
            wanted.extend(known.get(url).cloned().unwrap_or_else(|| vec![url.clone()]));
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let current: Members = shared
            .members
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let addresses: Vec<&str> = current.iter().map(|m| m.address.as_str()).collect();
        if addresses == wanted {
            continue;
        }
        let mut next = Vec::with_capacity(wanted.len());
        for address in &wanted {
            match current.iter().find(|m| &m.address == address) {
                Some(member) => next.push(member.clone()),
                None => match Member::new(address, &make) {
                    Ok(member) => {
                        tokio::spawn(watch(Arc::downgrade(&member)));
                        next.push(member);
                    }
                    Err(err) => {
                        tracing::warn!(%address, error = %err, "a replica's address is unusable")
                    }
                },
            }
        }
        if next.is_empty() {
            continue;
        }
        tracing::info!(replicas = ?wanted, "service replicas changed");
        *shared.members.write().unwrap_or_else(|e| e.into_inner()) = next.into();
    }
}

/// The scheme, host name and port of `url` when its host is a name rather
/// than an address.
pub(super) fn host_name(url: &str) -> Option<(String, String, u16)> {
    let uri: http::Uri = url.parse().ok()?;
    let host = uri.host()?.trim_start_matches('[').trim_end_matches(']');
    if host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let scheme = uri.scheme_str().unwrap_or("http").to_owned();
    let port = uri
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some((scheme, host.to_owned(), port))
}

/// The addresses of a comma-separated endpoint setting.
pub fn addresses(setting: &str) -> Vec<&str> {
    setting
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect()
}
