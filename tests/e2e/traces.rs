//! One complaint escalation is one trace: the gateway, the complaints
//! service and — through the outbox, later and from another task — the
//! cases service all export their spans over OTLP to a receiver this test
//! runs, every span parented inside the trace the caller started, each call
//! between services a client span with the server span under it.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use fazhi_e2e::{
    TOWNSHIP, complaint_body,
    fleet::{ADMIN_PASSWORD, Fleet},
};
use opentelemetry_proto::tonic::{
    collector::trace::v1::{
        ExportTraceServiceRequest, ExportTraceServiceResponse,
        trace_service_server::{TraceService, TraceServiceServer},
    },
    common::v1::{KeyValue, any_value::Value as Any},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The caller's trace and span, as a township app would send them.
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

#[derive(Debug, Clone)]
struct Received {
    service: String,
    name: String,
    kind: i32,
    trace_id: String,
    span_id: String,
    parent: String,
    attributes: HashMap<String, String>,
}

/// Kinds as OTLP numbers them.
const SERVER: i32 = 2;
const CLIENT: i32 = 3;
const CONSUMER: i32 = 5;

#[derive(Clone, Default)]
struct Receiver {
    spans: Arc<Mutex<Vec<Received>>>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(attributes: &[KeyValue]) -> HashMap<String, String> {
    attributes
        .iter()
        .filter_map(|kv| {
            let value = match kv.value.as_ref()?.value.as_ref()? {
                Any::StringValue(s) => s.clone(),
                Any::IntValue(i) => i.to_string(),
                Any::BoolValue(b) => b.to_string(),
                Any::DoubleValue(d) => d.to_string(),
                _ => return None,
            };
            Some((kv.key.clone(), value))
        })
        .collect()
}

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let mut spans = self.spans.lock().unwrap();
        for resource in request.into_inner().resource_spans {
            let service = resource
                .resource
                .as_ref()
                .map(|r| text(&r.attributes))
                .and_then(|a| a.get("service.name").cloned())
                .unwrap_or_default();
            for span in resource.scope_spans.into_iter().flat_map(|s| s.spans) {
                spans.push(Received {
                    service: service.clone(),
                    name: span.name.clone(),
                    kind: span.kind,
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent: hex(&span.parent_span_id),
                    attributes: text(&span.attributes),
                });
            }
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

impl Receiver {
    fn of_trace(&self) -> Vec<Received> {
        self.spans
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.trace_id == TRACE_ID)
            .cloned()
            .collect()
    }
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: &str,
    body: &Value,
    traced: bool,
) -> (StatusCode, Value) {
    let mut request = http.post(url).json(body);
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    if traced {
        request = request.header("traceparent", format!("00-{TRACE_ID}-{CALLER_SPAN}-01"));
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn one_escalation_is_one_trace_across_gateway_complaints_and_cases() {
    let receiver = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let otlp = format!("http://{}", listener.local_addr().unwrap());
    let serving = receiver.clone();
    tokio::spawn(async move {
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(serving))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener))
            .await
            .unwrap();
    });
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ];
    let fleet = Fleet::start(1, &env)
        .await
        .expect("one of each runs anywhere");
    let base = fleet.gateway_urls()[0].clone();
    let http = reqwest::Client::new();

    let (_, admin) = post(
        &http,
        format!("{base}/api/v1/auth/login"),
        "",
        &json!({ "username": "admin", "password": ADMIN_PASSWORD }),
        false,
    )
    .await;
    let admin = admin["access_token"].as_str().unwrap().to_owned();
    let account = json!({
        "username": "desk.staff", "password": "a long trace password",
        "roles": ["staff"], "division_code": TOWNSHIP,
    });
    let (status, _) = post(
        &http,
        format!("{base}/api/v1/accounts"),
        &admin,
        &account,
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, staff) = post(
        &http,
        format!("{base}/api/v1/auth/login"),
        "",
        &json!({ "username": "desk.staff", "password": "a long trace password" }),
        false,
    )
    .await;
    let staff = staff["access_token"].as_str().unwrap().to_owned();
    let (status, created) = post(
        &http,
        format!("{base}/api/v1/complaints"),
        &staff,
        &complaint_body(),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();

    // The escalation, in the caller's trace.
    let (status, escalated) = post(
        &http,
        format!("{base}/api/v1/complaints/{id}/escalate"),
        &staff,
        &json!({
            "version": created["version"], "party": { "kind": "person", "name": "王五" },
            "act_on": "2025-06-01", "continuing": true, "note": "现场核实在建",
        }),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{escalated}");

    // The lead's creation arrives from the outbox relay; each process
    // exports its spans in its own batches, so wait for all of them.
    let expected = [
        ("fazhi-gateway", "POST /api/v1/complaints/{id}/escalate"),
        (
            "fazhi-gateway",
            "fazhi.complaints.v1.ComplaintService/EscalateComplaint",
        ),
        (
            "fazhi-complaints",
            "fazhi.complaints.v1.ComplaintService/EscalateComplaint",
        ),
        ("fazhi-complaints", "UPDATE complaints"),
        ("fazhi-complaints", "process cases.create_lead"),
        ("fazhi-complaints", "fazhi.cases.v1.CaseService/CreateLead"),
        ("fazhi-cases", "fazhi.cases.v1.CaseService/CreateLead"),
        ("fazhi-cases", "INSERT cases"),
    ];
    let mut spans = Vec::new();
    for _ in 0..200 {
        spans = receiver.of_trace();
        let arrived = |(service, name): &(&str, &str)| {
            spans
                .iter()
                .any(|s| s.service == *service && s.name == *name)
        };
        if expected.iter().all(arrived) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let names: Vec<(&str, &str)> = spans
        .iter()
        .map(|s| (s.service.as_str(), s.name.as_str()))
        .collect();
    let find = |service: &str, what: &dyn Fn(&Received) -> bool| -> Received {
        spans
            .iter()
            .find(|s| s.service == service && what(s))
            .unwrap_or_else(|| panic!("no such {service} span in the trace: {names:?}"))
            .clone()
    };

    // The gateway's server span continues the caller's.
    let http_span = find("fazhi-gateway", &|s| {
        s.name == "POST /api/v1/complaints/{id}/escalate"
    });
    assert_eq!(http_span.kind, SERVER);
    assert_eq!(http_span.parent, CALLER_SPAN);
    assert_eq!(http_span.attributes["http.request.method"], "POST");
    assert_eq!(
        http_span.attributes["http.route"],
        "/api/v1/complaints/{id}/escalate"
    );
    assert_eq!(http_span.attributes["http.response.status_code"], "200");

    // The complaints service's RPC under it, and its database transaction.
    // The gateway's call to the complaints service under it, naming the
    // replica called, and the complaints service's RPC under that.
    let call = find("fazhi-gateway", &|s| {
        s.kind == CLIENT && s.parent == http_span.span_id
    });
    assert_eq!(call.attributes["rpc.system"], "grpc");
    assert_eq!(
        call.attributes["rpc.service"],
        "fazhi.complaints.v1.ComplaintService"
    );
    assert!(call.attributes["server.address"].starts_with("http://127.0.0.1:"));
    let rpc = find("fazhi-complaints", &|s| {
        s.kind == SERVER && s.parent == call.span_id
    });
    assert_eq!(rpc.name, call.name);
    assert_eq!(rpc.attributes["rpc.system"], "grpc");
    assert_eq!(
        rpc.attributes["rpc.service"],
        "fazhi.complaints.v1.ComplaintService"
    );
    assert_eq!(rpc.attributes["rpc.grpc.status_code"], "0");
    let db = find("fazhi-complaints", &|s| s.name == "UPDATE complaints");
    assert_eq!(db.kind, CLIENT);
    assert!(["postgresql", "sqlite"].contains(&db.attributes["db.system.name"].as_str()));
    assert_eq!(db.attributes["db.collection.name"], "complaints");

    // The outbox delivery continues the escalation's trace; the lead's
    // creation in the cases service is under it, with its own insert.
    let delivery = find("fazhi-complaints", &|s| {
        s.name == "process cases.create_lead"
    });
    assert_eq!(delivery.kind, CONSUMER);
    assert_eq!(
        delivery.attributes["messaging.destination.name"],
        "cases.create_lead"
    );
    let sent = find("fazhi-complaints", &|s| {
        s.kind == CLIENT && s.name == "fazhi.cases.v1.CaseService/CreateLead"
    });
    assert_eq!(sent.parent, delivery.span_id);
    assert_eq!(sent.attributes["rpc.grpc.status_code"], "0");
    let create_lead = find("fazhi-cases", &|s| {
        s.name == "fazhi.cases.v1.CaseService/CreateLead"
    });
    assert_eq!(create_lead.kind, SERVER);
    assert_eq!(create_lead.parent, sent.span_id);
    let insert = find("fazhi-cases", &|s| s.name == "INSERT cases");
    assert_eq!(insert.parent, create_lead.span_id);

    // One trace: every span's parent is the caller's or another of its spans.
    let ids: Vec<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    for span in &spans {
        assert!(
            span.parent == CALLER_SPAN || ids.contains(&span.parent.as_str()),
            "{} span {} hangs outside the trace: {names:?}",
            span.service,
            span.name
        );
    }

    // Probes are not traced: the gateway asked each service's health four
    // times a second and the fleet asked /readyz, yet no span says so.
    let every = receiver.spans.lock().unwrap().clone();
    assert!(!every.is_empty());
    let probes: Vec<&str> = every
        .iter()
        .map(|s| s.name.as_str())
        .filter(|name| name.contains("grpc.health.v1") || name.ends_with("/readyz"))
        .collect();
    assert!(probes.is_empty(), "{probes:?}");
}
