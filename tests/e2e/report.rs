//! A county loaded through the API, then read back: the summary's figures
//! per township and in total against counts this test makes from its own
//! inputs, the annual report's sentences carrying the same figures (with the
//! year before), the registers behind its other sections, and a township
//! account seeing only its own row.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::training::{person, post, results};

const VILLAGES: [(&str, &str); 3] = [
    ("411624100201", "西关村"),
    ("411624100202", "东关村"),
    ("411624100203", "南关村"),
];

/// Complaints pushed by the county platform: `n` of `category` received on `day`.
fn tickets(division: &str, category: &str, n: usize, day: &str, tag: &str) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "source": "county_12345", "external_id": format!("{tag}-{division}-{category}-{i}"),
                "received_at": format!("{day}T09:30:00+08:00"),
                "channel": "hotline_12345", "type": "complaint", "category": category,
                "content": format!("群众反映问题{i}"), "address": "老城镇西关村",
                "division_code": division,
                "complainant_name": "张三", "complainant_phone": format!("138123{i:05}"),
            })
        })
        .collect()
}

/// Loads the training side of the report's township: four officers (two at
/// section level), three certified in 2022 and one in 2023, 60 hours each
/// in 2023, the annual review of the 2022 holders, a law-study exam and
/// outreach in both years.
async fn load_training(sandbox: &Sandbox, token: &str) {
    let mut officers = Vec::new();
    for n in 0..4 {
        officers.push(person(sandbox, token, 500 + n, n < 2, "civil_servant").await);
    }
    let (status, body) = post(
        sandbox,
        token,
        "/api/v1/exams",
        json!({
            "division_code": TOWNSHIP, "kind": "qualification", "title": "执法资格考试",
            "held_on": "2022-03-20", "results": results(&officers, 85.0),
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let attendance: Vec<Value> = officers
        .iter()
        .map(|p| json!({ "person_id": p, "hours": 8 }))
        .collect();
    let (status, body) = post(sandbox, token, "/api/v1/training-sessions", json!({
        "division_code": TOWNSHIP, "topic": "岗前培训", "kind": "in_person", "held_on": "2022-03-25",
        "attendance": attendance,
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for (i, officer) in officers.iter().enumerate() {
        let issued_on = if i < 2 { "2022-04-01" } else { "2023-03-01" };
        if i == 3 {
            continue; // the fourth has no certificate
        }
        let (status, body) = post(sandbox, token, "/api/v1/certificates", json!({
            "person_id": officer, "number": format!("豫执4116249{i:02}"), "issued_on": issued_on,
        }))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    for (topic, held_on) in [
        ("行政处罚法", "2023-03-15"),
        ("行政许可法", "2023-06-15"),
        ("执法程序", "2023-09-15"),
    ] {
        let attendance: Vec<Value> = officers
            .iter()
            .map(|p| json!({ "person_id": p, "hours": 20 }))
            .collect();
        let (status, body) = post(sandbox, token, "/api/v1/training-sessions", json!({
            "division_code": TOWNSHIP, "topic": topic, "kind": "special_topic", "held_on": held_on,
            "attendance": attendance,
        }))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // The law-study exam: three registered, scores 95, 92 and 70.
    let mut law = results(&officers[..3], 95.0);
    law[1]["score"] = 92.into();
    law[2]["score"] = 70.into();
    let (status, body) = post(
        sandbox,
        token,
        "/api/v1/exams",
        json!({
            "division_code": TOWNSHIP, "kind": "law_study", "title": "2023年学法考试",
            "held_on": "2023-10-10", "results": law,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = post(
        sandbox,
        token,
        "/api/v1/exams",
        json!({
            "division_code": TOWNSHIP, "kind": "annual_review", "title": "2023年年审考试",
            "held_on": "2023-11-20", "results": results(&officers[..2], 90.0),
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = post(
        sandbox,
        token,
        "/api/v1/annual-reviews",
        json!({ "division_code": TOWNSHIP, "year": 2023 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (day, materials, people) in [
        ("2022-12-04", 50, 300),
        ("2023-04-15", 120, 800),
        ("2023-12-04", 200, 1300),
    ] {
        let (status, body) = post(sandbox, token, "/api/v1/outreach-events", json!({
            "division_code": TOWNSHIP, "held_on": day, "theme": "宪法宣传", "audience": "village",
            "materials": materials, "people_reached": people,
        }))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

/// The registers behind the report's other sections, one register imported as a list.
async fn load_registers(sandbox: &Sandbox, token: &str) {
    let entries = [
        (
            "normative-documents",
            json!({ "division_code": TOWNSHIP, "title": "老城镇村庄规划管理办法", "dated": "2023-02-01", "filed_on": "2023-02-10", "reviewed_on": "2023-03-01", "corrected_on": "2023-03-20" }),
        ),
        (
            "normative-documents",
            json!({ "division_code": TOWNSHIP, "title": "老城镇农村建房管理规定", "dated": "2023-05-01", "filed_on": "2023-05-06" }),
        ),
        (
            "normative-documents",
            json!({ "division_code": TOWNSHIP, "title": "老城镇环境卫生管理办法", "dated": "2023-08-01" }),
        ),
        (
            "normative-documents",
            json!({ "division_code": TOWNSHIP, "title": "上年的文件", "dated": "2022-08-01", "filed_on": "2022-08-05" }),
        ),
        (
            "emergency-plans",
            json!({ "division_code": TOWNSHIP, "title": "老城镇突发事件总体应急预案", "dated": "2023-03-01", "kind": "general" }),
        ),
        (
            "emergency-plans",
            json!({ "division_code": TOWNSHIP, "title": "防汛专项应急预案", "dated": "2023-05-01", "kind": "special" }),
        ),
        (
            "emergency-plans",
            json!({ "division_code": TOWNSHIP, "title": "森林防火专项应急预案", "dated": "2023-06-01", "kind": "专项" }),
        ),
        (
            "emergency-plans",
            json!({ "division_code": VILLAGES[0].0, "title": "西关村应急预案", "dated": "2023-04-01", "kind": "general" }),
        ),
        (
            "emergency-plans",
            json!({ "division_code": VILLAGES[1].0, "title": "东关村应急预案", "dated": "2022-04-01", "kind": "general" }),
        ),
        (
            "demonstration-villages",
            json!({ "division_code": VILLAGES[0].0, "title": "全国民主法治示范村", "dated": "2021-06-01", "kind": "national" }),
        ),
    ];
    for (register, body) in entries {
        let (status, answer) = post(
            sandbox,
            token,
            &format!("/api/v1/registers/{register}"),
            body,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    // A list with a bad row writes nothing; the corrected list is taken whole.
    let bad = format!(
        "区划代码,姓名,聘任日期,执业机构\n{},王律师,2023-01-10,河南某律师事务所\n{TOWNSHIP},李律师,2023-01-10,河南某律师事务所\n",
        VILLAGES[0].0
    );
    let good = format!(
        "区划代码,姓名,聘任日期,执业机构\n{},王律师,2023-01-10,河南某律师事务所\n{},李律师,2024-01-10,河南某律师事务所\n",
        VILLAGES[0].0, VILLAGES[1].0
    );
    for (list, expected) in [
        (bad, StatusCode::UNPROCESSABLE_ENTITY),
        (good, StatusCode::OK),
    ] {
        let response = sandbox
            .client
            .post(sandbox.url("/api/v1/imports/registers/legal-advisers"))
            .bearer_auth(token)
            .header("content-type", "text/csv")
            .body(list)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, expected, "{answer}");
        if status != StatusCode::OK {
            assert_eq!(answer["rejected"][0]["row"], 3, "{answer}");
            assert_eq!(answer["rejected"][0]["field"], "division_code", "{answer}");
        }
    }
    let listed: Value = sandbox
        .get_as(
            token,
            &format!("/api/v1/registers/legal-advisers?division={TOWNSHIP}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["entries"].as_array().unwrap().len(), 2, "{listed}");
}

fn figure<'a>(report: &'a Value, label: &str) -> &'a Value {
    report["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("no figure {label}: {report}"))
}

#[tokio::test]
async fn the_summary_and_the_annual_report_carry_the_figures_of_the_records() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let overseer = sandbox
            .account("county.justice", &["county_overseer"], COUNTY)
            .await;
        let mut divisions = vec![
            json!({ "code": COUNTY, "name": "沈丘县" }),
            json!({ "code": TOWNSHIP, "name": "老城镇" }),
            json!({ "code": OTHER_TOWNSHIP, "name": "槐店回族镇" }),
        ];
        divisions.extend(
            VILLAGES
                .iter()
                .map(|(code, name)| json!({ "code": code, "name": name })),
        );
        let registered = sandbox
            .client
            .put(sandbox.url("/api/v1/divisions"))
            .bearer_auth(&overseer)
            .json(&json!({ "divisions": divisions }))
            .send()
            .await
            .unwrap();
        assert_eq!(registered.status(), StatusCode::OK);

        // Complaints of 2023 (and 2022, for the year before), pushed by the platform.
        let mut pushed = Vec::new();
        pushed.extend(tickets(
            TOWNSHIP,
            "illegal_construction",
            6,
            "2023-03-02",
            "a",
        ));
        pushed.extend(tickets(
            TOWNSHIP,
            "enforcement_conduct",
            3,
            "2023-06-02",
            "b",
        ));
        pushed.extend(tickets(TOWNSHIP, "environment", 2, "2023-12-30", "c"));
        pushed.extend(tickets(OTHER_TOWNSHIP, "other", 4, "2023-07-02", "d"));
        pushed.extend(tickets(
            TOWNSHIP,
            "illegal_construction",
            5,
            "2022-05-02",
            "e",
        ));
        let expected_2023 = [(TOWNSHIP, 11), (OTHER_TOWNSHIP, 4)];
        let platform = sandbox.account("county.platform", &["admin"], COUNTY).await;
        let (status, answer) = post(
            &sandbox,
            &platform,
            "/api/v1/complaints:batch",
            json!({ "items": pushed }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert!(
            answer["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["outcome"] == "created"),
            "{answer}"
        );
        load_training(&sandbox, &overseer).await;
        load_registers(&sandbox, &overseer).await;

        // The county's summary: a row per township and the total.
        let summary: Value = sandbox
            .get_as(
                &overseer,
                &format!("/api/v1/oversight/summary?division={COUNTY}&year=2023"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(summary["partial"], false, "{summary}");
        assert_eq!(summary["complaints"]["received"], 15, "{summary}");
        // The whole summary, every figure of every row, as a county reads it.
        insta::assert_snapshot!(
            "county_summary_2023",
            serde_json::to_string_pretty(&summary).unwrap()
        );
        let rows = summary["townships"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        for (division, received) in expected_2023 {
            let row = rows
                .iter()
                .find(|r| r["division_code"] == division)
                .unwrap();
            assert_eq!(row["complaints"]["received"], received, "{division}: {row}");
        }
        let own = rows
            .iter()
            .find(|r| r["division_code"] == TOWNSHIP)
            .unwrap();
        assert_eq!(own["name"], "老城镇");
        let by_category = &own["complaints"]["by_category"];
        assert_eq!(
            (
                &by_category["illegal_construction"],
                &by_category["enforcement_conduct"],
                &by_category["environment"]
            ),
            (&json!(6), &json!(3), &json!(2))
        );
        let training = &own["training"];
        let law = training["exams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "law_study")
            .unwrap();
        let counted = [
            ("people", 4),
            ("enforcement_staff", 4),
            ("certificate_holders", 3),
            ("certificate_holders_section_level", 2),
            ("annual_review_takers", 2),
            ("annual_review_passed", 2),
            ("outreach_events", 2),
            ("outreach_materials", 320),
            ("outreach_people_reached", 2100),
        ];
        for (field, value) in counted {
            assert_eq!(training[field], value, "{field}: {training}");
        }
        assert_eq!(
            (&law["registered"], &law["sat"], &law["excellent"]),
            (&json!(3), &json!(3), &json!(2))
        );
        assert_eq!(own["cases"]["filed"], 0);
        assert_eq!(
            summary["training"]["certificate_holders"], 3,
            "the total adds the townships"
        );

        // Year on year: the same figures for 2022 beside 2023's.
        let compared: Value = sandbox
            .get_as(
                &overseer,
                &format!("/api/v1/oversight/summary?division={COUNTY}&year=2023&year_on_year=true"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            compared["previous"]["complaints"]["received"], 5,
            "{compared}"
        );
        let row = compared["townships"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["division_code"] == TOWNSHIP)
            .unwrap();
        assert_eq!(row["complaints"]["received"], 11);
        assert_eq!(row["previous"]["complaints"]["received"], 5);
        assert_eq!(row["previous"]["training"]["certificate_holders"], 2);
        assert!(summary.get("previous").is_none(), "only when asked for");

        // A township leader sees its own row only, and not the county's.
        let leader = sandbox
            .account("laocheng.leader", &["leader"], TOWNSHIP)
            .await;
        let mine: Value = sandbox
            .get_as(&leader, "/api/v1/oversight/summary?year=2023")
            .await
            .json()
            .await
            .unwrap();
        let codes: Vec<&Value> = mine["townships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["division_code"])
            .collect();
        assert_eq!(codes, [&json!(TOWNSHIP)], "{mine}");
        assert_eq!(mine["complaints"]["received"], 11);
        let county = sandbox
            .get_as(
                &leader,
                &format!("/api/v1/oversight/summary?division={COUNTY}&year=2023"),
            )
            .await;
        assert_eq!(county.status(), StatusCode::FORBIDDEN);
        let other = sandbox
            .get_as(
                &leader,
                &format!("/api/v1/reports/annual?division={OTHER_TOWNSHIP}&year=2023"),
            )
            .await;
        assert_eq!(other.status(), StatusCode::FORBIDDEN);

        // The report: every figure as counted above, the year before beside it.
        let report: Value = sandbox
            .get_as(&leader, "/api/v1/reports/annual?year=2023&format=json")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            report["title"], "老城镇人民政府关于2023年度法治政府建设情况的报告",
            "{report}"
        );
        let expected = [
            ("通过考试申领执法证（人）", "3", Some("2")),
            ("科级以上持证（人）", "2", Some("2")),
            ("执法人员持证率", "75.0%", Some("50.0%")),
            ("年审考试参加（人）", "2", Some("0")),
            ("年审考试通过（人）", "2", Some("0")),
            ("受理投诉（宗）", "11", Some("5")),
            ("投诉内容：违法建设（宗）", "6", None),
            ("投诉内容：行政执法行为（宗）", "3", None),
            ("投诉内容：生态环境（宗）", "2", None),
            ("普法宣传活动（次）", "2", Some("1")),
            ("派发宣传资料（份）", "320", Some("50")),
            ("受教育群众（人次）", "2100", Some("300")),
            ("学法考试参考率", "100.0%", Some("—")),
            ("学法考试优秀率", "66.7%", Some("—")),
            ("制定行政规范性文件（件）", "3", None),
            ("报送备案（件）", "2", None),
            ("经审查（件）", "1", None),
            ("纠正（件）", "1", None),
            ("本级总体应急预案（件）", "1", None),
            ("本级专项应急预案（件）", "2", None),
            ("制定应急预案的村（社区）（个）", "2", None),
            ("登记的村（社区）（个）", "3", None),
            ("聘请法律顾问的村（社区）（个）", "1", None),
            ("民主法治示范村（个）", "1", None),
            ("立案（件）", "0", Some("0")),
        ];
        let markdown = report["markdown"].as_str().unwrap();
        // The report as a township reads it, whole.
        insta::assert_snapshot!("annual_report_2023_markdown", markdown);
        for (label, value, previous) in expected {
            let f = figure(&report, label);
            assert_eq!(f["value"], value, "{label}: {f}");
            assert_eq!(f["previous"].as_str(), previous, "{label}: {f}");
            assert!(
                f["source"].as_str().unwrap().starts_with("GET /api/v1/"),
                "{f}"
            );
            // The sentence carries the figure with its footnote.
            let cited = format!("{value}[^{}]", f["number"]);
            assert!(
                markdown.contains(&cited),
                "{label}: {cited} not in the report"
            );
        }
        assert!(markdown.contains("目前通过考试申领执法证3[^"), "{markdown}");
        assert!(markdown.contains("西关村（全国民主法治示范村）"));
        assert!(markdown.contains("四、2024年法治政府建设主要思路和计划"));
        assert!(markdown.contains("【下一年度的工作思路和计划，由本单位填写】"));

        // The same report as HTML and as a .docx the township edits.
        let html = sandbox
            .get_as(&leader, "/api/v1/reports/annual?year=2023&format=html")
            .await;
        assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
        let html = html.text().await.unwrap();
        assert!(
            html.contains("<span class=\"figure\" data-figure=\"1\">3</span>"),
            "{html}"
        );
        let docx = sandbox
            .get_as(&leader, "/api/v1/reports/annual?year=2023&format=docx")
            .await;
        assert_eq!(docx.status(), StatusCode::OK);
        let bytes = docx.bytes().await.unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut document = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("word/document.xml").unwrap(),
            &mut document,
        )
        .unwrap();
        assert!(document.contains("老城镇人民政府关于2023年度法治政府建设情况的报告"));
        let mut notes = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("word/footnotes.xml").unwrap(),
            &mut notes,
        )
        .unwrap();
        assert!(
            notes.contains("通过考试申领执法证（人）：3；上年 2。"),
            "{notes}"
        );

        // A year not begun, and a format nobody asked for, are refused.
        for query in ["year=9998", "year=2023&format=pdf", "year=abc"] {
            let refused = sandbox
                .get_as(&leader, &format!("/api/v1/reports/annual?{query}"))
                .await;
            assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{query}");
        }
        sandbox.stop().await;
    }
}
