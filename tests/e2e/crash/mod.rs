//! Durability: the real `fazhi` binary is killed with SIGKILL right after its
//! last 201, restarted on the same data, and every acknowledged complaint is there.

mod load;

use std::{
    path::Path,
    process::Stdio,
    time::{Duration, Instant},
};

use fazhi_e2e::{Backend, backends, complaint_body, fazhi_binary, read_listening};
use reqwest::StatusCode;
use tokio::process::{Child, Command};

const ADMIN_PASSWORD: &str = "crash test administrator";

/// Logs in as the bootstrap administrator.
async fn login(client: &reqwest::Client, base: &str) -> String {
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "admin", "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// Starts `fazhi serve` on port 0 everywhere; its REST base URL, read
/// from the line it prints once ready.
async fn spawn(data_dir: &Path, database_urls: &[(&str, String)]) -> (Child, String) {
    let mut command = Command::new(fazhi_binary());
    command
        .args(["serve", "--data-dir"])
        .arg(data_dir)
        .env("FAZHI_GATEWAY__LISTEN", "127.0.0.1:0")
        .env("FAZHI_CASES__LISTEN", "127.0.0.1:0")
        .env("FAZHI_COMPLAINTS__LISTEN", "127.0.0.1:0")
        .env("FAZHI_TRAINING__LISTEN", "127.0.0.1:0")
        .env("FAZHI_METRICS__LISTEN", "127.0.0.1:0")
        .env("FAZHI_LOG__FILTER", "warn")
        .env("FAZHI_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    for (service, url) in database_urls {
        command.env(
            format!("FAZHI_{}__DATABASE_URL", service.to_ascii_uppercase()),
            url,
        );
    }
    let mut child = command.spawn().expect("fazhi starts");
    let (listening, _) = read_listening(&mut child, Duration::from_secs(60)).await;
    (child, listening.base())
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = client.get(format!("{base}/readyz")).send().await
            && response.status() == StatusCode::OK
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "fazhi did not become ready within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn every_acknowledged_complaint_survives_sigkill() {
    for backend in backends() {
        let data = tempfile_dir();
        let mut databases = Vec::new();
        let mut urls = Vec::new();
        if backend == Backend::Postgres {
            for service in ["cases", "complaints", "training", "gateway"] {
                let db = fazhi_testkit::postgres()
                    .await
                    .expect("PostgreSQL is configured");
                urls.push((service, db.url().unwrap().to_owned()));
                databases.push(db);
            }
        }
        fazhi_gateway::install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();

        let (mut server, base) = spawn(data.data_dir(), &urls).await;
        wait_ready(&client, &base).await;
        let token = login(&client, &base).await;

        // Concurrent writers, so acknowledged rows share group commits.
        let posts = (0..8).map(|_| {
            let client = client.clone();
            let token = token.clone();
            let url = format!("{base}/api/v1/complaints");
            async move {
                let mut ids = Vec::new();
                for _ in 0..25 {
                    let response = client
                        .post(&url)
                        .bearer_auth(&token)
                        .json(&complaint_body())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), StatusCode::CREATED);
                    let body: serde_json::Value = response.json().await.unwrap();
                    ids.push(body["id"].as_str().unwrap().to_owned());
                }
                ids
            }
        });
        let acknowledged: Vec<String> = futures::future::join_all(posts)
            .await
            .into_iter()
            .flatten()
            .collect();
        server.start_kill().expect("SIGKILL is delivered");
        server.wait().await.unwrap();

        let (mut restarted, base) = spawn(data.data_dir(), &urls).await;
        wait_ready(&client, &base).await;
        let mut missing = 0;
        for id in &acknowledged {
            let status = client
                .get(format!("{base}/api/v1/complaints/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status();
            if status != StatusCode::OK {
                missing += 1;
            }
        }
        restarted.start_kill().ok();
        restarted.wait().await.ok();
        assert_eq!(acknowledged.len(), 200);
        assert_eq!(
            missing, 0,
            "{backend:?}: acknowledged complaints lost after SIGKILL"
        );
    }
}

fn tempfile_dir() -> fazhi_testkit::TestDatabase {
    fazhi_testkit::sqlite()
}
