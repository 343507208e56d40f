//! Prometheus metrics for the whole process: one recorder, rendered at
//! `/metrics` by the gateway or, in a process without one, by a small
//! listener of its own.

use std::{net::SocketAddr, sync::OnceLock};

use axum::{Router, routing::get};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Latency buckets in seconds, from sub-millisecond lookups to the deadline.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];

/// Installs the process-wide recorder (once; later calls return the same handle).
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Suffix("_rows".into()), BATCH_BUCKETS))
            .expect("bucket lists are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!(
                "a metrics recorder was already installed; /metrics shows only this one's series"
            );
        }
        describe();
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(5));
                    upkeep.run_upkeep();
                }
            })
            .expect("spawning the metrics upkeep thread");
        handle
    })
}

/// Every metric Fazhi records, with its HELP text: the exposition carries
/// one for each, so `promtool check metrics` finds none missing.
pub const CATALOGUE: &[(&str, &str)] = &[
    (
        "fazhi_http_requests_total",
        "REST requests answered, by method, route template and status",
    ),
    (
        "fazhi_http_request_duration_seconds",
        "REST request latency from the first byte read to the answer, by method and route template",
    ),
    (
        "fazhi_grpc_server_requests_total",
        "gRPC calls served, by method and status code",
    ),
    (
        "fazhi_grpc_server_request_duration_seconds",
        "gRPC call latency, by method",
    ),
    (
        "fazhi_db_group_commit_rows",
        "Rows written together in one group commit",
    ),
    (
        "fazhi_db_pool_connections",
        "Database connections of each service's pool: in use, idle, and the most it opens",
    ),
    (
        "fazhi_replica_serving",
        "Each service replica this process calls, by address: 1 while its health check answers SERVING, 0 from its first refused call or failed check",
    ),
    (
        "fazhi_trace_export_failures_total",
        "Batches of spans the OTLP collector did not take",
    ),
    (
        "fazhi_trace_spans_dropped_total",
        "Spans lost because the OTLP collector did not take their batch",
    ),
    (
        "fazhi_db_wal_bytes",
        "Bytes of each SQLite database's write-ahead log, kept under database.wal_limit_mib",
    ),
    ("fazhi_login_failures_total", "Failed password logins"),
    (
        "fazhi_rate_limit_unshared_total",
        "Rate-limit counts made in one gateway alone because the shared database did not answer",
    ),
    (
        "fazhi_login_throttled_total",
        "Logins slowed down or refused after repeated failures",
    ),
    (
        "fazhi_deliveries_waiting",
        "Steps of platforms' tickets waiting to be delivered to their endpoints",
    ),
    (
        "fazhi_deliveries_dead",
        "Deliveries to platforms given up after every try (dead letters)",
    ),
    (
        "fazhi_deliveries_acknowledged_total",
        "Deliveries the platforms acknowledged",
    ),
    (
        "fazhi_outbox_backlog_messages",
        "Outbox messages not yet delivered",
    ),
    (
        "fazhi_outbox_oldest_age_seconds",
        "Age of the oldest undelivered outbox message (0 when none)",
    ),
    ("fazhi_outbox_delivered_total", "Outbox messages delivered"),
    (
        "fazhi_outbox_resent_total",
        "Delivered escalations sent again at start because the cases service lacked their lead (its database restored from an older copy)",
    ),
    (
        "fazhi_outbox_failed_attempts_total",
        "Outbox delivery attempts that failed and will be retried",
    ),
    (
        "fazhi_complaint_reminders_total",
        "Reminders (督办) sent for overdue complaints",
    ),
    (
        "fazhi_oversight_complaints_received",
        "Complaints received this year, by township",
    ),
    (
        "fazhi_oversight_complaints_overdue",
        "Complaint replies due this year and not given on time, by township",
    ),
    (
        "fazhi_oversight_complaints_on_time_ratio",
        "Share of complaint replies due this year given on time, by township",
    ),
    (
        "fazhi_oversight_cases_filed",
        "Enforcement cases filed this year, by township",
    ),
    (
        "fazhi_oversight_cases_decided",
        "Enforcement decisions made this year, by township",
    ),
    (
        "fazhi_oversight_certificate_holders",
        "Enforcement certificate holders today, by township",
    ),
    (
        "fazhi_oversight_certification_ratio",
        "Share of enforcement staff holding a certificate, by township",
    ),
    (
        "fazhi_oversight_warnings",
        "Deadlines near (yellow) or passed (red), by township and level",
    ),
    (
        "fazhi_oversight_refreshed_timestamp_seconds",
        "When the oversight gauges were last refreshed (Unix time)",
    ),
    (
        "fazhi_oversight_refresh_failures_total",
        "Refreshes of the oversight gauges that failed",
    ),
];

fn describe() {
    for (name, help) in CATALOGUE {
        if name.ends_with("_total") {
            metrics::describe_counter!(*name, *help);
        } else if name.ends_with("_duration_seconds") || name.ends_with("_rows") {
            metrics::describe_histogram!(*name, *help);
        } else {
            metrics::describe_gauge!(*name, *help);
        }
    }
}

/// The Prometheus text exposition of every metric in the process.
pub fn render() -> String {
    install().render()
}

/// A router serving `GET /metrics`.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route("/metrics", get(|| async { render() }))
}

/// Serves `/metrics` on its own listener until `shutdown`.
pub async fn serve(listener: TcpListener, shutdown: CancellationToken) -> std::io::Result<()> {
    install();
    let addr: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(addr = ?addr, "serving metrics");
    axum::serve(listener, router::<()>())
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}

#[cfg(test)]
mod tests {
    use super::CATALOGUE;

    #[test]
    fn the_grafana_dashboard_reads_only_metrics_fazhi_records() {
        let dashboard = include_str!("../../../deploy/grafana/fazhi-oversight.json");
        let mut named = 0;
        for (i, _) in dashboard.match_indices("fazhi_") {
            let name: String = dashboard[i..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if name == "fazhi_" {
                continue;
            }
            named += 1;
            assert!(
                CATALOGUE.iter().any(|(metric, _)| *metric == name),
                "the dashboard reads {name}, which Fazhi does not record"
            );
        }
        assert!(named > 5);
    }

    #[test]
    fn every_metric_is_named_as_prometheus_asks() {
        for (name, help) in CATALOGUE {
            assert!(name.starts_with("fazhi_") && !help.is_empty());
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }
}
