//! Each service stopped in turn, as separate processes behind one gateway:
//! while it is down the others keep answering, what needs it is refused
//! with 503 within the call deadline, the gateway stays ready (200) while
//! its status and the county summary name the service (the summary
//! partial, never failed), and once it is back everything
//! answers whole again — an escalation taken while the cases service was
//! down reaches it as its lead.

use std::time::{Duration, Instant};

use fazhi_e2e::{complaint_body, fleet::Fleet};
use reqwest::StatusCode;
use serde_json::json;

use crate::fleet::Client;

const SERVICES: [&str; 3] = ["training", "cases", "complaints"];

/// A citizen's own request, as the public form sends it.
fn public_body() -> serde_json::Value {
    let mut body = complaint_body();
    body.as_object_mut().unwrap().remove("channel");
    body
}

/// A read that needs only `service`.
fn needs(service: &str) -> &'static str {
    match service {
        "training" => "/api/v1/training/stats",
        "cases" => "/api/v1/cases",
        _ => "/api/v1/complaints",
    }
}

#[tokio::test]
async fn each_service_stopped_in_turn_leaves_the_others_answering() {
    // One process of each; on SQLite files unless PostgreSQL is configured.
    let mut fleet = Fleet::start(1, &[])
        .await
        .expect("one replica of each starts");
    let client = Client::new(fleet.gateway_urls());
    let staff = client.township_staff().await;
    let (status, created) = staff
        .post("/api/v1/complaints", &complaint_body(), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    // The fleet's call deadline, and a second for the gateway's own work.
    let deadline = Duration::from_secs(5 + 1);
    let mut received = 1;

    for down in SERVICES {
        let replica = &mut fleet.replicas(down)[0];
        replica.terminate();
        replica.exited(Duration::from_secs(30)).await;

        // The gateway itself stays ready: what does not need the service
        // goes on being served through it.
        let (status, ready) = client.get("/readyz").await;
        assert_eq!(status, StatusCode::OK, "{ready}");
        assert_eq!(ready["status"], "ready", "{ready}");
        let (status, state) = client.get("/statusz").await;
        assert_eq!(status, StatusCode::OK, "{state}");
        assert_eq!(state["status"], "degraded", "{state}");
        assert_eq!(state["services"][down], "unavailable", "{state}");

        let asked = Instant::now();
        let (status, problem) = staff.get(needs(down)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{down}: {problem}");
        assert_eq!(problem["code"], "service_unavailable", "{problem}");
        assert!(asked.elapsed() < deadline, "{down}: {:?}", asked.elapsed());

        let asked = Instant::now();
        let (status, summary) = staff.get("/api/v1/oversight/summary").await;
        assert_eq!(status, StatusCode::OK, "{down}: {summary}");
        assert_eq!(summary["partial"], true, "{summary}");
        assert_eq!(summary["unavailable"], json!([down]), "{summary}");
        assert!(asked.elapsed() < deadline, "{down}: {:?}", asked.elapsed());
        for row in summary["townships"].as_array().unwrap() {
            assert_eq!(row["unavailable"], json!([down]), "{row}");
        }

        // A citizen's request is taken and followed while training or
        // cases is down: intake needs the complaints service alone.
        if down != "complaints" {
            let (status, taken) = client
                .post("/api/v1/public/complaints", &public_body(), None)
                .await;
            assert_eq!(status, StatusCode::CREATED, "{down}: {taken}");
            let code = taken["tracking_code"].as_str().unwrap();
            let (status, progress) = client
                .get(&format!(
                    "/api/v1/public/complaints/{code}?phone_last4=1234"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{down}: {progress}");
            let (status, taken) = staff
                .post("/api/v1/complaints", &complaint_body(), None)
                .await;
            assert_eq!(status, StatusCode::CREATED, "{down}: {taken}");
            received += 2;
        }

        for other in SERVICES.into_iter().filter(|s| *s != down) {
            assert_eq!(state["services"][other], "serving", "{state}");
            let (status, answer) = staff.get(needs(other)).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "{other} while {down} is down: {answer}"
            );
        }

        // Escalated while the cases service is down: taken, its lead owed.
        let id = created["id"].as_str().unwrap();
        if down == "cases" {
            let (_, now) = staff.get(&format!("/api/v1/complaints/{id}")).await;
            let body = json!({
                "version": now["version"], "party": { "kind": "person", "name": "王五" },
                "act_on": "2026-06-01", "continuing": true,
            });
            let path = format!("/api/v1/complaints/{id}/escalate");
            let (status, escalated) = staff.post(&path, &body, None).await;
            assert_eq!(status, StatusCode::OK, "{escalated}");
            assert!(
                escalated["handling"].get("lead_id").is_none(),
                "{escalated}"
            );
        }

        let replica = &mut fleet.replicas(down)[0];
        replica.spawn();
        replica.wait_ready().await;
        // The outbox catches up once it is back: the lead appears.
        if down == "cases" {
            let back = Instant::now() + Duration::from_secs(30);
            loop {
                let (_, now) = staff.get(&format!("/api/v1/complaints/{id}")).await;
                if now["handling"]["lead_id"].is_string() {
                    break;
                }
                assert!(
                    Instant::now() < back,
                    "no lead 30 s after cases returned: {now}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        // The gateway finds it serving again by its own health checks
        // (every 250 ms); a real process is waited on, for at most 30 s.
        let back = Instant::now() + Duration::from_secs(30);
        loop {
            let (status, summary) = staff.get("/api/v1/oversight/summary").await;
            if status == StatusCode::OK && summary["partial"] == false {
                assert_eq!(summary["complaints"]["received"], received, "{summary}");
                break;
            }
            assert!(
                Instant::now() < back,
                "{down} is back but not answered: {summary}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
