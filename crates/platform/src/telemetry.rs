//! Logs and traces, set up once per process: a `tracing` subscriber writing
//! plain or JSON lines, plus OpenTelemetry export over OTLP/gRPC when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set. W3C trace context is the propagator,
//! so a trace follows a request gateway → service → service.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::{Resource, propagation::TraceContextPropagator, trace::SdkTracerProvider};
use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

use crate::config::{LogFormat, LogSettings};

/// Flushes and stops trace export when dropped; keep it until the process ends.
#[must_use = "dropping the guard stops trace export"]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(err) = provider.shutdown()
        {
            eprintln!("flushing traces failed: {err}");
        }
    }
}

/// Installs the global subscriber. Call once, inside the Tokio runtime.
pub fn init(settings: &LogSettings, service_name: &str) -> anyhow::Result<TelemetryGuard> {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let filter =
        EnvFilter::try_from_default_env().or_else(|_| EnvFilter::try_new(&settings.filter))?;

    let provider = match std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => {
            let exporter = Counted {
                inner: opentelemetry_otlp::SpanExporter::builder()
                    .with_tonic()
                    .build()?,
                failing: std::sync::atomic::AtomicBool::new(false),
            };
            let provider = SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(
                    Resource::builder()
                        .with_service_name(service_name.to_owned())
                        .build(),
                )
                .build();
            opentelemetry::global::set_tracer_provider(provider.clone());
            Some(provider)
        }
        _ => None,
    };
    // Traces keep Fazhi's own spans whatever the log filter says; of the
    // libraries beneath, warnings only.
    let otel_layer = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("fazhi"))
            .with_filter(
                tracing_subscriber::filter::Targets::new()
                    .with_default(tracing::Level::WARN)
                    .with_target("fazhi", tracing::Level::INFO),
            )
            .boxed()
    });

    let fmt_layer = match settings.format {
        LogFormat::Plain => tracing_subscriber::fmt::layer().with_target(true).boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(fmt_layer.with_filter(filter))
        .with(otel_layer)
        .try_init()?;
    if provider.is_some() {
        tracing::info!(service = service_name, "exporting traces over OTLP");
    }
    Ok(TelemetryGuard { provider })
}

/// Counts every batch of spans the collector did not take
/// (`fazhi_trace_export_failures_total`, with the spans lost in
/// `fazhi_trace_spans_dropped_total`), and says so in the log when export
/// starts failing and when it works again — not once per batch.
#[derive(Debug)]
struct Counted<E> {
    inner: E,
    failing: std::sync::atomic::AtomicBool,
}

impl<E: opentelemetry_sdk::trace::SpanExporter> opentelemetry_sdk::trace::SpanExporter
    for Counted<E>
{
    async fn export(
        &self,
        batch: Vec<opentelemetry_sdk::trace::SpanData>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        use std::sync::atomic::Ordering;
        let spans = batch.len() as u64;
        let result = self.inner.export(batch).await;
        match &result {
            Ok(()) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    tracing::info!("exporting traces again");
                }
            }
            Err(err) => {
                metrics::counter!("fazhi_trace_export_failures_total").increment(1);
                metrics::counter!("fazhi_trace_spans_dropped_total").increment(spans);
                if !self.failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %err, spans, "exporting traces failed; spans are dropped until the collector answers");
                }
            }
        }
        result
    }

    fn shutdown_with_timeout(
        &self,
        timeout: std::time::Duration,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// The current span's W3C `traceparent`, to store beside work done later
/// (an outbox message); "" when the span is not traced.
pub fn current_traceparent() -> String {
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let context = tracing::Span::current().context();
    let mut carrier = std::collections::HashMap::new();
    opentelemetry::global::get_text_map_propagator(|p| p.inject_context(&context, &mut carrier));
    carrier.remove("traceparent").unwrap_or_default()
}

/// Makes `span` continue the trace a stored `traceparent` names (nothing
/// when it is empty or unreadable).
pub fn continue_trace(span: &tracing::Span, traceparent: &str) {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    if traceparent.is_empty() {
        return;
    }
    let carrier =
        std::collections::HashMap::from([("traceparent".to_owned(), traceparent.to_owned())]);
    let context = opentelemetry::global::get_text_map_propagator(|p| p.extract(&carrier));
    if context.span().span_context().is_valid() {
        let _ = span.set_parent(context);
    }
}

/// For tests: silent unless `TEST_LOG` is set; safe to call many times.
pub fn init_for_tests() {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
            )
            .with_test_writer()
            .try_init();
    }
}
