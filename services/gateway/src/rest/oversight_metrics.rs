//! The oversight figures as Prometheus gauges, one series per registered
//! township (at most 200, so labels stay bounded), refreshed on a schedule
//! from the same figures the summary gathers, for this China year.

use std::{collections::BTreeMap, time::Duration};

use chrono::Datelike;
use fazhi_platform::{
    DivisionCode,
    auth::{Caller, Role},
    division::DivisionLevel,
    shutdown::CancellationToken,
};
use fazhi_proto::common::v1 as common;

use crate::{AppState, edge::query, identity::authn::Identity, rest::oversight::gather_townships};

/// Townships with gauges at most.
const MAX_TOWNSHIPS: usize = 200;

/// Refreshes the gauges every `every` until `stop`.
pub async fn refresh(state: AppState, every: Duration, stop: CancellationToken) {
    let Ok(county) = DivisionCode::parse(&state.gate.settings.county) else {
        tracing::warn!("gateway.county is not a division code: no oversight gauges");
        return;
    };
    let identity = Identity {
        caller: Caller {
            subject: "system:oversight-metrics".into(),
            roles: vec![Role::CountyOverseer],
            scope: county,
            source: None,
        },
        authenticated: true,
    };
    let mut ticks = tokio::time::interval(every.max(Duration::from_secs(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match once(&state, &identity).await {
            Ok(()) => {
                metrics::gauge!("fazhi_oversight_refreshed_timestamp_seconds")
                    .set(state.gate.clock.now().timestamp() as f64);
            }
            Err(error) => {
                metrics::counter!("fazhi_oversight_refresh_failures_total").increment(1);
                tracing::warn!(%error, "the oversight gauges were not refreshed");
            }
        }
    }
}

async fn once(state: &AppState, identity: &Identity) -> anyhow::Result<()> {
    let year = state.gate.clock.today().year().to_string();
    let period = query::period(("year", Some(&year)), ("from", None), ("to", None))
        .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    let townships: Vec<_> = state
        .gate
        .store
        .divisions_under(&identity.caller.scope)
        .await?
        .into_iter()
        .filter(|d| d.code.level() == DivisionLevel::Township)
        .take(MAX_TOWNSHIPS)
        .collect();
    let codes: Vec<String> = townships
        .iter()
        .map(|t| t.code.as_str().to_owned())
        .collect();
    let figures = gather_townships(state, identity, String::new(), &codes, period)
        .await
        .map_err(|p| anyhow::anyhow!("{p:?}"))?;
    for (township, f) in townships.iter().zip(figures) {
        let labels = [("division", township.code.as_str().to_owned())];
        if let Some(c) = &f.complaints {
            metrics::gauge!("fazhi_oversight_complaints_received", &labels).set(c.received as f64);
            metrics::gauge!("fazhi_oversight_complaints_overdue", &labels).set(c.overdue as f64);
            if let Some(rate) = c.on_time_rate {
                metrics::gauge!("fazhi_oversight_complaints_on_time_ratio", &labels).set(rate);
            }
        }
        if let Some(k) = &f.cases {
            metrics::gauge!("fazhi_oversight_cases_filed", &labels).set(k.filed as f64);
            metrics::gauge!("fazhi_oversight_cases_decided", &labels).set(k.decided as f64);
        }
        if let Some(t) = &f.training {
            metrics::gauge!("fazhi_oversight_certificate_holders", &labels)
                .set(t.certificate_holders as f64);
            metrics::gauge!("fazhi_oversight_certification_ratio", &labels)
                .set(t.certification_rate);
        }
    }
    warnings(state, identity, &townships).await;
    Ok(())
}

/// Warnings per township and level, from every service that answers.
async fn warnings(
    state: &AppState,
    identity: &Identity,
    townships: &[fazhi_identity::store::NamedDivision],
) {
    let Ok(gathered) = crate::rest::warnings::gather(state, identity, "").await else {
        return;
    };
    let mut counts: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for t in townships {
        for level in ["yellow", "red"] {
            counts.insert((t.code.as_str(), level), 0);
        }
    }
    for w in gathered.warnings {
        let level = if w.level == common::WarningLevel::Red as i32 {
            "red"
        } else {
            "yellow"
        };
        let Some(township) = townships
            .iter()
            .find(|t| w.division_code.starts_with(t.code.as_str()))
        else {
            continue;
        };
        *counts.entry((township.code.as_str(), level)).or_default() += 1;
    }
    for ((division, level), n) in counts {
        metrics::gauge!(
            "fazhi_oversight_warnings",
            "division" => division.to_owned(),
            "level" => level
        )
        .set(n as f64);
    }
}
