//! `fazhi serve --demo` on a new data directory: the real binary fills it
//! with the demo county through the services' APIs, prints two accounts,
//! and the dashboard's figures are there at once; a second start leaves the
//! data as it is.

use std::{process::Stdio, time::Duration};

use chrono::Datelike;
use fazhi_e2e::{Listening, fazhi_binary, read_listening};
use reqwest::StatusCode;
use serde_json::{Value, json};

use fazhi_testkit::browser::{Browser, chromium};

/// Starts `fazhi serve --demo` on port 0 everywhere and returns it with
/// where it listens and what it printed before (the demo's accounts, or
/// that it was not loaded again).
async fn start(data: &std::path::Path) -> (tokio::process::Child, Listening, Vec<String>) {
    let mut child = tokio::process::Command::new(fazhi_binary())
        .args(["serve", "--demo", "--data-dir"])
        .arg(data)
        .env("FAZHI_GATEWAY__LISTEN", "127.0.0.1:0")
        .env("FAZHI_CASES__LISTEN", "127.0.0.1:0")
        .env("FAZHI_COMPLAINTS__LISTEN", "127.0.0.1:0")
        .env("FAZHI_TRAINING__LISTEN", "127.0.0.1:0")
        .env("FAZHI_METRICS__LISTEN", "127.0.0.1:0")
        .env("FAZHI_LOG__FILTER", "warn")
        .env("FAZHI_GATEWAY__OVERSIGHT_METRICS_SECS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("fazhi starts");
    let (listening, printed) = read_listening(&mut child, Duration::from_secs(300)).await;
    (child, listening, printed)
}

fn password(printed: &[String], username: &str) -> String {
    let line = printed
        .iter()
        .find(|l| l.trim_start().starts_with(username))
        .unwrap_or_else(|| panic!("{username} printed: {printed:?}"));
    line.split_whitespace().nth(2).unwrap().to_owned()
}

async fn ready(client: &reqwest::Client, base: &str) {
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the gateway answers");
}

/// A JSON answer of `path` as `token`.
async fn get_json(client: &reqwest::Client, base: &str, token: &str, path: &str) -> Value {
    client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn login(client: &reqwest::Client, base: &str, username: &str, password: &str) -> String {
    let answer: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"]
        .as_str()
        .expect("logged in")
        .to_owned()
}

/// Every metric has HELP text, and `promtool check metrics` (when installed;
/// `.ci/run` installs it) finds nothing to say.
async fn check_exposition(exposition: &str) {
    for line in exposition.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let name = rest.split_whitespace().next().unwrap();
            let help = format!("# HELP {name} ");
            assert!(
                exposition.lines().any(|l| l.starts_with(&help)),
                "{name} has no HELP"
            );
        }
    }
    let promtool = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("promtool"))
            .find(|p| p.is_file())
    });
    let Some(promtool) = fazhi_testkit::optional("promtool", promtool) else {
        return;
    };
    let mut check = tokio::process::Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    let mut stdin = check.stdin.take().unwrap();
    stdin.write_all(exposition.as_bytes()).await.unwrap();
    drop(stdin);
    let out = check.wait_with_output().await.unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool check metrics: {said}"
    );
}

#[tokio::test]
async fn a_new_data_directory_serves_a_living_demo_county() {
    let data = tempfile::tempdir().unwrap();
    fazhi_gateway::install_tls_provider();
    let client = reqwest::Client::new();
    let (mut server, listening, printed) = start(data.path()).await;
    let base = listening.base();
    let loaded = printed
        .iter()
        .find(|l| l.starts_with("demo county loaded"))
        .expect("the demo reports what it loaded");
    assert!(loaded.contains("5 townships"), "{loaded}");
    ready(&client, &base).await;
    // The container health checks: the gateway's readiness and each service's gRPC health.
    for target in [
        format!("{base}/readyz"),
        format!("grpc://{}", listening.cases.expect("cases runs")),
        format!("grpc://{}", listening.complaints.expect("complaints runs")),
        format!("grpc://{}", listening.training.expect("training runs")),
    ] {
        let probed = tokio::process::Command::new(fazhi_binary())
            .args(["probe", &target])
            .output()
            .await
            .unwrap();
        assert!(
            probed.status.success(),
            "{target}: {}",
            String::from_utf8_lossy(&probed.stderr)
        );
    }
    let county = login(
        &client,
        &base,
        "demo.county",
        &password(&printed, "demo.county"),
    )
    .await;

    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let summary_path = format!("/api/v1/oversight/summary?year={}", today.year());
    let summary: Value = get_json(&client, &base, &county, &summary_path).await;
    let rows = summary["townships"].as_array().unwrap();
    assert_eq!(rows.len(), 5, "{summary}");
    for row in rows {
        assert!(row["complaints"]["received"].as_i64().unwrap() > 0, "{row}");
        assert!(
            row["training"]["certificate_holders"].as_i64().unwrap() > 0,
            "{row}"
        );
        assert!(
            row["training"]["outreach_events"].as_i64().unwrap() > 0 || today.month() == 1,
            "{row}"
        );
    }
    assert!(summary["cases"]["total"].as_i64().unwrap() > 0, "{summary}");
    // The demo entered its past with the times things happened: last year,
    // whole, reads like a real county's — every rate of every township
    // strictly between 0 % and 100 %, no more replied than received.
    let last_year: Value = get_json(
        &client,
        &base,
        &county,
        &format!("/api/v1/oversight/summary?year={}", today.year() - 1),
    )
    .await;
    // (A year's replies count on the day they were given, so this year's
    // may include last year's still open at its end, and no more.)
    let carried = |code: &Value| {
        last_year["townships"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["division_code"] == *code)
            .map_or(0, |r| {
                let c = &r["complaints"];
                c["received"].as_i64().unwrap() - c["replied"].as_i64().unwrap()
            })
    };
    for (year, figures) in [(today.year() - 1, &last_year), (today.year(), &summary)] {
        for row in figures["townships"].as_array().unwrap() {
            let c = &row["complaints"];
            let before = if year == today.year() {
                carried(&row["division_code"])
            } else {
                0
            };
            assert!(
                c["replied"].as_i64().unwrap() <= c["received"].as_i64().unwrap() + before,
                "{year}: {row}"
            );
            if year == today.year() && today.month() < 3 {
                continue;
            }
            for rate in [
                "response_rate",
                "on_time_rate",
                "satisfaction_rate",
                "follow_up_rate",
            ] {
                let r = c[rate].as_f64().unwrap_or(0.0);
                assert!(r > 0.0 && r < 1.0, "{year} {rate} {r}: {row}");
            }
        }
    }
    // 老城镇 as its report has it: 19 holders of whom 7 at section level
    // (18 before this year's newcomer is certified on 1 March).
    let laocheng = rows.iter().find(|r| r["name"] == "老城镇").unwrap();
    let holders = if today >= chrono::NaiveDate::from_ymd_opt(today.year(), 3, 1).unwrap() {
        19
    } else {
        18
    };
    assert_eq!(
        laocheng["training"]["certificate_holders"], holders,
        "{laocheng}"
    );
    assert_eq!(laocheng["training"]["certificate_holders_section_level"], 7);
    let villages: Value =
        get_json(&client, &base, &county, "/api/v1/divisions?under=411624100").await;
    assert_eq!(
        villages["divisions"].as_array().unwrap().len(),
        44,
        "the township and its 43 villages"
    );
    let leader = login(
        &client,
        &base,
        "demo.laocheng",
        &password(&printed, "demo.laocheng"),
    )
    .await;
    let report = client
        .get(format!(
            "{base}/api/v1/reports/annual?year={}&format=json",
            today.year()
        ))
        .bearer_auth(&leader)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    let report: Value = report.json().await.unwrap();
    assert!(
        report["markdown"]
            .as_str()
            .unwrap()
            .contains(&format!("目前通过考试申领执法证{holders}[^"))
    );

    // The same figures as gauges per township on /metrics, every metric with HELP.
    let laocheng_received = laocheng["complaints"]["received"].to_string();
    let series = format!(
        "fazhi_oversight_complaints_received{{division=\"411624100\"}} {laocheng_received}"
    );
    let mut exposition = String::new();
    for _ in 0..100 {
        exposition = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if exposition.lines().any(|l| l == series) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        exposition.lines().any(|l| l == series),
        "{series} not in:\n{exposition}"
    );
    check_exposition(&exposition).await;

    if let Some(binary) = chromium() {
        let mut browser = Browser::launch(&binary).await;
        let tab = browser.open(&format!("{base}/")).await;
        browser
            .wait_for(
                &tab,
                "document.readyState === 'complete' && !!document.getElementById('login-form')",
                Duration::from_secs(10),
            )
            .await;
        let pw = password(&printed, "demo.county");
        browser
            .eval(
                &tab,
                &format!(
                    "document.getElementById('username').value = 'demo.county';\
                document.getElementById('password').value = {pw:?};\
                document.getElementById('login-form').requestSubmit(); true"
                ),
            )
            .await;
        browser
            .wait_for(
                &tab,
                "document.body.dataset.loaded === 'true'",
                Duration::from_secs(15),
            )
            .await;
        let shown = browser
            .eval(
                &tab,
                "document.querySelectorAll('#county-table tbody tr[data-division]').length",
            )
            .await;
        assert_eq!(shown, 5, "the dashboard shows the five townships");
        // No township's on-time or satisfaction rate at 0 % or 100 % (the
        // year's first months aside, when a township has little yet).
        if today.month() >= 3 {
            let extremes = browser
                .eval(
                    &tab,
                    "Array.from(document.querySelectorAll('#county-table tbody tr[data-division] td'))\
                     .filter(td => ['complaints.on_time_rate', 'complaints.satisfaction_rate']\
                     .includes(td.dataset.field) && ['0.0%', '100.0%', '—'].includes(td.textContent.trim()))\
                     .length",
                )
                .await;
            assert_eq!(extremes, 0, "a rate at 0 % or 100 % on the first screen");
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("demo-first-screen.png"),
            browser.screenshot(&tab).await,
        )
        .unwrap();
        browser
            .eval(
                &tab,
                "document.querySelector('tr[data-division=\"411624100\"]').click(); true",
            )
            .await;
        browser
            .wait_for(
                &tab,
                "document.getElementById('township').dataset.loaded === 'true'",
                Duration::from_secs(10),
            )
            .await;
        std::fs::write(
            dir.join("demo-township.png"),
            browser.screenshot(&tab).await,
        )
        .unwrap();
    }

    // A second start with --demo leaves the data as it is.
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    let (_again, listening, printed) = start(data.path()).await;
    assert!(
        printed.iter().any(|l| l.contains("not loaded again")),
        "{printed:?}"
    );
    let base = listening.base();
    ready(&client, &base).await;
    let again: Value = get_json(&client, &base, &county, &summary_path).await;
    assert_eq!(
        again["complaints"]["received"],
        summary["complaints"]["received"]
    );
}
