//! What an integrator generates its client from: the taxonomy, and the
//! summary table's fixed columns.

use fazhi_e2e::{COUNTY, Sandbox};
use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::get;

#[tokio::test]
async fn the_taxonomy_is_read_from_the_api_not_hard_coded() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let (status, taxonomy) = get(&started, "", "/api/v1/complaint-categories").await;
    assert_eq!(status, StatusCode::OK, "{taxonomy}");
    let categories = taxonomy["categories"].as_array().unwrap();
    assert_eq!(
        categories.len(),
        fazhi_platform::complaint_category::CATEGORIES.len()
    );
    assert_eq!(categories[0]["code"], "illegal_construction");
    assert_eq!(categories[0]["name"], "违法建设");
    assert_eq!(categories[1]["concerns_enforcement_conduct"], true);
    assert_eq!(
        categories[0]["types"],
        json!(["inquiry", "help", "suggestion", "complaint", "report"])
    );
}

#[tokio::test]
async fn the_summary_table_has_fixed_columns_and_a_chinese_header_on_request() {
    let started = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let sandbox = &started;
    let county = sandbox
        .account("table.county", &["county_overseer"], COUNTY)
        .await;
    let fetch = |query: &'static str| {
        let county = county.clone();
        async move {
            let response = sandbox
                .get_as(&county, &format!("/api/v1/oversight/summary?{query}"))
                .await;
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, empty) = fetch("format=csv").await;
    assert_eq!(status, StatusCode::OK);
    sandbox.post_complaint(&fazhi_e2e::complaint_body()).await;
    let (_, one) = fetch("format=csv").await;
    let header = |csv: &str| {
        csv.lines()
            .next()
            .unwrap()
            .trim_start_matches('\u{feff}')
            .to_owned()
    };
    // The same columns whatever the period held.
    assert_eq!(header(&empty), header(&one));
    assert!(
        header(&one).contains("complaints.by_channel.mailbox"),
        "{one}"
    );
    let (_, zh) = fetch("format=csv&lang=zh").await;
    assert!(
        header(&zh).starts_with("行政区划代码,名称,诉求受理数"),
        "{zh}"
    );
    assert_eq!(
        header(&zh).split(',').count(),
        header(&one).split(',').count()
    );
    let (status, _) = fetch("format=csv&lang=fr").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
