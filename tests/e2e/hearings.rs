//! A case's notice and decision as the law and Henan's rules have them: a
//! hearing offered from ¥5,000 and for the heavier kinds of penalty, the
//! hearing period running on after a defence until the party waives it in
//! writing, a hearing missed given up, a heavier decision only after a new
//! notice, collective discussion for a penalty that carries a hearing, and a
//! decision not to penalise without a notice.

use fazhi_e2e::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{FiledCase, lead, post, township};

fn discussion(on: &str) -> Value {
    json!({ "on": on, "leaders": ["镇长", "分管副镇长"], "minutes": "会议纪要", "conclusion": "同意" })
}

#[tokio::test]
async fn a_hearing_at_henans_amount_runs_on_after_a_defence_until_waived_in_writing() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let t = township(&sandbox, "henan", 41).await;
    let mut case = FiledCase::filed(&sandbox, &t, 841).await;
    // ¥6,000 to a villager: from Henan's ¥5,000 a hearing is offered; asked for
    // within five working days of Monday 9 March, by Monday 16.
    let notified = case
        .ok(
            "notify",
            json!({ "on": "2026-03-09", "penalty": { "fine_fen": 600_000 } }),
        )
        .await;
    assert_eq!(
        notified["proceedings"]["notice"]["hearing_due"], "2026-03-16",
        "{notified}"
    );
    case.ok("defence", json!({ "on": "2026-03-10" })).await;
    // The defence ends the statement period, not the hearing's.
    let decide =
        json!({ "on": "2026-03-13", "kind": "penalty", "penalty": { "fine_fen": 600_000 } });
    case.refused("decide", decide.clone(), "period_not_ended")
        .await;
    case.refused(
        "hearing-waiver",
        json!({ "on": "2026-03-11", "how": "no_show" }),
        "hearing_not_requested",
    )
    .await;
    let waived = case
        .ok(
            "hearing-waiver",
            json!({ "on": "2026-03-11", "how": "written" }),
        )
        .await;
    assert_eq!(waived["proceedings"]["hearing_waiver"]["how"], "written");
    // A penalty that carries a hearing is decided after collective discussion.
    case.refused("decide", decide.clone(), "discussion_required")
        .await;
    case.ok("discussion", discussion("2026-03-12")).await;
    // The township's commonest decision: a fine and 责令限期拆除 by a day.
    let mut decide = decide;
    decide["orders"] = json!([{ "kind": "demolish" }]);
    case.refused("decide", decide.clone(), "required").await;
    decide["orders"] = json!([{ "kind": "demolish", "by": "2026-04-13" }, { "kind": "correct" }]);
    let decided = case.ok("decide", decide).await;
    assert_eq!(
        (
            decided["status"].as_str(),
            decided["proceedings"]["decision"]["penalty"]["fine_fen"].as_i64(),
            &decided["proceedings"]["decision"]["orders"],
        ),
        (
            Some("decided"),
            Some(600_000),
            &json!([{ "kind": "demolish", "by": "2026-04-13" }, { "kind": "correct" }])
        ),
        "{decided}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_heavier_decision_needs_a_new_notice_and_a_missed_hearing_is_given_up() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let t = township(&sandbox, "heavier", 43).await;
    let mut case = FiledCase::filed(&sandbox, &t, 843).await;
    case.ok(
        "notify",
        json!({ "on": "2026-03-09", "penalty": { "warning": true } }),
    )
    .await;
    let revoke = json!({ "warning": true, "measures": ["revoke_licence"] });
    let decide = |on: &str| json!({ "on": on, "kind": "penalty", "penalty": revoke });
    case.refused("decide", decide("2026-03-16"), "penalty_above_notice")
        .await;
    case.refused(
        "notify",
        json!({ "on": "2026-03-16", "penalty": { "measures": ["seize_the_moon"] } }),
        "unknown_code",
    )
    .await;
    // The new notice carries a hearing (吊销许可证件, Art. 63) and starts the periods over.
    let again = case
        .ok("notify", json!({ "on": "2026-03-16", "penalty": revoke }))
        .await;
    let notice = &again["proceedings"]["notice"];
    assert_eq!(
        (notice["replaces"].as_i64(), notice["hearing_due"].as_str()),
        (Some(1), Some("2026-03-23")),
        "{again}"
    );
    case.ok("hearing-request", json!({ "on": "2026-03-17" }))
        .await;
    case.ok("discussion", discussion("2026-03-18")).await;
    case.refused("decide", decide("2026-03-24"), "hearing_pending")
        .await;
    // Seven working days' notice of the hearing: nobody stays away before Thursday 26.
    case.refused(
        "hearing-waiver",
        json!({ "on": "2026-03-25", "how": "no_show" }),
        "notice_too_short",
    )
    .await;
    case.ok(
        "hearing-waiver",
        json!({ "on": "2026-03-26", "how": "no_show" }),
    )
    .await;
    let decided = case.ok("decide", decide("2026-03-27")).await;
    assert_eq!(
        decided["proceedings"]["decision"]["penalty"]["measures"],
        json!(["revoke_licence"]),
        "{decided}"
    );
    // Published with every kind it carries, shown a year (no fine, but
    // heavier than a warning).
    let (status, published) = post(
        &sandbox,
        &t.leader,
        &format!("/api/v1/cases/{}/publication", case.id),
        json!({ "agency": "老城镇人民政府", "violation": "无证经营", "on": "2026-03-30" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{published}");
    let public: Value = sandbox
        .get("/api/v1/public/decisions")
        .await
        .json()
        .await
        .unwrap();
    let shown = &public["publications"][0];
    assert_eq!(
        (&shown["penalty"]["measures"], &shown["penalty"]["warning"]),
        (&json!(["revoke_licence"]), &json!(true)),
        "{public}"
    );
    assert_eq!(published["ends_on"], "2027-03-30", "{published}");
    sandbox.stop().await;
}

#[tokio::test]
async fn deciding_not_to_penalise_needs_no_notice_and_first_violation_rests_on_the_correction() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let t = township(&sandbox, "spared", 45).await;
    let mut spared = FiledCase::filed(&sandbox, &t, 845).await;
    let first = json!({ "on": "2026-03-06", "kind": "first_violation" });
    spared
        .refused("decide", first.clone(), "correction_required")
        .await;
    spared
        .refused(
            "decide",
            json!({ "on": "2026-03-06", "kind": "penalty", "penalty": { "warning": true } }),
            "invalid_transition",
        )
        .await;
    spared.ok("correction", json!({ "on": "2026-03-05" })).await;
    let decided = spared.ok("decide", first).await;
    assert_eq!(
        (
            decided["proceedings"]["decision"]["kind"].as_str(),
            decided["proceedings"]["corrected_on"].as_str(),
            decided["proceedings"].get("notice"),
        ),
        (Some("first_violation"), Some("2026-03-05"), None),
        "{decided}"
    );
    let mut dismissed = FiledCase::filed(&sandbox, &t, 846).await;
    let decided = dismissed
        .ok("decide", json!({ "on": "2026-03-06", "kind": "dismissed" }))
        .await;
    assert_eq!(decided["status"], "decided", "{decided}");
    sandbox.stop().await;
}

/// The party's address, as a decision states it (Art. 59): an
/// organisation's is read back; a natural person's never leaves.
#[tokio::test]
async fn the_partys_address_is_kept_and_a_persons_never_read_back() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let t = township(&sandbox, "address", 47).await;
    let mut company = lead();
    company["party"] =
        json!({ "kind": "organisation", "name": "某建材有限公司", "address": "老城镇工业园区8号" });
    let (status, case) = post(&sandbox, &t.leader, "/api/v1/cases", company).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert_eq!(case["party"]["address"], "老城镇工业园区8号", "{case}");
    let mut person = lead();
    person["party"]["address"] = json!("老城镇西关村3组");
    let (status, case) = post(&sandbox, &t.leader, "/api/v1/cases", person).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    assert!(case["party"].get("address").is_none(), "{case}");
    let mut long = lead();
    long["party"]["address"] = json!("村".repeat(201));
    let (status, problem) = post(&sandbox, &t.leader, "/api/v1/cases", long).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("party_address")),
        "{problem}"
    );
    sandbox.stop().await;
}
