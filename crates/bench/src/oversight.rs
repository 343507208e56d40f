//! County oversight over a county of 20 townships holding 1,000,000
//! complaints, 100,000 cases and 10,000 people: the summary through REST
//! (goal p50 ≤ 100 ms, p99 ≤ 300 ms), the dashboard's first screen — every
//! request the page makes once logged in — (goal < 1 s) and a township's
//! annual report as .docx (goal < 2 s). The ceiling: the complaint sums the
//! summary reads, for the county and each township, straight on the store.

use std::{path::Path, time::Instant};

use fazhi_complaints::store::Store as ComplaintStore;
use fazhi_identity::store::{NamedDivision, Store as IdentityStore};
use fazhi_platform::DivisionCode;

use crate::{Args, Run, System, cases, complaints, drive, report, training};

const COMPLAINTS: usize = 1_000_000;
const TOWNSHIPS: usize = 20;
/// The figures are asked from the complaints' first day to the cases' last.
const FROM: &str = "2025-01-01";
const TO: &str = "2026-12-31";

fn p(run: &Run, q: f64) -> f64 {
    run.percentile(q).as_secs_f64() * 1000.0
}

async fn register_divisions(data: &Path) -> anyhow::Result<()> {
    let store = IdentityStore::open(None, data).await?;
    let parse = |code: &str| DivisionCode::parse(code).map_err(anyhow::Error::msg);
    let mut all = vec![NamedDivision {
        code: parse("411624")?,
        name: "沈丘县".into(),
    }];
    for n in 0..TOWNSHIPS {
        all.push(NamedDivision {
            code: parse(&format!("411624{:03}", 100 + n))?,
            name: format!("第{}镇", n + 1),
        });
    }
    store.put_divisions(&all).await?;
    store.database().close().await;
    Ok(())
}

/// A GET answered with success and read whole.
async fn ok(client: reqwest::Client, url: String, key: String) -> Result<(), ()> {
    let response = client
        .get(url)
        .header("x-api-key", key)
        .send()
        .await
        .map_err(|_| ())?;
    if !response.status().is_success() {
        return Err(());
    }
    response.bytes().await.map(|_| ()).map_err(|_| ())
}

/// Every request the dashboard makes once logged in, at once.
async fn first_screen(client: &reqwest::Client, base: &str, key: &str) -> Result<(), ()> {
    let get = |path: String| ok(client.clone(), path, key.to_owned());
    let (page, script, style, charts) = tokio::join!(
        get(format!("{base}/")),
        get(format!("{base}/dashboard.js")),
        get(format!("{base}/dashboard.css")),
        get(format!("{base}/assets/echarts-5.6.0.min.js")),
    );
    page.and(script).and(style).and(charts)?;
    let (me, divisions) = tokio::join!(
        get(format!("{base}/api/v1/auth/me")),
        get(format!("{base}/api/v1/divisions")),
    );
    me.and(divisions)?;
    let (this, last, warnings) = tokio::join!(
        get(format!("{base}/api/v1/oversight/summary?year=2026")),
        get(format!("{base}/api/v1/oversight/summary?year=2025")),
        get(format!("{base}/api/v1/oversight/warnings?page_size=200")),
    );
    this.and(last).and(warnings)
}

pub async fn run(binary: &Path, args: &Args) -> anyhow::Result<()> {
    let data = tempfile::tempdir()?;
    let seeding = Instant::now();
    complaints::seed(data.path(), COMPLAINTS).await?;
    training::seed(data.path()).await?;
    let case_store = fazhi_cases::store::Store::open(None, data.path()).await?;
    cases::seed_cases(&case_store).await?;
    case_store.database().close().await;
    register_divisions(data.path()).await?;
    println!(
        "\nseeded {COMPLAINTS} complaints, {} cases and {} people over {TOWNSHIPS} townships in {:.1} s",
        cases::CASES,
        training::PEOPLE,
        seeding.elapsed().as_secs_f64()
    );
    let system = System::start(binary, data.path(), "county_overseer", args.concurrency).await?;
    let (client, base, key) = (
        system.client.clone(),
        system.base.clone(),
        system.api_key.clone(),
    );
    let summary_url =
        format!("{base}/api/v1/oversight/summary?division=411624&from={FROM}&to={TO}");
    let check = client
        .get(&summary_url)
        .header("x-api-key", &key)
        .send()
        .await?
        .json::<serde_json::Value>()
        .await?;
    anyhow::ensure!(
        check["complaints"]["received"] == COMPLAINTS as i64
            && check["townships"].as_array().map(Vec::len) == Some(TOWNSHIPS)
            && check["cases"]["filed"] == cases::CASES as i64
            && check["training"]["people"] == training::PEOPLE as i64,
        "the summary does not hold what was seeded: {}",
        check["complaints"]
    );
    let summary = {
        let (client, url, key) = (client.clone(), summary_url.clone(), key.clone());
        drive(4, args.seconds, move || {
            ok(client.clone(), url.clone(), key.clone())
        })
        .await
    };
    let screen = {
        let (client, base, key) = (client.clone(), base.clone(), key.clone());
        drive(1, args.seconds, move || {
            let (client, base, key) = (client.clone(), base.clone(), key.clone());
            async move { first_screen(&client, &base, &key).await }
        })
        .await
    };
    let annual = {
        let url = format!("{base}/api/v1/reports/annual?division=411624100&year=2026&format=docx");
        let (client, key) = (client.clone(), key.clone());
        drive(1, args.seconds, move || {
            ok(client.clone(), url.clone(), key.clone())
        })
        .await
    };
    system.stop().await;

    // Ceiling: the complaint sums for the county and each township, at once, on the store.
    let store = ComplaintStore::open(None, data.path()).await?;
    let (from, to) = (
        chrono::NaiveDate::parse_from_str(FROM, "%Y-%m-%d")?,
        chrono::NaiveDate::parse_from_str(TO, "%Y-%m-%d")?,
    );
    let ceiling = drive(4, args.seconds.min(5), move || {
        let store = store.clone();
        async move {
            let mut ranges = vec![("411624".to_owned(), "411625".to_owned())];
            ranges.extend((0..TOWNSHIPS).map(|n| {
                let code = format!("411624{:03}", 100 + n);
                let high = fazhi_platform::db::prefix_upper_bound(&code);
                (code, high)
            }));
            let sums = futures::future::join_all(
                ranges
                    .iter()
                    .map(|(low, high)| store.figures(low, high, from, to)),
            )
            .await;
            sums.into_iter().all(|s| s.is_ok()).then_some(()).ok_or(())
        }
    })
    .await;

    println!();
    report(
        "REST county summary, 20 townships and the total, 4 clients",
        &summary,
    );
    report(
        "ceiling: the complaint sums it reads, on the store, 4 clients",
        &ceiling,
    );
    report(
        "dashboard first screen (page, assets and its 5 API calls)",
        &screen,
    );
    report("REST annual report of a township as .docx", &annual);
    println!(
        "goals: summary p50 ≤ 100 ms, p99 ≤ 300 ms — p50 {:.1} ms, p99 {:.1} ms (ceiling p99 {:.1} ms); \
         first screen < 1 s — p99 {:.1} ms; report < 2 s — p99 {:.1} ms",
        p(&summary, 0.5),
        p(&summary, 0.99),
        p(&ceiling, 0.99),
        p(&screen, 0.99),
        p(&annual, 0.99),
    );
    Ok(())
}
