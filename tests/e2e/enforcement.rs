//! An illegal building from the complaint to its forced demolition, as 行政
//! 处罚法 and 行政强制法 have it: escalated from a 12345 complaint, filed with
//! its 案号, notified at Henan's hearing amount, the hearing waived in
//! writing, discussed, decided with a fine and 责令限期拆除, served by post,
//! the fine paid, the order demanded (催告) in working days, the party
//! heard, a written 强制执行决定 served, an appeal run and upheld, the appeal
//! periods out, the building demolished on a working day — and the three
//! documents served on the party written from the record.

use std::io::Read;

use chrono::{Days, NaiveDate};
use fazhi_e2e::{Backend, COUNTY, Sandbox, TOWNSHIP, complaint_body};
use fazhi_platform::clock::ManualClock;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{FiledCase, get, post, township};

/// The text of a .docx's body.
fn docx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn video(step: &str, at: &str) -> Value {
    json!({
        "kind": "video", "step": step, "sha256": "cd".repeat(32), "size_bytes": 4096,
        "location": format!("records/{step}.mp4"), "recorded_by": "执法队员",
        "device": "执法记录仪", "recorded_at": at,
    })
}

#[tokio::test]
async fn an_illegal_building_goes_from_the_complaint_to_its_lawful_demolition() {
    // Friday 27 November 2026, 10:00 China time.
    let clock = ManualClock::new("2026-11-27T02:00:00Z".parse().unwrap());
    let sandbox = Sandbox::start_with_clock(
        Backend::Sqlite,
        |s| {
            s.rules
                .cases
                .agencies
                .insert(TOWNSHIP.into(), "老城镇".into());
        },
        clock.clone(),
    )
    .await;
    let t = township(&sandbox, "building", 61).await;
    let overseer = sandbox
        .account("county.building.overseer", &["county_overseer"], COUNTY)
        .await;

    // The 12345 complaint of 27 February, entered from the ledger with its
    // time, escalated to enforcement the next day.
    let mut body = complaint_body();
    body["occurred_at"] = json!("2026-02-27T09:00:00+08:00");
    let (status, complaint) = post(&sandbox, &t.leader, "/api/v1/complaints", body).await;
    assert_eq!(status, StatusCode::CREATED, "{complaint}");
    let complaint_id = complaint["id"].as_str().unwrap().to_owned();
    let (status, escalated) = post(
        &sandbox,
        &t.leader,
        &format!("/api/v1/complaints/{complaint_id}/escalate"),
        json!({
            "version": complaint["version"], "note": "现场核实在建",
            "party": { "kind": "person", "name": "王五" },
            "act_on": "2026-01-10", "continuing": true,
            "occurred_at": "2026-02-28T10:00:00+08:00",
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{escalated}");
    let relay = sandbox.complaints_relay();
    let mut lead = None;
    for _ in 0..1_000 {
        relay.pass().await.unwrap();
        let (_, c) = get(
            &sandbox,
            &t.leader,
            &format!("/api/v1/complaints/{complaint_id}"),
        )
        .await;
        lead = c["handling"]["lead_id"].as_str().map(str::to_owned);
        if lead.is_some() {
            break;
        }
        tokio::task::yield_now().await;
    }
    let lead = lead.expect("the escalation became a lead");

    // Filed on Tuesday 3 March with the party's ID number and address the
    // complaint did not carry; the 案号 is the township's first of the year.
    let mut case = FiledCase::from_lead(
        &sandbox,
        &t,
        &lead,
        json!({
            "on": "2026-03-03", "power_item_code": "330217001000", "officer_ids": t.officers,
            "party_id_number": crate::authorization::id_number(861),
            "party_address": "老城镇西关村三组",
        }),
    )
    .await;
    let (_, filed) = get(&sandbox, &t.leader, &format!("/api/v1/cases/{lead}")).await;
    assert_eq!(
        (
            filed["discovered_on"].as_str(),
            filed["proceedings"]["case_number"].as_str()
        ),
        (Some("2026-02-27"), Some("老城镇罚立字〔2026〕第001号")),
        "discovered when the complaint came in (Art. 36): {filed}"
    );
    let (status, _) = post(
        &sandbox,
        &t.leader,
        &format!("/api/v1/cases/{lead}/records"),
        json!({
            "kind": "photo", "step": "inspection", "sha256": "ab".repeat(32), "size_bytes": 2048,
            "location": "records/site.jpg", "recorded_by": "执法队员", "device": "执法记录仪",
            "recorded_at": "2026-03-04T09:00:00+08:00",
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // ¥6,000: from Henan's ¥5,000 a hearing is offered; waived in writing,
    // discussed, decided with 责令限期拆除 by 13 April.
    let notified = case
        .ok(
            "notify",
            json!({ "on": "2026-03-09", "penalty": { "fine_fen": 600_000 } }),
        )
        .await;
    assert_eq!(
        notified["proceedings"]["notice"]["hearing_due"],
        "2026-03-16"
    );
    case.ok(
        "hearing-waiver",
        json!({ "on": "2026-03-10", "how": "written" }),
    )
    .await;
    case.ok(
        "discussion",
        json!({ "on": "2026-03-12", "leaders": ["镇长", "分管副镇长"], "minutes": "会议纪要", "conclusion": "罚款并限期拆除" }),
    )
    .await;
    let decided = case
        .ok(
            "decide",
            json!({
                "on": "2026-03-13", "kind": "penalty", "penalty": { "fine_fen": 600_000 },
                "orders": [{ "kind": "demolish", "by": "2026-04-13" }],
            }),
        )
        .await;
    assert_eq!(
        decided["proceedings"]["decision"]["number"], "老城镇罚决字〔2026〕第001号",
        "{decided}"
    );
    // By post: no officer's certificate is asked for; the fine is due on
    // the fifteenth day, Tuesday 31 March.
    let served = case
        .ok("serve", json!({ "on": "2026-03-16", "method": "post" }))
        .await;
    assert_eq!(served["proceedings"]["service"]["fine_due"], "2026-03-31");
    // Paid in two parts, the second two days late with its late charge on
    // what was left (3 % × 2 × ¥2,000 = ¥120); no more than is owed.
    case.ok(
        "payment",
        json!({ "on": "2026-03-31", "amount_fen": 400_000 }),
    )
    .await;
    case.refused(
        "payment",
        json!({ "on": "2026-04-02", "amount_fen": 212_001 }),
        "invalid_amount",
    )
    .await;
    let paid = case
        .ok(
            "payment",
            json!({ "on": "2026-04-02", "amount_fen": 212_000 }),
        )
        .await;
    assert_eq!(
        (
            paid["proceedings"]["part_payments"][0]["fine_fen"].as_i64(),
            paid["proceedings"]["payment"]["late_charge_fen"].as_i64()
        ),
        (Some(400_000), Some(12_000)),
        "{paid}"
    );

    // The building stands past its day: a 催告 — ten days are working days.
    case.refused(
        "enforcement/demand",
        json!({ "on": "2026-04-13", "period_days": 10, "period_unit": "working_days" }),
        "order_not_due",
    )
    .await;
    case.refused(
        "enforcement/demand",
        json!({ "on": "2026-04-14", "period_days": 10, "period_unit": "calendar_days" }),
        "working_days_required",
    )
    .await;
    let demanded = case
        .ok(
            "enforcement/demand",
            json!({ "on": "2026-04-14", "period_days": 10, "period_unit": "working_days" }),
        )
        .await;
    let perform_by: NaiveDate = demanded["proceedings"]["enforcement"]["perform_by"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(perform_by >= "2026-04-28".parse().unwrap(), "{demanded}");
    let after = (perform_by + Days::new(1)).to_string();
    case.refused(
        "enforcement/decision",
        json!({ "on": perform_by.to_string() }),
        "performance_period_running",
    )
    .await;
    case.refused(
        "enforcement/decision",
        json!({ "on": after }),
        "statement_required",
    )
    .await;
    case.ok(
        "enforcement/statement",
        json!({ "on": "2026-04-16", "statement": "当事人称房屋系自住，请求宽限" }),
    )
    .await;
    case.ok(
        "enforcement/decision",
        json!({ "on": after, "served_on": after }),
    )
    .await;
    let announced = case
        .ok(
            "demolition-notice",
            json!({ "on": "2026-05-11", "removal_days": 10 }),
        )
        .await;
    assert_eq!(
        announced["proceedings"]["demolition"]["removal_by"],
        "2026-05-21"
    );
    let (status, _) = post(
        &sandbox,
        &t.leader,
        &format!("/api/v1/cases/{lead}/records"),
        video("demolition", "2026-10-08T10:00:00+08:00"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // The party applies for 复议: nothing is forced while it runs.
    case.ok(
        "appeal",
        json!({ "on": "2026-05-12", "kind": "reconsideration" }),
    )
    .await;
    let demolish = |at: &str| json!({ "at": at });
    case.refused(
        "demolition",
        demolish("2026-06-01T02:00:00Z"),
        "appeal_pending",
    )
    .await;
    case.ok(
        "appeal/conclusion",
        json!({ "on": "2026-07-10", "outcome": "upheld" }),
    )
    .await;
    // Served 16 March: the six months to sue run to 16 September.
    case.refused(
        "demolition",
        demolish("2026-09-16T02:00:00Z"),
        "appeal_period_running",
    )
    .await;
    // Not in the National Day holiday; on Thursday 8 October.
    case.refused(
        "demolition",
        demolish("2026-10-05T02:00:00Z"),
        "not_on_holiday",
    )
    .await;
    let done = case
        .ok("demolition", demolish("2026-10-08T02:00:00Z"))
        .await;
    assert!(done["proceedings"]["demolition"]["done_at"].is_string());

    // The documents go out in the names the division register gives.
    let path = |kind: &str| format!("/api/v1/cases/{lead}/documents/{kind}");
    let unnamed = sandbox.get_as(&t.leader, &path("notice")).await;
    assert_eq!(unnamed.status(), StatusCode::CONFLICT);
    let registered = sandbox
        .client
        .put(sandbox.url("/api/v1/divisions"))
        .bearer_auth(&overseer)
        .json(&json!({ "divisions": [
            { "code": COUNTY, "name": "沈丘县" }, { "code": TOWNSHIP, "name": "老城镇" },
        ] }))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success(), "{}", registered.status());
    let mut texts = Vec::new();
    for kind in ["notice", "decision", "service_receipt"] {
        let response = sandbox.get_as(&t.leader, &path(kind)).await;
        assert_eq!(response.status(), StatusCode::OK, "{kind}");
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        let text = docx_text(&response.bytes().await.unwrap());
        println!("{kind}:\n{text}\n");
        texts.push(text);
    }
    for (text, parts) in texts.iter().zip([
        &[
            "行政处罚事先告知书",
            "老城镇罚立字〔2026〕第001号",
            "罚款人民币6000元",
            "2026年3月16日前",
            "现场照片",
        ][..],
        &[
            "行政处罚决定书",
            "老城镇罚决字〔2026〕第001号",
            "老城镇西关村三组",
            "2026年3月10日书面放弃听证",
            "2026年4月13日前自行拆除",
            "六十日内向沈丘县人民政府申请行政复议",
            "老城镇人民政府",
        ][..],
        &["送达回证", "邮寄送达", "2026年3月16日", "老城镇西关村三组"][..],
    ]) {
        for part in parts {
            assert!(text.contains(part), "{part} missing");
        }
    }
    assert_eq!(
        sandbox.get_as(&t.leader, &path("verdict")).await.status(),
        StatusCode::BAD_REQUEST
    );

    // One penalty decision of the general procedure, counted as DOMAIN.md
    // defines it, in the summary and the annual report.
    let (status, summary) = get(
        &sandbox,
        &overseer,
        &format!("/api/v1/oversight/summary?division={TOWNSHIP}&year=2026"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let cases = &summary["cases"];
    assert_eq!(
        (
            cases["filed"].as_i64(),
            cases["penalty_decisions"].as_i64(),
            cases["no_penalty_decisions"].as_i64(),
            cases["fines_collected_fen"].as_i64(),
            cases["recording_required"].as_i64(),
            cases["recorded"].as_i64(),
        ),
        (Some(1), Some(1), Some(0), Some(600_000), Some(1), Some(1)),
        "{summary}"
    );
    let (status, report) = get(
        &sandbox,
        &overseer,
        &format!("/api/v1/reports/annual?division={TOWNSHIP}&year=2026&format=json"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let penalties = report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == "作出行政处罚决定（件）")
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(penalties["value"], "1", "{report}");
    sandbox.stop().await;
}
