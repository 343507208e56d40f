//! A headless Chromium driven over the DevTools protocol: open a page,
//! run script in it, wait for what it shows, take screenshots.

use std::{path::PathBuf, process::Stdio, time::Duration};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The Chromium to drive: `FAZHI_TEST_CHROMIUM`, else `chromium` on the
/// path. `None` when there is none (`.ci/run` installs Debian's).
pub fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FAZHI_TEST_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

pub struct Browser {
    _process: tokio::process::Child,
    _profile: tempfile::TempDir,
    socket: Socket,
    next_id: u64,
}

/// One tab, by its DevTools session.
pub struct Tab {
    session: String,
    target: Value,
    /// The browser context of its own it was opened in, if any.
    context: Option<Value>,
}

impl Browser {
    pub async fn launch(binary: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut process = tokio::process::Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--window-size=1400,1000",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("chromium starts");
        let stderr = process.stderr.take().expect("its stderr");
        let mut lines = BufReader::new(stderr).lines();
        let url = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.split("DevTools listening on ").nth(1) {
                    return url.trim().to_owned();
                }
            }
            panic!("chromium ended without a DevTools address");
        })
        .await
        .expect("chromium tells its DevTools address within 30 s");
        // Keep reading its stderr so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .expect("the DevTools socket opens");
        Browser {
            _process: process,
            _profile: profile,
            socket,
            next_id: 0,
        }
    }

    /// Sends a command (to a tab's session, or the browser) and returns its result.
    pub async fn call(&mut self, session: Option<&Tab>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(tab) = session {
            message["sessionId"] = tab.session.clone().into();
        }
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("the command is sent");
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(30), self.socket.next())
                .await
                .unwrap_or_else(|_| panic!("{method} answered within 30 s"))
                .expect("the socket stays open")
                .expect("a frame");
            let Message::Text(text) = frame else { continue };
            let answer: Value = serde_json::from_str(text.as_str()).expect("JSON");
            if answer["id"] == id {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// Opens `url` in a new tab.
    pub async fn open(&mut self, url: &str) -> Tab {
        self.open_in(url, None).await
    }

    /// Opens `url` in a new tab of a browser context of its own: no cookie
    /// or storage of another tab reaches it (a visitor arriving afresh).
    pub async fn open_fresh(&mut self, url: &str) -> Tab {
        let context = self
            .call(None, "Target.createBrowserContext", json!({}))
            .await;
        self.open_in(url, Some(context["browserContextId"].clone()))
            .await
    }

    async fn open_in(&mut self, url: &str, context: Option<Value>) -> Tab {
        // A blank tab first, then the page: `Page.navigate` answers once the
        // page's document is committed, so what the caller evaluates next
        // runs in it (with its origin's storage), never in the blank one.
        let mut params = json!({ "url": "about:blank" });
        if let Some(context) = &context {
            params["browserContextId"] = context.clone();
        }
        let target = self.call(None, "Target.createTarget", params).await;
        let attached = self
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .await;
        let tab = Tab {
            session: attached["sessionId"]
                .as_str()
                .expect("a session")
                .to_owned(),
            target: target["targetId"].clone(),
            context,
        };
        let navigated = self
            .call(Some(&tab), "Page.navigate", json!({ "url": url }))
            .await;
        assert!(
            navigated["errorText"].is_null(),
            "{url}: {}",
            navigated["errorText"]
        );
        tab
    }

    /// Closes the tab, and the browser context it was opened in afresh.
    pub async fn close(&mut self, tab: Tab) {
        self.call(
            None,
            "Target.closeTarget",
            json!({ "targetId": tab.target }),
        )
        .await;
        if let Some(context) = tab.context {
            self.call(
                None,
                "Target.disposeBrowserContext",
                json!({ "browserContextId": context }),
            )
            .await;
        }
    }

    /// Evaluates `script` in the tab (awaiting a promise) and returns its value.
    pub async fn eval(&mut self, tab: &Tab, script: &str) -> Value {
        let result = self
            .call(
                Some(tab),
                "Runtime.evaluate",
                json!({ "expression": script, "awaitPromise": true, "returnByValue": true }),
            )
            .await;
        assert!(
            result["exceptionDetails"].is_null(),
            "{script}: {}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// Waits until `script` is true in the tab; panics after `limit`.
    pub async fn wait_for(&mut self, tab: &Tab, script: &str, limit: Duration) {
        let start = std::time::Instant::now();
        loop {
            if self.eval(tab, script).await == Value::Bool(true) {
                return;
            }
            assert!(start.elapsed() < limit, "{script} within {limit:?}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// A PNG of what the tab shows.
    pub async fn screenshot(&mut self, tab: &Tab) -> Vec<u8> {
        use base64::Engine;
        let shot = self
            .call(
                Some(tab),
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": false }),
            )
            .await;
        base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("image data"))
            .expect("base64")
    }
}
