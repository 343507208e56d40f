//! The dashboard page in a real headless Chromium: log in as a county
//! overseer, see every township's figures as the API gives them, the charts
//! drawn and the warnings listed, drill into a township; a township leader
//! sees only its own row. Screenshots of the first screen and of the
//! township are left in `target/dashboard/`.

use std::time::{Duration, Instant};

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::training::post;
use fazhi_testkit::browser::{Browser, Tab, chromium};

const PASSWORD: &str = "a long test password";

/// Complaints of this year pushed by the county platform.
fn tickets(division: &str, n: usize) -> Vec<Value> {
    let received = chrono::Utc::now() - chrono::Duration::hours(1);
    (0..n)
        .map(|i| {
            json!({
                "source": "county_12345", "external_id": format!("dash-{division}-{i}"),
                "received_at": received.to_rfc3339(),
                "channel": "hotline_12345", "type": "complaint", "category": "illegal_construction",
                "content": "反映违建", "address": "西关村", "division_code": division,
                "complainant_name": "张三", "complainant_phone": "13812341234",
            })
        })
        .collect()
}

async fn log_in(browser: &mut Browser, tab: &Tab, username: &str) -> Duration {
    browser
        .wait_for(
            tab,
            "document.readyState === 'complete' && !!document.getElementById('login-form')",
            Duration::from_secs(10),
        )
        .await;
    let started = Instant::now();
    browser
        .eval(
            tab,
            &format!(
                "document.getElementById('username').value = {username:?};\
                 document.getElementById('password').value = {PASSWORD:?};\
                 document.getElementById('login-form').requestSubmit(); true"
            ),
        )
        .await;
    browser
        .wait_for(
            tab,
            "document.body.dataset.loaded === 'true'",
            Duration::from_secs(15),
        )
        .await;
    started.elapsed()
}

/// The county table as shown: division → field → text.
async fn shown_rows(browser: &mut Browser, tab: &Tab) -> Value {
    browser
        .eval(
            tab,
            "Object.fromEntries([...document.querySelectorAll('#county-table tbody tr[data-division]')]\
               .map(tr => [tr.dataset.division, Object.fromEntries([...tr.querySelectorAll('td[data-field]')]\
               .map(td => [td.dataset.field, td.textContent])) ]))",
        )
        .await
}

fn save(name: &str, png: &[u8]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dashboard");
    std::fs::create_dir_all(&dir).expect("the screenshot directory");
    std::fs::write(dir.join(name), png).expect("the screenshot is written");
}

#[tokio::test]
async fn the_dashboard_shows_the_apis_figures_in_a_real_browser() {
    let Some(binary) = fazhi_testkit::optional("Chromium", chromium()) else {
        return;
    };
    let backend = backends().into_iter().next().expect("SQLite at least");
    let sandbox = Sandbox::start(backend).await;
    let overseer = sandbox
        .account("county.overseer", &["county_overseer"], COUNTY)
        .await;
    sandbox
        .account("laocheng.leader", &["leader"], TOWNSHIP)
        .await;
    let platform = sandbox.account("county.platform", &["admin"], COUNTY).await;
    let registered = sandbox
        .client
        .put(sandbox.url("/api/v1/divisions"))
        .bearer_auth(&overseer)
        .json(&json!({ "divisions": [
            { "code": COUNTY, "name": "沈丘县" },
            { "code": TOWNSHIP, "name": "老城镇" },
            { "code": OTHER_TOWNSHIP, "name": "槐店回族镇" },
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::OK);
    let mut items = tickets(TOWNSHIP, 7);
    items.extend(tickets(OTHER_TOWNSHIP, 3));
    let (status, answer) = post(
        &sandbox,
        &platform,
        "/api/v1/complaints:batch",
        json!({ "items": items }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let year = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y")
        .to_string();
    let (status, event) = post(&sandbox, &overseer, "/api/v1/outreach-events", json!({
        "division_code": TOWNSHIP, "held_on": (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive().to_string(),
        "theme": "宪法宣传", "audience": "village", "materials": 30, "people_reached": 200,
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{event}");
    let api: Value = sandbox
        .get_as(&overseer, &format!("/api/v1/oversight/summary?year={year}"))
        .await
        .json()
        .await
        .unwrap();

    let mut browser = Browser::launch(&binary).await;
    let tab = browser.open(&sandbox.url("/")).await;
    let first_screen = log_in(&mut browser, &tab, "county.overseer").await;
    eprintln!("dashboard first screen after logging in: {first_screen:?}");
    save("first-screen.png", &browser.screenshot(&tab).await);

    // Every township's row shows the API's figures.
    let shown = shown_rows(&mut browser, &tab).await;
    let rows = api["townships"].as_array().unwrap();
    assert_eq!(shown.as_object().unwrap().len(), rows.len(), "{shown}");
    for row in rows {
        let code = row["division_code"].as_str().unwrap();
        let cells = &shown[code];
        assert_eq!(cells["name"], row["name"], "{cells}");
        assert_eq!(
            cells["complaints.received"],
            row["complaints"]["received"].to_string(),
            "{code}: {cells}"
        );
        assert_eq!(
            cells["training.outreach_events"],
            row["training"]["outreach_events"].to_string()
        );
        assert_eq!(
            cells["training.certificate_holders"],
            row["training"]["certificate_holders"].to_string()
        );
        assert_eq!(cells["cases.filed"], row["cases"]["filed"].to_string());
    }
    assert_eq!(shown[TOWNSHIP]["complaints.received"], "7");
    assert_eq!(shown[OTHER_TOWNSHIP]["complaints.received"], "3");
    let total = browser
        .eval(&tab, "document.querySelector('#cards [data-field=\"complaints.received\"] .value').textContent")
        .await;
    assert_eq!(total, api["complaints"]["received"].to_string());
    // Both charts drawn by the vendored ECharts, and the warnings as the API lists them.
    let charts = browser
        .eval(&tab, "!!window.echarts && document.querySelectorAll('#chart-townships canvas, #chart-trend canvas').length")
        .await;
    assert_eq!(charts, 2, "both charts are drawn");
    let warnings: Value = sandbox
        .get_as(&overseer, "/api/v1/oversight/warnings?page_size=200")
        .await
        .json()
        .await
        .unwrap();
    let listed = browser
        .eval(
            &tab,
            "document.querySelectorAll('#warnings tbody tr').length",
        )
        .await;
    assert_eq!(listed, warnings["warnings"].as_array().unwrap().len());

    // Drill into a township.
    browser
        .eval(
            &tab,
            &format!("document.querySelector('tr[data-division=\"{TOWNSHIP}\"]').click(); true"),
        )
        .await;
    browser
        .wait_for(
            &tab,
            "document.getElementById('township').dataset.loaded === 'true'",
            Duration::from_secs(10),
        )
        .await;
    let title = browser
        .eval(
            &tab,
            "document.getElementById('township-title').textContent",
        )
        .await;
    assert_eq!(title, format!("老城镇 {year}年"));
    let received = browser
        .eval(&tab, "document.querySelector('#township-cards [data-field=\"complaints.received\"] .value').textContent")
        .await;
    assert_eq!(received, "7");
    save("township.png", &browser.screenshot(&tab).await);

    // A township's leader sees its own row only.
    let other_tab = browser.open(&sandbox.url("/?fresh")).await;
    browser
        .eval(&other_tab, "sessionStorage.clear(); true")
        .await;
    log_in(&mut browser, &other_tab, "laocheng.leader").await;
    let own = shown_rows(&mut browser, &other_tab).await;
    let codes: Vec<&String> = own.as_object().unwrap().keys().collect();
    assert_eq!(codes, [TOWNSHIP], "{own}");
    sandbox.stop().await;
}
