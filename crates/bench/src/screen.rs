//! The dashboard's first screen in Chromium, as a county overseer sees it:
//! from the login form's submit to the page saying its figures are drawn
//! (`body[data-loaded=true]`: the county's summary for this year and last,
//! its warnings, the table and the charts), timed inside the page with
//! `performance.now()`. Each login comes in a browser context of its own,
//! so no session or cache of the one before helps it.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::Context;
use fazhi_testkit::browser::{Browser, chromium};
use tokio::io::AsyncWriteExt;

use crate::Run;

const PASSWORD: &str = "a long benchmark password";

/// Submits the login form and resolves with the milliseconds until the
/// figures are drawn, or -1 if they are not within 30 s.
const LOG_IN_AND_TIME: &str = r#"new Promise((resolve) => {
  const started = performance.now();
  const observer = new MutationObserver(() => {
    if (document.body.dataset.loaded === 'true') {
      observer.disconnect();
      resolve(performance.now() - started);
    }
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['data-loaded'] });
  setTimeout(() => resolve(-1), 30000);
  document.getElementById('username').value = USERNAME;
  document.getElementById('password').value = PASSWORD;
  document.getElementById('login-form').requestSubmit();
})"#;

/// An account of the county overseer's role, to log in with.
pub async fn account(binary: &Path, data: &Path) -> anyhow::Result<String> {
    let username = format!("bench.overseer.{}", std::process::id());
    let mut adding = tokio::process::Command::new(binary)
        .args(["user", "add", &username, "--role", "county_overseer"])
        .args(["--division", "411624", "--password-stdin", "--data-dir"])
        .arg(data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("fazhi user add")?;
    let mut stdin = adding.stdin.take().context("its stdin")?;
    stdin.write_all(format!("{PASSWORD}\n").as_bytes()).await?;
    drop(stdin);
    anyhow::ensure!(adding.wait().await?.success(), "fazhi user add failed");
    Ok(username)
}

/// `samples` logins at `base` as `username`, one after another; `None`
/// when there is no Chromium here.
pub async fn first_screens(
    base: &str,
    username: &str,
    samples: usize,
) -> anyhow::Result<Option<Run>> {
    let Some(binary) = chromium() else {
        return Ok(None);
    };
    let mut browser = Browser::launch(&binary).await;
    let script = LOG_IN_AND_TIME
        .replace("USERNAME", &serde_json::to_string(username)?)
        .replace("PASSWORD", &serde_json::to_string(PASSWORD)?);
    let started = Instant::now();
    let mut run = Run {
        completed: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::new(),
    };
    // The first one warms the server's caches and Chromium's own.
    for sample in 0..=samples {
        let tab = browser.open_fresh(&format!("{base}/")).await;
        browser
            .wait_for(
                &tab,
                "document.readyState === 'complete' && !!document.getElementById('login-form')",
                Duration::from_secs(30),
            )
            .await;
        let millis = browser.eval(&tab, &script).await.as_f64().unwrap_or(-1.0);
        browser.close(tab).await;
        if sample == 0 {
            continue;
        }
        if millis < 0.0 {
            run.errors += 1;
        } else {
            run.completed += 1;
            run.latencies.push(Duration::from_secs_f64(millis / 1000.0));
        }
    }
    run.elapsed = started.elapsed();
    run.latencies.sort();
    Ok(Some(run))
}
