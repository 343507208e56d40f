//! Escalation to enforcement through the outbox: with the cases service
//! away the complaint is still escalated, and the lead appears exactly once
//! after it comes back.

use std::time::Duration;

use fazhi::cluster::{self, Role};
use fazhi_e2e::{Sandbox, TOWNSHIP, backends, complaint_body};
use fazhi_platform::shutdown::CancellationToken;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn complaint(sandbox: &Sandbox, token: &str, id: &str) -> Value {
    sandbox
        .get_as(token, &format!("/api/v1/complaints/{id}"))
        .await
        .json()
        .await
        .unwrap()
}

async fn escalate(sandbox: &Sandbox, token: &str, id: &str) -> (StatusCode, Value) {
    let version = complaint(sandbox, token, id).await["version"].clone();
    let response = sandbox
        .post_as(
            token,
            &format!("/api/v1/complaints/{id}/escalate"),
            &json!({
                "version": version, "party": { "kind": "person", "name": "王五" },
                "act_on": "2025-06-01", "continuing": true, "note": "现场核实在建",
            }),
        )
        .await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

/// Waits until the complaint names its lead.
async fn lead_of(sandbox: &Sandbox, token: &str, id: &str) -> Value {
    for _ in 0..200 {
        let now = complaint(sandbox, token, id).await;
        if now["handling"]["lead_id"].is_string() {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no lead for complaint {id} after 20 s");
}

/// A free port below the range the system hands out for port 0 (32768 and
/// up on Linux), so no other test's listener takes it while the cases
/// service is away.
fn port_outside_the_ephemeral_range() -> u16 {
    let start = std::process::id() as u16 % 8_000;
    (0..8_000u16)
        .map(|i| 20_000 + (start + i) % 8_000)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port between 20000 and 28000")
}

#[tokio::test]
async fn an_escalation_made_while_cases_is_down_becomes_one_lead_when_it_returns() {
    for backend in backends() {
        // The cases service the others call is on a port nobody listens on yet.
        let port = port_outside_the_ephemeral_range();
        // Retries come due on a clock the test turns; it also runs the
        // relay's passes itself.
        let clock = fazhi_platform::clock::ManualClock::new(fazhi_platform::time::now());
        let sandbox = Sandbox::start_with_clock(
            backend,
            |s| {
                s.cases.endpoint = Some(format!("http://127.0.0.1:{port}"));
                // The desk's token outlives the hours the clock is turned on.
                s.gateway.auth.token_ttl_secs = 30 * 24 * 3600;
            },
            clock.clone(),
        )
        .await;
        let relay = sandbox.complaints_relay();
        // Past any retry's wait (backoff and jitter included).
        let past_the_wait = || clock.advance(chrono::Duration::hours(2));
        let staff = sandbox.account("desk.staff", &["staff"], TOWNSHIP).await;
        let created: Value = sandbox
            .post_as(&staff, "/api/v1/complaints", &complaint_body())
            .await
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();

        let (status, escalated) = escalate(&sandbox, &staff, &id).await;
        assert_eq!(status, StatusCode::OK, "{escalated}");
        assert!(escalated["handling"]["escalated_at"].is_string());
        assert!(escalated["handling"].get("lead_id").is_none());
        let (status, again) = escalate(&sandbox, &staff, &id).await;
        assert_eq!(
            (status, &again["code"]),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!("already_escalated")
            )
        );
        // Several retries fail while it is away.
        for _ in 0..3 {
            past_the_wait();
            relay.pass().await.unwrap();
        }
        assert!(
            complaint(&sandbox, &staff, &id).await["handling"]
                .get("lead_id")
                .is_none()
        );

        // The cases service comes up on its port, on the same database.
        let mut settings = sandbox.settings.clone();
        settings.cases.listen = format!("127.0.0.1:{port}").parse().unwrap();
        settings.cases.endpoint = None;
        settings.metrics.listen = "127.0.0.1:0".parse().unwrap();
        let cases = cluster::start_with_clock(
            &settings,
            Role::Cases,
            CancellationToken::new(),
            clock.clone(),
        )
        .await
        .expect("the cases service starts");
        // Each pass finds the retry due, until the cases service answers.
        let mut delivered = Value::Null;
        for _ in 0..200 {
            past_the_wait();
            relay.pass().await.unwrap();
            delivered = complaint(&sandbox, &staff, &id).await;
            if delivered["handling"]["lead_id"].is_string() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let lead_id = delivered["handling"]["lead_id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(delivered["handling"]["case_status"], "lead", "{delivered}");
        // Exactly one lead, keyed by the complaint, whatever the retries:
        // once delivered, nothing is left to send.
        for _ in 0..2 {
            past_the_wait();
            assert_eq!(relay.pass().await.unwrap(), 0);
        }
        let page: Value = sandbox
            .get_as(&staff, &format!("/api/v1/cases?division={TOWNSHIP}"))
            .await
            .json()
            .await
            .unwrap();
        let leads: Vec<&Value> = page["cases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["complaint_id"] == id.as_str())
            .collect();
        assert_eq!(leads.len(), 1, "{page}");
        assert_eq!(leads[0]["id"], lead_id.as_str());
        assert_eq!(leads[0]["source"], "complaint");

        // With the cases service up, the next escalation arrives at once.
        let second: Value = sandbox
            .post_as(&staff, "/api/v1/complaints", &complaint_body())
            .await
            .json()
            .await
            .unwrap();
        let second = second["id"].as_str().unwrap().to_owned();
        let (status, _) = escalate(&sandbox, &staff, &second).await;
        assert_eq!(status, StatusCode::OK);
        lead_of(&sandbox, &staff, &second).await;

        cases.stop().await.unwrap();
        sandbox.stop().await;
    }
}
