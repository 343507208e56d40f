//! County oversight: every registered township side by side, and the
//! county's total, from the services' own figures.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A CSV without quoted cells, as lines of cells.
fn csv_lines(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes)
        .unwrap()
        .trim_start_matches('\u{feff}');
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// The first sheet of an .xlsx, as lines of cells.
fn xlsx_lines(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    range
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

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
        // Each row, read from one grouped query per service, is what the
        // township's own summary says.
        for row in summary["townships"].as_array().unwrap() {
            let code = row["division_code"].as_str().unwrap();
            let own: Value = sandbox
                .get_as(
                    &overseer,
                    &format!("/api/v1/oversight/summary?division={code}&year={year}"),
                )
                .await
                .json()
                .await
                .unwrap();
            for part in ["complaints", "cases", "training"] {
                assert_eq!(row[part], own[part], "{code} {part}");
            }
        }

        // The same table as CSV and as .xlsx: each township, then the total.
        let path = format!("/api/v1/oversight/summary?division={COUNTY}&year={year}");
        let csv = sandbox
            .get_as(&overseer, &format!("{path}&format=csv"))
            .await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(
            csv.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = csv.bytes().await.unwrap();
        let xlsx = sandbox
            .get_as(&overseer, &format!("{path}&format=xlsx"))
            .await
            .bytes()
            .await
            .unwrap();
        for (format, lines) in [("csv", csv_lines(&csv)), ("xlsx", xlsx_lines(&xlsx))] {
            let header = &lines[0];
            let column = header
                .iter()
                .position(|h| h == "complaints.received")
                .unwrap();
            let table: Vec<(String, String)> = lines[1..]
                .iter()
                .map(|cells| (cells[1].clone(), cells[column].clone()))
                .collect();
            assert_eq!(
                table,
                vec![
                    ("老城镇".to_owned(), "3".to_owned()),
                    ("槐店回族镇".to_owned(), "1".to_owned()),
                    ("刘庄店镇".to_owned(), "0".to_owned()),
                    ("合计".to_owned(), "4".to_owned()),
                ],
                "{format:?}"
            );
        }
        let bad = sandbox
            .get_as(&overseer, &format!("{path}&format=pdf"))
            .await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

        // A township's leader sees its own figures and row, no other township's.
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
        let rows = own["townships"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{own}");
        assert_eq!(rows[0]["division_code"], TOWNSHIP);
        assert_eq!(rows[0]["complaints"]["received"], 3);
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
