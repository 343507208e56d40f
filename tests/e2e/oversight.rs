//! County oversight: every registered township side by side, and the
//! county's total, from the services' own figures.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn the_summary_lists_every_registered_township_beside_the_total() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let overseer = sandbox
            .account("county.overseer", &["county_overseer"], COUNTY)
            .await;
        let desk = sandbox.account("county.desk", &["staff"], COUNTY).await;
        let registered = sandbox
            .client
            .put(sandbox.url("/api/v1/divisions"))
            .bearer_auth(&overseer)
            .json(&json!({ "divisions": [
                { "code": COUNTY, "name": "沈丘县" },
                { "code": TOWNSHIP, "name": "老城镇" },
                { "code": OTHER_TOWNSHIP, "name": "槐店回族镇" },
                { "code": "411624102", "name": "刘庄店镇" },
                { "code": "411624100201", "name": "西关村" },
            ]}))
            .send()
            .await
            .unwrap();
        assert_eq!(registered.status(), StatusCode::OK);
        // Three complaints in one township, one in another, none in the third.
        for (division, n) in [(TOWNSHIP, 3), (OTHER_TOWNSHIP, 1)] {
            for _ in 0..n {
                let mut body = complaint_body();
                body["division_code"] = division.into();
                let created = sandbox.post_as(&desk, "/api/v1/complaints", &body).await;
                assert_eq!(created.status(), StatusCode::CREATED);
            }
        }
        let year = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y");
        let summary: Value = sandbox
            .get_as(
                &overseer,
                &format!("/api/v1/oversight/summary?division={COUNTY}&year={year}"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(summary["complaints"]["received"], 4, "{summary}");
        let rows: Vec<(String, String, i64)> = summary["townships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["division_code"].as_str().unwrap().to_owned(),
                    r["name"].as_str().unwrap().to_owned(),
                    r["complaints"]["received"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                (TOWNSHIP.to_owned(), "老城镇".to_owned(), 3),
                (OTHER_TOWNSHIP.to_owned(), "槐店回族镇".to_owned(), 1),
                ("411624102".to_owned(), "刘庄店镇".to_owned(), 0),
            ]
        );
        assert_eq!(summary["partial"], false);

        // A township's leader sees its own figures, no other township's row.
        let leader = sandbox
            .account("township.leader", &["leader"], TOWNSHIP)
            .await;
        let own: Value = sandbox
            .get_as(&leader, &format!("/api/v1/oversight/summary?year={year}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(own["complaints"]["received"], 3, "{own}");
        assert_eq!(own["townships"], json!([]));
        // Nor may it rename the county's divisions.
        let refused = sandbox
            .client
            .put(sandbox.url("/api/v1/divisions"))
            .bearer_auth(&leader)
            .json(&json!({ "divisions": [{ "code": TOWNSHIP, "name": "新名" }] }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        sandbox.stop().await;
    }
}
