//! Officers who change: a recused officer's case stands still until the
//! leader assigns another, certified that day; one not certified is
//! refused; the case then moves on — here to a decision not to penalise,
//! which needs no notice. And a case suspended (中止) stands still.

use fazhi_e2e::{COUNTY, Sandbox};
use serde_json::json;

use crate::fixtures::{FiledCase, officer, township};

#[tokio::test]
async fn a_recused_officer_is_replaced_mid_case_and_the_case_moves_on() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let t = township(&sandbox, "replace", 51).await;
    let county = sandbox
        .account("county.replace.more", &["county_overseer"], COUNTY)
        .await;
    let third = officer(&sandbox, &county, 53, true).await;
    let uncertified = officer(&sandbox, &county, 54, false).await;
    let mut case = FiledCase::filed(&sandbox, &t, 851).await;
    let recusal = json!({ "officer_id": t.officers[1], "reason": "conflict_of_interest", "note": "当事人系其亲属" });
    case.ok("recusal", recusal).await;
    // One officer left: nothing an officer does goes on (Art. 42).
    let notice = json!({ "on": "2026-03-09", "penalty": { "warning": true } });
    case.refused("notify", notice, "too_few_officers").await;
    // The recused officer never comes back; one without a certificate is refused.
    let back = json!({ "officer_id": t.officers[1], "reason": "recusal", "on": "2026-03-05" });
    case.refused("officers", back, "officer_recused").await;
    let unfit = json!({ "officer_id": uncertified, "reason": "recusal", "on": "2026-03-05" });
    case.refused("officers", unfit, "officer_not_certified")
        .await;
    let assigned = json!({ "officer_id": third, "reason": "recusal", "on": "2026-03-05" });
    let after = case.ok("officers", assigned).await;
    assert_eq!(
        after["officer_ids"],
        json!([t.officers[0], third]),
        "{after}"
    );
    assert_eq!(
        after["proceedings"]["officer_changes"][0]["reason"], "recusal",
        "{after}"
    );
    // No violation established: dismissed without a notice.
    let decided = case
        .ok("decide", json!({ "on": "2026-03-10", "kind": "dismissed" }))
        .await;
    assert_eq!(
        decided["proceedings"]["decision"]["kind"].as_str(),
        Some("dismissed"),
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
    // Filed Tuesday 3 March 2026: ninety days run to 1 June.
    let mut case = FiledCase::filed(&sandbox, &t, 855).await;
    let stop = json!({ "on": "2026-03-10", "reason": "party_missing", "note": "当事人外出务工，下落不明" });
    case.ok("suspension", stop).await;
    let notice = |on: &str| json!({ "on": on, "penalty": { "warning": true } });
    case.refused("notify", notice("2026-03-12"), "case_suspended")
        .await;
    // Stood thirty days, 10 March to 9 April: the period runs to 1 July.
    let resumed = case.ok("resumption", json!({ "on": "2026-04-09" })).await;
    assert_eq!(
        resumed["proceedings"]["suspensions"][0]["resumed_on"],
        "2026-04-09"
    );
    case.ok("notify", notice("2026-04-10")).await;
    let decided = case
        .ok(
            "decide",
            json!({ "on": "2026-06-30", "kind": "penalty", "penalty": { "warning": true } }),
        )
        .await;
    assert_eq!(
        decided["proceedings"]["decision"]["on_time"].as_bool(),
        Some(true),
        "{decided}"
    );
    sandbox.stop().await;
}
