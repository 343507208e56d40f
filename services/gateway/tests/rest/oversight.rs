//! The county's summary over REST, counted from what the test put in.

use axum::http::StatusCode;
use serde_json::json;

use crate::{
    complaints::complaint,
    county::{COUNTY, County, OTHER_TOWNSHIP, TOWNSHIP},
};

#[tokio::test]
async fn the_summary_counts_each_townships_complaints_of_the_year() {
    let county = County::start().await;
    let overseer = county
        .account("overseer", &["county_overseer"], COUNTY)
        .await;
    let desk = county.account("desk", &["staff"], COUNTY).await;
    // Three in one township (one urgent), two in the other.
    let put = [
        (TOWNSHIP, false),
        (TOWNSHIP, true),
        (TOWNSHIP, false),
        (OTHER_TOWNSHIP, false),
        (OTHER_TOWNSHIP, false),
    ];
    for (division, urgent) in put {
        let mut body = complaint();
        body["division_code"] = json!(division);
        body["urgent"] = json!(urgent);
        let (status, created) = county.post("/api/v1/complaints", &desk, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
    let (status, summary) = county
        .get("/api/v1/oversight/summary?year=2026", &overseer)
        .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let total = &summary["complaints"];
    assert_eq!(total["received"], put.len(), "{summary}");
    assert_eq!(
        total["urgent"],
        put.iter().filter(|(_, u)| *u).count(),
        "{summary}"
    );
    for township in [TOWNSHIP, OTHER_TOWNSHIP] {
        let (status, own) = county
            .get(
                &format!("/api/v1/oversight/summary?year=2026&division={township}"),
                &overseer,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{own}");
        let expected = put.iter().filter(|(d, _)| *d == township).count();
        assert_eq!(own["complaints"]["received"], expected, "{township}: {own}");
    }
    let (_, last_year) = county
        .get("/api/v1/oversight/summary?year=2025", &overseer)
        .await;
    assert_eq!(last_year["complaints"]["received"], 0, "{last_year}");
}

#[tokio::test]
async fn a_complaint_counts_in_the_year_of_the_day_it_came_in() {
    let county = County::start().await;
    let overseer = county
        .account("overseer", &["county_overseer"], COUNTY)
        .await;
    let desk = county.account("desk", &["staff"], TOWNSHIP).await;
    // New Year's Eve in China, a minute before midnight; then a minute after.
    county.clock.set("2025-12-31T15:59:00Z".parse().unwrap());
    let (status, _) = county.post("/api/v1/complaints", &desk, complaint()).await;
    assert_eq!(status, StatusCode::CREATED);
    county.clock.set("2025-12-31T16:01:00Z".parse().unwrap());
    for _ in 0..2 {
        let (status, _) = county.post("/api/v1/complaints", &desk, complaint()).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    for (year, expected) in [(2025, 1), (2026, 2)] {
        let (_, summary) = county
            .get(&format!("/api/v1/oversight/summary?year={year}"), &overseer)
            .await;
        assert_eq!(
            summary["complaints"]["received"], expected,
            "{year}: {summary}"
        );
    }
}
