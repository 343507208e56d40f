//! A township's past year brought in — once as its ledger (工单台账) through
//! the import, once step by step with the times they happened — and the
//! year's summary, annual report and warnings equal what the test counts
//! from its own year by DOMAIN.md's definitions. Bad ledgers are refused
//! whole, every bad row named.

use chrono::{DateTime, Duration, Utc};
use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP};
use fazhi_platform::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{get, post};

const HEADER: &str = "工单编号,来源,受理时间,渠道,类型,分类,诉求内容,地址,区划代码,诉求人,电话,派单时间,承办单位,签收时间,退单时间,退单原因,延期批准时间,延期天数,答复时间,答复内容,回访时间,是否解决,满意度,办结时间,重复件原工单编号";
const UNIT: &str = "411624100001";

fn china(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn ledger_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&fazhi_platform::time::china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// One request of the year and what became of it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    /// Signed for within the hour, replied the next day, visited satisfied, closed.
    Answered,
    /// Signed for ten days after its dispatch, replied the day after.
    SignedLate,
    /// Replied forty days after receipt, visited unsatisfied.
    RepliedLate,
    /// Signed for, never replied: open past due.
    Unreplied,
    /// Never dispatched: open past due.
    Undispatched,
    /// Replied, the requester never reached: closed without a follow-up.
    Unreachable,
    /// A repeat of the request received six before it (an `Answered` one).
    Repeat,
    /// Replied, visited basically satisfied, closed.
    BasicallySatisfied,
}

const FATES: [Fate; 8] = [
    Fate::Answered,
    Fate::SignedLate,
    Fate::RepliedLate,
    Fate::Unreplied,
    Fate::Undispatched,
    Fate::Unreachable,
    Fate::Repeat,
    Fate::BasicallySatisfied,
];

struct Request {
    no: usize,
    received: DateTime<Utc>,
    fate: Fate,
}

impl Request {
    fn ticket(&self) -> String {
        format!("GD2025{:05}", self.no)
    }
    fn dispatched(&self) -> DateTime<Utc> {
        self.received + Duration::minutes(30)
    }
    fn accepted(&self) -> DateTime<Utc> {
        match self.fate {
            Fate::SignedLate => self.dispatched() + Duration::days(10),
            _ => self.dispatched() + Duration::hours(1),
        }
    }
    fn replied(&self) -> DateTime<Utc> {
        match self.fate {
            Fate::RepliedLate => self.received + Duration::days(40),
            _ => self.accepted() + Duration::days(1),
        }
    }
    fn visited(&self) -> DateTime<Utc> {
        self.replied() + Duration::days(1)
    }
    fn closed(&self) -> DateTime<Utc> {
        self.visited() + Duration::hours(2)
    }
}

/// 48 requests, one every six days from 6 January 2025 (the last in mid
/// October, so every reply falls due and every late reply comes within the
/// year), their fates in turn.
fn the_year() -> Vec<Request> {
    let first = china("2025-01-06T09:00:00+08:00");
    (0..48)
        .map(|no| Request {
            no,
            received: first + Duration::days(6 * no as i64) + Duration::minutes(no as i64),
            fate: FATES[no % FATES.len()],
        })
        .collect()
}

/// The year as a ledger in the platform's columns.
fn ledger(year: &[Request]) -> String {
    let mut csv = format!("{HEADER}\n");
    for r in year {
        let mut cells: Vec<String> = vec![
            r.ticket(),
            "county-12345".into(),
            ledger_time(r.received),
            "12345热线".into(),
            "投诉".into(),
            "违法建设".into(),
            format!("第{}号：西关村有人违法建房", r.no),
            "老城镇西关村".into(),
            TOWNSHIP.into(),
            "张三".into(),
            "13812341234".into(),
        ];
        cells.resize(25, String::new());
        let mut put = |column: usize, value: String| cells[column] = value;
        if !matches!(r.fate, Fate::Undispatched | Fate::Repeat) {
            put(11, ledger_time(r.dispatched()));
            put(12, UNIT.into());
            put(13, ledger_time(r.accepted()));
        }
        if !matches!(r.fate, Fate::Undispatched | Fate::Repeat | Fate::Unreplied) {
            put(18, ledger_time(r.replied()));
            put(19, "已处理".into());
        }
        match r.fate {
            Fate::Answered | Fate::BasicallySatisfied | Fate::RepliedLate => {
                put(20, ledger_time(r.visited()));
                put(
                    21,
                    if r.fate == Fate::RepliedLate {
                        "否"
                    } else {
                        "是"
                    }
                    .into(),
                );
                put(
                    22,
                    match r.fate {
                        Fate::Answered => "满意",
                        Fate::BasicallySatisfied => "基本满意",
                        _ => "不满意",
                    }
                    .into(),
                );
                if r.fate != Fate::RepliedLate {
                    put(23, ledger_time(r.closed()));
                }
            }
            Fate::Unreachable => {
                put(22, "联系不上".into());
                put(23, ledger_time(r.closed()));
            }
            Fate::Repeat => put(24, format!("GD2025{:05}", r.no - 6)),
            _ => {}
        }
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    csv
}

/// The year entered step by step through the API, each step at the time it
/// happened.
async fn enter_by_steps(sandbox: &Sandbox, leader: &str, year: &[Request]) {
    let mut ids: Vec<String> = Vec::new();
    for r in year {
        let mut body = fazhi_e2e::complaint_body();
        body["occurred_at"] = json!(fazhi_platform::time::to_rfc3339(r.received));
        body["content"] = json!(format!("第{}号：西关村有人违法建房", r.no));
        let (status, c) = post(sandbox, leader, "/api/v1/complaints", body).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        let id = c["id"].as_str().unwrap().to_owned();
        ids.push(id.clone());
        let step = |path: &'static str, at: DateTime<Utc>, body: Value| {
            let id = id.clone();
            async move {
                let (_, c) = get(sandbox, leader, &format!("/api/v1/complaints/{id}")).await;
                let mut body = body;
                body["version"] = c["version"].clone();
                body["occurred_at"] = json!(fazhi_platform::time::to_rfc3339(at));
                let (status, answer) = post(
                    sandbox,
                    leader,
                    &format!("/api/v1/complaints/{id}/{path}"),
                    body,
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{path}: {answer}");
            }
        };
        if r.fate == Fate::Repeat {
            step("duplicate", r.received, json!({ "of": ids[r.no - 6] })).await;
            continue;
        }
        if r.fate == Fate::Undispatched {
            continue;
        }
        step("dispatch", r.dispatched(), json!({ "unit": UNIT })).await;
        step("accept", r.accepted(), json!({})).await;
        if r.fate == Fate::Unreplied {
            continue;
        }
        step("reply", r.replied(), json!({ "text": "已处理" })).await;
        match r.fate {
            Fate::Unreachable => {
                let body = json!({ "without_follow_up": "unreachable", "note": "三次致电未接通" });
                step("close", r.closed(), body).await;
            }
            Fate::Answered | Fate::BasicallySatisfied | Fate::RepliedLate => {
                let satisfaction = match r.fate {
                    Fate::Answered => "satisfied",
                    Fate::BasicallySatisfied => "basically_satisfied",
                    _ => "unsatisfied",
                };
                let resolved = r.fate != Fate::RepliedLate;
                let body = json!({ "resolved": resolved, "satisfaction": satisfaction });
                step("follow-up", r.visited(), body).await;
                if resolved {
                    step("close", r.closed(), json!({})).await;
                }
            }
            _ => {}
        }
    }
}

/// The year's figures and rates as DOMAIN.md defines them, counted from the
/// test's own requests.
/// Figures by name, and rates by name.
type Expected = (Vec<(&'static str, i64)>, Vec<(&'static str, f64)>);

fn expected(year: &[Request]) -> Expected {
    let count = |f: &dyn Fn(Fate) -> bool| year.iter().filter(|r| f(r.fate)).count() as i64;
    use Fate::*;
    let received = year.len() as i64;
    let duplicates = count(&|f| f == Repeat);
    let dispatched = count(&|f| !matches!(f, Undispatched | Repeat));
    let accepted_on_time = dispatched - count(&|f| f == SignedLate);
    // A repeat is answered and visited with its original (Answered).
    let replied_here = count(&|f| {
        matches!(
            f,
            Answered | SignedLate | RepliedLate | Unreachable | BasicallySatisfied
        )
    });
    let replied = replied_here + duplicates;
    let replied_late = count(&|f| f == RepliedLate);
    let replied_on_time = replied_here - replied_late;
    let overdue = count(&|f| matches!(f, Unreplied | Undispatched));
    let satisfied = count(&|f| f == Answered) + duplicates;
    let basically = count(&|f| f == BasicallySatisfied);
    let unsatisfied = count(&|f| f == RepliedLate);
    let visited = satisfied + basically + unsatisfied;
    let resolved = satisfied + basically;
    let counts = vec![
        ("received", received),
        ("duplicates", duplicates),
        ("dispatched", dispatched),
        ("accepted_on_time", accepted_on_time),
        ("replied", replied),
        ("replied_on_time", replied_on_time),
        ("replied_late", replied_late),
        ("overdue", overdue),
        ("visited", visited),
        ("resolved", resolved),
        ("satisfied", satisfied),
        ("basically_satisfied", basically),
        ("unsatisfied", unsatisfied),
        ("closed_without_follow_up", count(&|f| f == Unreachable)),
    ];
    let rate = |part: i64, whole: i64| part as f64 / whole as f64;
    let rates = vec![
        ("response_rate", rate(accepted_on_time, dispatched)),
        (
            "on_time_rate",
            rate(replied_on_time, replied_on_time + replied_late + overdue),
        ),
        ("satisfaction_rate", rate(satisfied + basically, visited)),
        ("follow_up_rate", rate(visited, replied)),
        ("repeat_rate", rate(duplicates, received)),
    ];
    (counts, rates)
}

/// The summary, the annual report and the warnings of 2025 against the
/// test's own count.
async fn the_year_reads_as_counted(sandbox: &Sandbox, county: &str, year: &[Request]) {
    let (counts, rates) = expected(year);
    let (status, summary) = get(
        sandbox,
        county,
        &format!("/api/v1/oversight/summary?division={TOWNSHIP}&from=2025-01-01&to=2025-12-31"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let f = &summary["complaints"];
    for (name, n) in &counts {
        assert_eq!(f[name].as_i64(), Some(*n), "{name}: {f}");
    }
    for (name, rate) in &rates {
        let given = f[name].as_f64().unwrap_or(f64::NAN);
        assert!(
            (given - rate).abs() < 1e-9,
            "{name}: {given} against {rate}"
        );
    }
    let (status, report) = get(
        sandbox,
        county,
        &format!("/api/v1/reports/annual?division={TOWNSHIP}&year=2025&format=json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let printed = |label: &str| {
        report["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["label"] == label)
            .map(|f| f["value"].as_str().unwrap().to_owned())
    };
    let n = |name: &str| counts.iter().find(|(k, _)| *k == name).unwrap().1;
    let r = |name: &str| rates.iter().find(|(k, _)| *k == name).unwrap().1;
    assert_eq!(printed("受理投诉（宗）"), Some(n("received").to_string()));
    assert_eq!(printed("已答复（宗）"), Some(n("replied").to_string()));
    assert_eq!(
        printed("按时办结率"),
        Some(format!("{:.1}%", r("on_time_rate") * 100.0))
    );
    assert_eq!(
        printed("满意率"),
        Some(format!("{:.1}%", r("satisfaction_rate") * 100.0))
    );
    // Every request still open past due is warned of, red.
    let (status, warnings) = get(
        sandbox,
        county,
        &format!("/api/v1/oversight/warnings?division={TOWNSHIP}&level=red&page_size=100"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{warnings}");
    let overdue = warnings["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "complaint_reply")
        .count() as i64;
    assert_eq!(overdue, n("overdue"), "{warnings}");
}

async fn import(sandbox: &Sandbox, token: &str, csv: String) -> (StatusCode, Value) {
    let response = sandbox
        .client
        .post(sandbox.url("/api/v1/imports/complaints?format=csv"))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn clock() -> fazhi_platform::clock::SharedClock {
    ManualClock::new(china("2026-06-15T10:00:00+08:00"))
}

#[tokio::test]
async fn a_past_year_imported_from_its_ledger_reads_as_the_township_counts_it() {
    for backend in fazhi_e2e::backends() {
        let sandbox = Sandbox::start_with_clock(backend, |_| {}, clock()).await;
        let leader = sandbox
            .account("ledger.leader", &["leader"], TOWNSHIP)
            .await;
        let staff = sandbox.account("ledger.staff", &["staff"], TOWNSHIP).await;
        let county = sandbox
            .account("ledger.county", &["county_overseer"], COUNTY)
            .await;
        let year = the_year();
        let csv = ledger(&year);
        // Entering the past is a leader's or the county's.
        let (status, _) = import(&sandbox, &staff, csv.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, report) = import(&sandbox, &leader, csv.clone()).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {report}");
        assert_eq!(
            (report["rows"].as_i64(), report["imported"].as_i64()),
            (Some(48), Some(48)),
            "{report}"
        );
        the_year_reads_as_counted(&sandbox, &county, &year).await;
        // The same file again changes nothing.
        let (status, again) = import(&sandbox, &leader, csv).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(
            (again["imported"].as_i64(), again["unchanged"].as_i64()),
            (Some(0), Some(48)),
            "{again}"
        );
        the_year_reads_as_counted(&sandbox, &county, &year).await;
        // Each complaint's timeline keeps when each step happened and when
        // it was entered.
        let (_, found) = get(
            &sandbox,
            &county,
            "/api/v1/complaints?source=county-12345&external_id=GD202500000",
        )
        .await;
        let id = found["complaints"][0]["id"].as_str().unwrap().to_owned();
        let (_, timeline) = get(
            &sandbox,
            &county,
            &format!("/api/v1/complaints/{id}/timeline"),
        )
        .await;
        let events = timeline["events"].as_array().unwrap();
        assert_eq!(events.len(), 5, "{timeline}");
        assert_eq!(events[0]["at"], "2025-01-06T09:30:00+08:00", "{timeline}");
        assert_eq!(
            events[0]["recorded_at"], "2026-06-15T10:00:00+08:00",
            "{timeline}"
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_past_year_entered_step_by_step_reads_as_the_township_counts_it() {
    let sandbox = Sandbox::start_with_clock(fazhi_e2e::Backend::Sqlite, |_| {}, clock()).await;
    let leader = sandbox.account("steps.leader", &["leader"], TOWNSHIP).await;
    let county = sandbox
        .account("steps.county", &["county_overseer"], COUNTY)
        .await;
    let year = the_year();
    enter_by_steps(&sandbox, &leader, &year).await;
    the_year_reads_as_counted(&sandbox, &county, &year).await;
    sandbox.stop().await;
}

#[tokio::test]
async fn a_bad_ledger_is_refused_whole_with_every_bad_row_named() {
    let sandbox = Sandbox::start_with_clock(fazhi_e2e::Backend::Sqlite, |_| {}, clock()).await;
    let leader = sandbox.account("bad.leader", &["leader"], TOWNSHIP).await;
    let county = sandbox
        .account("bad.county", &["county_overseer"], COUNTY)
        .await;
    let year = the_year();
    let good: Vec<String> = ledger(&year[..8]).lines().map(str::to_owned).collect();
    let with = |row: usize, column: usize, value: &str| {
        let mut cells: Vec<String> = good[row].split(',').map(str::to_owned).collect();
        cells[column] = value.to_owned();
        cells.join(",")
    };
    let rows = [
        good[0].clone(),
        good[1].clone(),
        // Row 3: an unknown channel.
        with(2, 3, "电报"),
        // Row 4: a reply before its dispatch.
        with(3, 18, "2025-01-01 08:00"),
        // Row 5: a satisfaction without a visit.
        with(5, 22, "满意"),
        // Row 6: a repeat of a ticket nobody knows.
        with(7, 24, "GD9999999"),
        // Row 7: the first ticket again.
        good[1].clone(),
        // Row 8: an unknown category.
        with(8, 5, "外星人"),
    ];
    let (status, problem) = import(&sandbox, &leader, rows.join("\n")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["code"], "import_rejected", "{problem}");
    let named: Vec<(i64, String)> = problem["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (row, field) in [
        (3, "channel"),
        (4, "replied_at"),
        (5, "satisfaction"),
        (6, "duplicate_of"),
        (7, "external_id"),
        (8, "category"),
    ] {
        assert!(
            named.contains(&(row, field.to_owned())),
            "row {row} {field} in {named:?}"
        );
    }
    // A missing column refuses the file by its header.
    let (status, problem) = import(
        &sandbox,
        &leader,
        "工单编号,来源\nGD1,county-12345\n".into(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["rejected"][0]["field"], "header", "{problem}");
    // Nothing was written.
    let (_, summary) = get(
        &sandbox,
        &county,
        "/api/v1/oversight/summary?from=2025-01-01&to=2025-12-31",
    )
    .await;
    assert_eq!(summary["complaints"]["received"], 0, "{summary}");
    sandbox.stop().await;
}
