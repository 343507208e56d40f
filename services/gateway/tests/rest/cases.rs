//! Cases over REST: a lead recorded, and filing refused for officers who
//! hold no certificate (the cases service asks training, in process too).

use axum::http::StatusCode;
use serde_json::json;

use crate::{
    county::{COUNTY, County, TOWNSHIP},
    training::{id_number, person},
};

#[tokio::test]
async fn a_lead_is_recorded_and_filing_needs_certified_officers() {
    let county = County::start().await;
    let overseer = county
        .account("overseer", &["county_overseer"], COUNTY)
        .await;
    let leader = county.account("leader", &["leader"], TOWNSHIP).await;
    let (status, item) = county
        .post(
            "/api/v1/power-items",
            &overseer,
            json!({
                "code": "330217001000", "name": "对未取得乡村建设规划许可证进行建设的行政处罚",
                "legal_basis": "《中华人民共和国城乡规划法》第六十五条", "kind": "penalty", "source": "own",
                "category": "comprehensive", "effective_from": "2022-01-01", "holders": [TOWNSHIP],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let mut officers = Vec::new();
    for n in [11, 12] {
        let (status, created) = county.post("/api/v1/people", &overseer, person(n)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        officers.push(created["id"].as_str().unwrap().to_owned());
    }
    let (status, lead) = county
        .post(
            "/api/v1/cases",
            &leader,
            json!({
                "division_code": TOWNSHIP, "source": "inspection",
                "party": { "kind": "person", "name": "王五", "id_number": id_number(799) },
                "facts": "在西关村耕地上未经许可建房", "act_on": "2026-01-10", "continuing": true,
                "discovered_on": "2026-02-01",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{lead}");
    assert_eq!(lead["status"], "lead", "{lead}");
    let id = lead["id"].as_str().unwrap();

    let (status, problem) = county
        .post(
            &format!("/api/v1/cases/{id}/file"),
            &leader,
            json!({
                "version": lead["version"], "power_item_code": "330217001000",
                "officer_ids": officers, "on": "2026-02-03",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (_, unchanged) = county.get(&format!("/api/v1/cases/{id}"), &leader).await;
    assert_eq!(unchanged["status"], "lead", "{unchanged}");
    assert_eq!(unchanged["version"], lead["version"]);
}
