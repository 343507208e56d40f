//! `fazhi backup` while escalations go on: every copy restores to a
//! consistent system. The databases are copied callers first — complaints
//! before cases — so a complaint a copy shows escalated (its lead named,
//! its outbox message delivered) has that lead in the same backup's cases,
//! whichever escalation fell between the two copies. A set copied in the
//! other order restores whole too: the complaints service sends again, at
//! start, every escalation whose lead the restored cases lack.

use std::collections::HashSet;

use std::path::Path;
use std::time::Duration;

use fazhi_e2e::{Backend, Sandbox, complaint_body, fazhi_binary};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::ConnectOptions;

/// Backups taken one after another while complaints are escalated.
const BACKUPS: usize = 12;
/// Clients escalating at once.
const ESCALATING: usize = 4;

async fn column(file: &std::path::Path, sql: &'static str) -> HashSet<String> {
    let mut db = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    sqlx::query_scalar::<_, String>(sql)
        .fetch_all(&mut db)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// `fazhi backup TARGET --data-dir DATA`, which must succeed.
async fn backup(data: &Path, target: &Path) {
    let backup = tokio::process::Command::new(fazhi_binary())
        .args([
            "backup",
            target.to_str().unwrap(),
            "--data-dir",
            data.to_str().unwrap(),
        ])
        .output()
        .await
        .unwrap();
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
}

/// A sandbox keeping every database as a file in its data directory, as
/// `fazhi serve` does; in `data` when given.
async fn on_files(data: Option<&Path>) -> Sandbox {
    Sandbox::start_with(Backend::Sqlite, |s| {
        s.cases.database_url = None;
        s.complaints.database_url = None;
        s.training.database_url = None;
        if let Some(data) = data {
            s.data_dir = data.to_path_buf();
        }
    })
    .await
}

/// A complaint taken and escalated through the REST API at `base` as
/// `token`; its id.
async fn escalated(client: &reqwest::Client, base: &str, token: &str) -> String {
    let created: serde_json::Value = client
        .post(format!("{base}/api/v1/complaints"))
        .bearer_auth(token)
        .json(&complaint_body())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let response = client
        .post(format!("{base}/api/v1/complaints/{id}/escalate"))
        .bearer_auth(token)
        .json(&json!({
            "version": created["version"], "party": { "kind": "person", "name": "王五" },
            "act_on": "2026-06-01", "continuing": true,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    id
}

/// The lead complaint `id` names once the cases service holds it.
async fn lead_held(sandbox: &Sandbox, id: &str) -> String {
    for _ in 0..300 {
        let complaint = sandbox.get_json(&format!("/api/v1/complaints/{id}")).await;
        if let Some(lead) = complaint["handling"]["lead_id"].as_str() {
            let case = sandbox.get(&format!("/api/v1/cases/{lead}")).await;
            if case.status() == StatusCode::OK {
                return lead.to_owned();
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("complaint {id} names no lead the cases service holds after 30 s");
}

#[tokio::test]
async fn a_set_copied_cases_first_restores_with_every_lead() {
    let copies = tempfile::tempdir().unwrap();
    let (early, late) = (copies.path().join("early"), copies.path().join("late"));
    let sandbox = on_files(None).await;
    let data = sandbox.settings.data_dir.clone();
    let first = escalated(&sandbox.client, &sandbox.rest, &sandbox.token).await;
    let first_lead = lead_held(&sandbox, &first).await;
    backup(&data, &early).await;
    // Escalated after the cases were copied and before the complaints were.
    let second = escalated(&sandbox.client, &sandbox.rest, &sandbox.token).await;
    let lost_lead = lead_held(&sandbox, &second).await;
    backup(&data, &late).await;
    sandbox.stop().await;

    // The complaints (and keys) of the later copy, the cases of the earlier:
    // the second complaint names a lead these cases never held.
    let restored = copies.path().join("restored");
    std::fs::create_dir(&restored).unwrap();
    for entry in std::fs::read_dir(&late).unwrap() {
        let name = entry.unwrap().file_name();
        if name != "gateway.db" && name != "cases.db" && name != "records" {
            std::fs::copy(late.join(&name), restored.join(&name)).unwrap();
        }
    }
    std::fs::copy(early.join("cases.db"), restored.join("cases.db")).unwrap();
    let leads = column(&restored.join("cases.db"), "SELECT id FROM cases").await;
    assert!(leads.contains(&first_lead) && !leads.contains(&lost_lead));

    let sandbox = on_files(Some(&restored)).await;
    assert_eq!(lead_held(&sandbox, &first).await, first_lead);
    let again = lead_held(&sandbox, &second).await;
    assert_ne!(again, lost_lead, "the lead was made again");
    let case = sandbox.get_json(&format!("/api/v1/cases/{again}")).await;
    assert_eq!(case["complaint_id"], second.as_str());
    sandbox.stop().await;
}

#[tokio::test]
async fn backups_taken_while_complaints_are_escalated_restore_consistently() {
    let sandbox = on_files(None).await;
    let data = sandbox.settings.data_dir.clone();
    // Both databases made large (a table of their own beside Fazhi's):
    // each copy then takes long enough for escalations to fall between
    // the copy of one database and the next.
    for file in ["cases.db", "complaints.db"] {
        let mut db = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(data.join(file))
            .connect()
            .await
            .unwrap();
        sqlx::raw_sql(
            "CREATE TABLE ballast (b BLOB); \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 48) \
             INSERT INTO ballast SELECT randomblob(1048576) FROM n;",
        )
        .execute(&mut db)
        .await
        .unwrap();
    }
    let (client, base, token) = (
        sandbox.client.clone(),
        sandbox.rest.clone(),
        sandbox.token.clone(),
    );
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let escalating: Vec<_> = (0..ESCALATING)
        .map(|_| {
            let (stop, client, base, token) =
                (stop.clone(), client.clone(), base.clone(), token.clone());
            tokio::spawn(async move {
                let mut escalated_meanwhile = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    escalated(&client, &base, &token).await;
                    escalated_meanwhile += 1;
                }
                escalated_meanwhile
            })
        })
        .collect();
    let copies = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for n in 0..BACKUPS {
        let target = copies.path().join(format!("copy-{n}"));
        backup(&data, &target).await;
        let named = column(
            &target.join("complaints.db"),
            "SELECT lead_id FROM complaints WHERE lead_id IS NOT NULL AND lead_id <> ''",
        )
        .await;
        let leads = column(&target.join("cases.db"), "SELECT id FROM cases").await;
        let missing: Vec<&String> = named.difference(&leads).collect();
        assert!(
            missing.is_empty(),
            "copy {n}: complaints name leads its cases lack: {missing:?}"
        );
        checked += named.len();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut escalated = 0;
    for one in escalating {
        escalated += one.await.unwrap();
    }
    eprintln!("{BACKUPS} backups, {checked} leads checked, {escalated} escalations meanwhile");
    assert!(escalated > BACKUPS && checked > 0);
    sandbox.stop().await;
}
