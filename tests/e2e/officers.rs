//! Officers who change: a recused officer's case stands still until the
//! leader assigns another, certified that day; one not certified is
//! refused; the case then moves on — here to a decision not to penalise,
//! which needs no notice.

use fazhi_e2e::{COUNTY, Sandbox};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{lead, officer, post, township};

#[tokio::test]
async fn a_recused_officer_is_replaced_mid_case_and_the_case_moves_on() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let t = township(&sandbox, "replace", 51).await;
    let county = sandbox
        .account("county.replace.more", &["county_overseer"], COUNTY)
        .await;
    let third = officer(&sandbox, &county, 53, true).await;
    let uncertified = officer(&sandbox, &county, 54, false).await;
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();
    let (_, case) = post(&sandbox, &t.leader, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let mut version = 1;
    let mut go = async |step: &str, mut body: Value| {
        body["version"] = version.into();
        let path = format!("/api/v1/cases/{id}/{step}");
        let (status, answer) = post(&sandbox, &t.leader, &path, body).await;
        if status == StatusCode::OK {
            version = answer["version"].as_i64().unwrap();
        }
        (status, answer)
    };
    let filing =
        json!({ "power_item_code": "330217001000", "officer_ids": t.officers, "on": "2026-03-03" });
    assert_eq!(go("file", filing).await.0, StatusCode::OK);
    let recusal = json!({ "officer_id": t.officers[1], "reason": "conflict_of_interest", "note": "当事人系其亲属" });
    assert_eq!(go("recusal", recusal).await.0, StatusCode::OK);
    // One officer left: nothing an officer does goes on (Art. 42).
    let notice = json!({ "on": "2026-03-09", "penalty": { "warning": true } });
    let (status, problem) = go("notify", notice).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_few_officers")),
        "{problem}"
    );
    // The recused officer never comes back; one without a certificate is refused.
    let back = json!({ "officer_id": t.officers[1], "reason": "recusal", "on": "2026-03-05" });
    let (status, problem) = go("officers", back).await;
    assert_eq!(problem["code"], "officer_recused", "{status}: {problem}");
    let unfit = json!({ "officer_id": uncertified, "reason": "recusal", "on": "2026-03-05" });
    let (status, problem) = go("officers", unfit).await;
    assert_eq!(
        problem["code"], "officer_not_certified",
        "{status}: {problem}"
    );
    let assigned = json!({ "officer_id": third, "reason": "recusal", "on": "2026-03-05" });
    let (status, case) = go("officers", assigned).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["officer_ids"], json!([t.officers[0], third]), "{case}");
    assert_eq!(
        case["proceedings"]["officer_changes"][0]["reason"], "recusal",
        "{case}"
    );
    // No violation established: dismissed without a notice.
    let (status, decided) = go("decide", json!({ "on": "2026-03-10", "kind": "dismissed" })).await;
    assert_eq!(
        (status, decided["proceedings"]["decision"]["kind"].as_str()),
        (StatusCode::OK, Some("dismissed")),
        "{decided}"
    );
    sandbox.stop().await;
}

/// 中止: a case whose party cannot be found is suspended; nothing moves
/// until it is resumed, and the days it stood are left out of the ninety.
#[tokio::test]
async fn a_suspended_case_stands_still_and_its_days_are_left_out_of_the_decision_period() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let t = township(&sandbox, "suspend", 55).await;
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();
    let (_, case) = post(&sandbox, &t.leader, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let mut version = 1;
    let mut go = async |step: &str, mut body: Value| {
        body["version"] = version.into();
        let path = format!("/api/v1/cases/{id}/{step}");
        let (status, answer) = post(&sandbox, &t.leader, &path, body).await;
        if status == StatusCode::OK {
            version = answer["version"].as_i64().unwrap();
        }
        (status, answer)
    };
    // Filed Tuesday 3 March 2026: ninety days run to 1 June.
    let filing =
        json!({ "power_item_code": "330217001000", "officer_ids": t.officers, "on": "2026-03-03" });
    assert_eq!(go("file", filing).await.0, StatusCode::OK);
    let stop = json!({ "on": "2026-03-10", "reason": "party_missing", "note": "当事人外出务工，下落不明" });
    assert_eq!(go("suspension", stop).await.0, StatusCode::OK);
    let notice = |on: &str| json!({ "on": on, "penalty": { "warning": true } });
    let (_, problem) = go("notify", notice("2026-03-12")).await;
    assert_eq!(problem["code"], "case_suspended", "{problem}");
    // Stood thirty days, 10 March to 9 April: the period runs to 1 July.
    let (status, resumed) = go("resumption", json!({ "on": "2026-04-09" })).await;
    assert_eq!(status, StatusCode::OK, "{resumed}");
    assert_eq!(
        resumed["proceedings"]["suspensions"][0]["resumed_on"],
        "2026-04-09"
    );
    assert_eq!(go("notify", notice("2026-04-10")).await.0, StatusCode::OK);
    let (status, decided) = go(
        "decide",
        json!({ "on": "2026-06-30", "kind": "penalty", "penalty": { "warning": true } }),
    )
    .await;
    assert_eq!(
        (
            status,
            decided["proceedings"]["decision"]["on_time"].as_bool()
        ),
        (StatusCode::OK, Some(true)),
        "{decided}"
    );
    sandbox.stop().await;
}
