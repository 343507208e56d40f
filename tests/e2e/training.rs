//! Training, exams and certificates through REST: the report's situation
//! built from records and read back as figures, and the rules' refusals.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::authorization::id_number;

pub(crate) async fn post(
    sandbox: &Sandbox,
    token: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let response = sandbox.post_as(token, path, &body).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn person(
    sandbox: &Sandbox,
    token: &str,
    n: usize,
    section_level: bool,
    employment: &str,
) -> String {
    let (status, body) = post(
        sandbox,
        token,
        "/api/v1/people",
        json!({
            "division_code": TOWNSHIP, "name": format!("执法人员{n}"), "id_number": id_number(n),
            "unit": "老城镇综合行政执法大队", "employment": employment,
            "rank": if section_level { "副科级" } else { "科员" },
            "section_level": section_level, "enforcement_post": true,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body["id_number"].as_str().unwrap().contains('*'),
        "ID numbers leave masked"
    );
    body["id"].as_str().unwrap().to_owned()
}

/// The head count, exams and hours of the township, to see nothing was written.
async fn figures(sandbox: &Sandbox, token: &str) -> (Value, Value, Value) {
    let path = format!("/api/v1/training/stats?division={TOWNSHIP}");
    let stats: Value = sandbox.get_as(token, &path).await.json().await.unwrap();
    (
        stats["people"].clone(),
        stats["exams"].clone(),
        stats["training_hours_per_person"].clone(),
    )
}

pub(crate) fn results(people: &[String], score: f64) -> Value {
    Value::Array(
        people
            .iter()
            .map(|p| json!({ "person_id": p, "score": score }))
            .collect(),
    )
}

#[tokio::test]
async fn the_reports_township_figures_come_back_from_its_records() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let admin = sandbox
            .account("county.justice", &["county_overseer"], COUNTY)
            .await;

        // 19 enforcement officers, 7 at section level and above, and one auxiliary.
        let mut officers = Vec::new();
        for n in 0..19 {
            officers.push(person(&sandbox, &admin, n, n < 7, "civil_servant").await);
        }
        let auxiliary = person(&sandbox, &admin, 99, false, "auxiliary").await;

        // Qualification: 18 in 2022, one more (and the auxiliary) in 2023.
        let (status, _) = post(
            &sandbox,
            &admin,
            "/api/v1/exams",
            json!({
                "division_code": TOWNSHIP, "kind": "qualification", "title": "2022年执法资格考试",
                "held_on": "2022-03-01", "results": results(&officers[..18], 85.0),
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let late = vec![officers[18].clone(), auxiliary.clone()];
        let (status, _) = post(
            &sandbox,
            &admin,
            "/api/v1/exams",
            json!({
                "division_code": TOWNSHIP, "kind": "qualification", "title": "2023年执法资格考试",
                "held_on": "2023-02-01", "results": results(&late, 80.0),
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        // 持证必培训: 岗前培训 on record within the year before each issue.
        let attendance: Vec<Value> = officers
            .iter()
            .map(|p| json!({ "person_id": p, "hours": 8 }))
            .collect();
        let (status, body) = post(&sandbox, &admin, "/api/v1/training-sessions", json!({
            "division_code": TOWNSHIP, "topic": "岗前培训", "kind": "in_person", "held_on": "2022-03-15",
            "attendance": attendance,
        })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        for (i, officer) in officers.iter().enumerate() {
            let issued_on = if i < 18 { "2022-04-01" } else { "2023-03-01" };
            let (status, body) = post(&sandbox, &admin, "/api/v1/certificates", json!({
                "person_id": officer, "number": format!("豫执41162410{i:02}"), "issued_on": issued_on,
            })).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            assert_eq!(body["status"], "active");
        }
        // Auxiliary staff never hold a certificate, passed exam or not.
        let (status, body) = post(
            &sandbox,
            &admin,
            "/api/v1/certificates",
            json!({
                "person_id": auxiliary, "number": "豫执4116241099", "issued_on": "2023-03-01",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["code"], "auxiliary_cannot_hold_certificate");

        // 2023: 60 学时 each, the law-study exam for all, the annual-review exam for the 18.
        for (topic, held_on) in [
            ("行政处罚法", "2023-03-15"),
            ("行政许可法", "2023-06-15"),
            ("执法程序", "2023-09-15"),
        ] {
            let attendance: Vec<Value> = officers
                .iter()
                .map(|p| json!({ "person_id": p, "hours": 20 }))
                .collect();
            let (status, body) = post(&sandbox, &admin, "/api/v1/training-sessions", json!({
                "division_code": TOWNSHIP, "topic": topic, "kind": "special_topic", "held_on": held_on,
                "attendance": attendance,
            })).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, _) = post(
            &sandbox,
            &admin,
            "/api/v1/exams",
            json!({
                "division_code": TOWNSHIP, "kind": "law_study", "title": "2023年学法考试",
                "held_on": "2023-10-10", "results": results(&officers, 95.0),
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = post(
            &sandbox,
            &admin,
            "/api/v1/exams",
            json!({
                "division_code": TOWNSHIP, "kind": "annual_review", "title": "2023年年审考试",
                "held_on": "2023-11-20", "results": results(&officers[..18], 92.5),
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        for i in 0..10 {
            let (status, _) = post(&sandbox, &admin, "/api/v1/outreach-events", json!({
                "division_code": TOWNSHIP, "held_on": format!("2023-{:02}-04", i + 2),
                "theme": "宪法宣传", "audience": "village", "materials": 30, "people_reached": 200,
            })).await;
            assert_eq!(status, StatusCode::CREATED);
        }

        // Read back page by page, counted against what this test recorded.
        let certificates = read_all(
            &sandbox,
            &admin,
            &format!("/api/v1/certificates?division={TOWNSHIP}"),
            "certificates",
        )
        .await;
        assert_eq!(
            certificates.len(),
            officers.len(),
            "{backend:?}: one certificate per officer"
        );
        let own = read_all(
            &sandbox,
            &admin,
            &format!("/api/v1/certificates?person_id={}", officers[0]),
            "certificates",
        )
        .await;
        assert_eq!(own.len(), 1);
        assert_eq!(own[0]["number"], "豫执4116241000");
        let sessions = read_all(
            &sandbox,
            &admin,
            &format!("/api/v1/training-sessions?division={TOWNSHIP}&year=2023"),
            "sessions",
        )
        .await;
        assert_eq!(sessions.len(), 3, "{backend:?}");
        assert!(
            sessions
                .iter()
                .all(|s| s["attendance"].as_array().unwrap().len() == officers.len())
        );
        let in_person = read_all(
            &sandbox,
            &admin,
            "/api/v1/training-sessions?year=2023&kind=in_person",
            "sessions",
        )
        .await;
        assert!(
            in_person.is_empty(),
            "only special-topic sessions were held"
        );
        let march = read_all(
            &sandbox,
            &admin,
            "/api/v1/training-sessions?from=2023-03-15&to=2023-03-15",
            "sessions",
        )
        .await;
        assert_eq!(march.len(), 1, "a day given as to is included");
        let exams_2023 = read_all(
            &sandbox,
            &admin,
            &format!("/api/v1/exams?division={TOWNSHIP}&year=2023"),
            "exams",
        )
        .await;
        assert_eq!(
            exams_2023.len(),
            3,
            "{backend:?}: qualification, law study, annual review"
        );
        let reviews = read_all(
            &sandbox,
            &admin,
            "/api/v1/exams?year=2023&kind=annual_review",
            "exams",
        )
        .await;
        assert_eq!(reviews.len(), 1);
        assert_eq!(reviews[0]["results"].as_array().unwrap().len(), 18);
        let exams_2022 = read_all(&sandbox, &admin, "/api/v1/exams?year=2022", "exams").await;
        assert_eq!(exams_2022.len(), 1);
        let outreach = read_all(
            &sandbox,
            &admin,
            &format!("/api/v1/outreach-events?division={TOWNSHIP}&year=2023"),
            "events",
        )
        .await;
        assert_eq!(outreach.len(), 10, "{backend:?}");
        assert!(outreach.iter().all(|e| e["audience"] == "village"));

        // The annual review: 18 reviewed, 18 passed; running it again changes nothing.
        let review = json!({ "division_code": TOWNSHIP, "year": 2023 });
        let (status, first) =
            post(&sandbox, &admin, "/api/v1/annual-reviews", review.clone()).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let decisions = first["decisions"].as_array().unwrap();
        assert_eq!(decisions.len(), 18, "{backend:?}");
        assert!(
            decisions
                .iter()
                .all(|d| d["outcome"] == "passed" && d["changed"] == true)
        );
        let (_, again) = post(&sandbox, &admin, "/api/v1/annual-reviews", review).await;
        let again = again["decisions"].as_array().unwrap();
        assert_eq!(again.len(), 18);
        assert!(
            again
                .iter()
                .all(|d| d["outcome"] == "passed" && d["changed"] == false)
        );

        let stats: Value = sandbox
            .get_as(
                &admin,
                &format!("/api/v1/training/stats?division={TOWNSHIP}&from=2023-01-01T00:00:00%2B08:00&to=2024-01-01T00:00:00%2B08:00"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(stats["certificate_holders"], 19, "{backend:?}: {stats}");
        assert_eq!(stats["certificate_holders_section_level"], 7);
        assert_eq!(stats["annual_review_takers"], 18);
        assert_eq!(stats["annual_review_passed"], 18);
        assert_eq!(stats["enforcement_staff"], 20);
        assert_eq!(
            stats["certification_rate"], 0.95,
            "19 of 20 in a post hold one"
        );
        assert_eq!(
            stats["training_hours_per_person"], 57.0,
            "1,140 学时 over 20 staff"
        );
        assert_eq!(stats["training_requirement_met_rate"], 0.95);
        let law_study = stats["exams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "law_study")
            .unwrap();
        assert_eq!(law_study["participation_rate"], 1.0);
        assert_eq!(law_study["excellent_rate"], 1.0);
        assert_eq!(stats["outreach_events"], 10);
        assert_eq!(stats["outreach_materials"], 300);
        assert_eq!(stats["outreach_people_reached"], 2000);

        let summary: Value = sandbox
            .get_as(
                &admin,
                &format!("/api/v1/oversight/summary?division={TOWNSHIP}&from=2023-01-01T00:00:00%2B08:00&to=2024-01-01T00:00:00%2B08:00"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(summary["training"]["certificate_holders"], 19, "{summary}");
        assert_eq!(summary["training"]["annual_review_passed"], 18);

        // The cases service's question, answered for a holder and for the auxiliary.
        let yes: Value = sandbox
            .get_as(
                &admin,
                &format!("/api/v1/people/{}/certified?on=2023-12-31", officers[0]),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(yes["certified"], true);
        assert_eq!(yes["certificate_number"], "豫执4116241000");
        let no: Value = sandbox
            .get_as(
                &admin,
                &format!("/api/v1/people/{auxiliary}/certified?on=2023-12-31"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(no["certified"], false);
        assert_eq!(no["reason"], "no_certificate");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn bad_training_records_name_the_field_and_write_nothing() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let admin = sandbox
            .account("county.justice", &["county_overseer"], COUNTY)
            .await;
        let officer = person(&sandbox, &admin, 1, false, "civil_servant").await;
        let before = figures(&sandbox, &admin).await;
        let cases = [
            (
                "/api/v1/people",
                json!({
                    "division_code": TOWNSHIP, "name": "赵六", "id_number": "411624199001011235",
                    "unit": "执法大队", "employment": "civil_servant",
                }),
                StatusCode::BAD_REQUEST,
                "invalid_id_number",
                "id_number",
            ),
            (
                "/api/v1/people",
                json!({
                    "division_code": TOWNSHIP, "name": "赵六", "id_number": id_number(1),
                    "unit": "执法大队", "employment": "civil_servant",
                }),
                StatusCode::CONFLICT,
                "id_number_exists",
                "id_number",
            ),
            (
                "/api/v1/exams",
                json!({
                    "division_code": TOWNSHIP, "kind": "law_study", "title": "学法考试", "held_on": "2023-10-10",
                    "results": [{ "person_id": officer, "score": 100.5 }],
                }),
                StatusCode::BAD_REQUEST,
                "invalid_score",
                "results[0].score",
            ),
            (
                "/api/v1/exams",
                json!({
                    "division_code": TOWNSHIP, "kind": "law_study", "title": "学法考试", "held_on": "2999-10-10",
                    "results": [{ "person_id": officer, "score": 80 }],
                }),
                StatusCode::BAD_REQUEST,
                "date_in_future",
                "held_on",
            ),
            (
                "/api/v1/exams",
                json!({
                    "division_code": TOWNSHIP, "kind": "law_study", "title": "学法考试", "held_on": "2023-10-10",
                    "results": [{ "person_id": officer, "score": 80 }, { "person_id": "nobody", "score": 80 }],
                }),
                StatusCode::BAD_REQUEST,
                "unknown_person",
                "results[1].person_id",
            ),
            (
                "/api/v1/training-sessions",
                json!({
                    "division_code": TOWNSHIP, "topic": "通宵培训", "kind": "in_person", "held_on": "2023-10-10",
                    "attendance": [{ "person_id": officer, "hours": 25 }],
                }),
                StatusCode::BAD_REQUEST,
                "invalid_hours",
                "attendance[0].hours",
            ),
            (
                "/api/v1/training-sessions",
                json!({
                    "division_code": TOWNSHIP, "topic": "培训", "kind": "in_person", "held_on": "2023-10-10",
                    "attendance": [{ "person_id": officer, "hours": 0 }],
                }),
                StatusCode::BAD_REQUEST,
                "invalid_hours",
                "attendance[0].hours",
            ),
            (
                "/api/v1/certificates",
                json!({ "person_id": officer, "number": "豫执1", "issued_on": "2023-10-10" }),
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_passing_qualification_exam",
                "person_id",
            ),
        ];
        for (path, body, status, code, field) in cases {
            let (got, problem) = post(&sandbox, &admin, path, body).await;
            assert_eq!(
                (got, problem["code"].as_str()),
                (status, Some(code)),
                "{backend:?} {path}: {problem}"
            );
            assert_eq!(problem["field"], field, "{path}: {problem}");
        }
        assert_eq!(
            figures(&sandbox, &admin).await,
            before,
            "{backend:?}: nothing was written"
        );

        // A certificate number is unique.
        let (status, _) = post(
            &sandbox,
            &admin,
            "/api/v1/exams",
            json!({
                "division_code": TOWNSHIP, "kind": "qualification", "title": "执法资格考试",
                "held_on": "2023-02-01", "results": results(std::slice::from_ref(&officer), 70.0),
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let other = person(&sandbox, &admin, 2, false, "civil_servant").await;
        let (status, _) = post(
            &sandbox,
            &admin,
            "/api/v1/exams",
            json!({
                "division_code": TOWNSHIP, "kind": "qualification", "title": "执法资格考试",
                "held_on": "2023-02-02", "results": results(std::slice::from_ref(&other), 70.0),
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        // 持证必培训: training on record before either is issued a certificate.
        let (status, body) = post(
            &sandbox,
            &admin,
            "/api/v1/training-sessions",
            json!({
                "division_code": TOWNSHIP, "topic": "岗前培训", "kind": "in_person", "held_on": "2023-02-10",
                "attendance": [{ "person_id": officer, "hours": 8 }, { "person_id": other, "hours": 8 }],
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, first) = post(
            &sandbox,
            &admin,
            "/api/v1/certificates",
            json!({
                "person_id": officer, "number": "豫执0001", "issued_on": "2023-03-01",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, problem) = post(
            &sandbox,
            &admin,
            "/api/v1/certificates",
            json!({
                "person_id": other, "number": "豫执0001", "issued_on": "2023-03-01",
            }),
        )
        .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::CONFLICT, Some("certificate_number_exists"))
        );

        // Suspension takes effect from its date; a stale version is refused.
        let id = first["id"].as_str().unwrap();
        let (status, suspended) = post(
            &sandbox,
            &admin,
            &format!("/api/v1/certificates/{id}/suspend"),
            json!({ "version": 1, "on": "2023-06-01" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{suspended}");
        assert_eq!(suspended["status"], "suspended");
        let (status, problem) = post(
            &sandbox,
            &admin,
            &format!("/api/v1/certificates/{id}/reinstate"),
            json!({ "version": 1 }),
        )
        .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::CONFLICT, Some("version_conflict"))
        );
        for (on, certified) in [("2023-05-31", true), ("2023-06-01", false)] {
            let answer: Value = sandbox
                .get_as(
                    &admin,
                    &format!("/api/v1/people/{officer}/certified?on={on}"),
                )
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(answer["certified"], certified, "{on}: {answer}");
        }

        // Leaving the enforcement post cancels (注销) the certificate: not a
        // revocation, which is a sanction.
        let (status, left) = post(
            &sandbox,
            &admin,
            &format!("/api/v1/people/{officer}/leave-post"),
            json!({ "version": 1, "on": "2023-08-01" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{left}");
        assert_eq!(left["enforcement_post"], false);
        let certificate: Value = sandbox
            .get_as(&admin, &format!("/api/v1/certificates/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(certificate["status"], "cancelled");
        assert_eq!(certificate["status_since"], "2023-08-01");
        let answer: Value = sandbox
            .get_as(
                &admin,
                &format!("/api/v1/people/{officer}/certified?on=2023-08-02"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(answer["reason"], "cancelled");
        sandbox.stop().await;
    }
}

/// Every item of a list route, read two at a time through its page tokens.
async fn read_all(sandbox: &Sandbox, token: &str, path: &str, key: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{path}{separator}page_size=2");
        if let Some(page_token) = &next {
            url.push_str(&format!("&page_token={page_token}"));
        }
        let response = sandbox.get_as(token, &url).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        let page: Value = response.json().await.unwrap();
        items.extend(page[key].as_array().unwrap().iter().cloned());
        match page["next_page_token"].as_str() {
            Some(token) => next = Some(token.to_owned()),
            None => return items,
        }
    }
}

fn xlsx(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    fazhi_training::sheet::write_xlsx("名单", header, rows).unwrap()
}

async fn upload(
    sandbox: &Sandbox,
    token: &str,
    path: &str,
    content_type: &str,
    file: Vec<u8>,
) -> (StatusCode, Value) {
    let response = sandbox
        .client
        .post(sandbox.url(path))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(file)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PEOPLE_HEADER: &[&str] = &[
    "行政区划代码",
    "姓名",
    "身份证号",
    "单位",
    "人员类别",
    "职级",
    "科级以上",
    "执法岗位",
];

fn person_row(n: usize, id: &str) -> Vec<String> {
    [
        TOWNSHIP,
        &format!("人员{n}"),
        id,
        "综合行政执法大队",
        "公务员",
        "科员",
        "否",
        "是",
    ]
    .iter()
    .map(|c| (*c).to_owned())
    .collect()
}

#[tokio::test]
async fn lists_import_whole_or_not_at_all_and_export_as_xlsx() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let admin = sandbox
            .account("laocheng.staff", &["staff"], TOWNSHIP)
            .await;

        // A file with bad rows: every one reported, nothing written.
        let rows = vec![
            person_row(1, &id_number(1)),
            person_row(2, "411624199001011235"),
            person_row(3, &id_number(1)),
        ];
        let (status, problem) = upload(
            &sandbox,
            &admin,
            "/api/v1/imports/people",
            XLSX,
            xlsx(PEOPLE_HEADER, &rows),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {problem}"
        );
        assert_eq!(problem["code"], "import_rejected");
        let rejected: Vec<(i64, &str)> = problem["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["row"].as_i64().unwrap(), r["field"].as_str().unwrap()))
            .collect();
        assert_eq!(rejected, vec![(3, "id_number"), (4, "id_number")]);
        let (people, _, _) = figures(&sandbox, &admin).await;
        assert_eq!(people, 0, "nothing half-imported");

        // A wrong header row is named as such.
        let (status, problem) = upload(
            &sandbox,
            &admin,
            "/api/v1/imports/people",
            XLSX,
            xlsx(&["姓名", "身份证号"], &[]),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["rejected"][0]["row"], 1);
        assert_eq!(problem["rejected"][0]["field"], "header");

        // A good file goes in whole.
        let rows: Vec<Vec<String>> = (0..3).map(|n| person_row(n, &id_number(n))).collect();
        let (status, report) = upload(
            &sandbox,
            &admin,
            "/api/v1/imports/people",
            XLSX,
            xlsx(PEOPLE_HEADER, &rows),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            (report["rows"].as_i64(), report["imported"].as_i64()),
            (Some(3), Some(3))
        );
        // Each row says whom it recorded, so nobody is matched by name.
        let recorded: Vec<(i64, String)> = report["people"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["row"].as_i64().unwrap(),
                    p["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            recorded.iter().map(|(row, _)| *row).collect::<Vec<_>>(),
            [2, 3, 4]
        );
        for (n, (_, id)) in recorded.iter().enumerate() {
            let person: Value = sandbox
                .get_as(&admin, &format!("/api/v1/people/{id}"))
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(person["name"], format!("人员{n}"), "{person}");
        }

        // Attendance and results by ID number, as CSV.
        let csv = format!(
            "身份证号,学时\n{},20\n{},20.5\n",
            id_number(0),
            id_number(1)
        );
        let (status, report) = upload(
            &sandbox,
            &admin,
            &format!("/api/v1/imports/attendance?division_code={TOWNSHIP}&topic=行政处罚法&kind=online&held_on=2023-05-01"),
            "text/csv",
            csv.into_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["imported"], 2);
        let csv = format!(
            "身份证号,成绩\n{},95\n{},缺考\n{},88\n",
            id_number(0),
            id_number(1),
            id_number(2)
        );
        let (status, report) = upload(
            &sandbox,
            &admin,
            &format!("/api/v1/imports/exam-results?format=csv&division_code={TOWNSHIP}&kind=law_study&title=学法考试&held_on=2023-06-01"),
            "application/octet-stream",
            csv.into_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let stats: Value = sandbox
            .get_as(
                &admin,
                &format!("/api/v1/training/stats?division={TOWNSHIP}"),
            )
            .await
            .json()
            .await
            .unwrap();
        let law = &stats["exams"][0];
        assert_eq!(
            (
                law["registered"].as_i64(),
                law["sat"].as_i64(),
                law["excellent"].as_i64()
            ),
            (Some(3), Some(2), Some(1))
        );

        // Exported lists read back, ID numbers masked.
        for (list, rows) in [("people", 3), ("attendance", 2), ("results", 3)] {
            let response = sandbox
                .get_as(&admin, &format!("/api/v1/exports/{list}"))
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{list}");
            assert_eq!(response.headers()["content-type"], XLSX);
            let bytes = response.bytes().await.unwrap();
            let back =
                fazhi_training::sheet::read(fazhi_training::sheet::Format::Xlsx, &bytes).unwrap();
            assert_eq!(back.len(), rows + 1, "{list}: header and rows");
            assert!(
                back[1].1.iter().any(|c| c.contains("********")),
                "{list}: {:?}",
                back[1]
            );
        }
        // Full ID numbers for those who keep the list, audited; not for readers.
        let response = sandbox
            .get_as(&admin, "/api/v1/exports/people?reveal=true")
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.unwrap();
        let back =
            fazhi_training::sheet::read(fazhi_training::sheet::Format::Xlsx, &bytes).unwrap();
        assert!(
            back.iter().any(|(_, row)| row[2] == id_number(0)),
            "{back:?}"
        );
        let officer = sandbox.account("li.officer", &["officer"], TOWNSHIP).await;
        let status = sandbox
            .get_as(&officer, "/api/v1/exports/people?reveal=true")
            .await
            .status();
        assert_eq!(status, StatusCode::FORBIDDEN);
        let county_admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let events: Value = sandbox
            .get_as(&county_admin, "/api/v1/audit-events")
            .await
            .json()
            .await
            .unwrap();
        let exported = events["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "training_list.read_personal")
            .count();
        assert_eq!(exported, 1, "{events}");

        let (status, problem) = upload(
            &sandbox,
            &admin,
            "/api/v1/imports/people",
            "text/plain",
            b"x".to_vec(),
        )
        .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("format_required"))
        );
        sandbox.stop().await;
    }
}

/// Records a session of `hours` for each of `people`, or panics.
async fn trained(sandbox: &Sandbox, token: &str, held_on: &str, people: &[&String], hours: f64) {
    let attendance: Vec<Value> = people
        .iter()
        .map(|p| json!({ "person_id": p, "hours": hours }))
        .collect();
    let (status, body) = post(
        sandbox,
        token,
        "/api/v1/training-sessions",
        json!({
            "division_code": TOWNSHIP, "topic": "执法培训", "kind": "in_person", "held_on": held_on,
            "attendance": attendance,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Records an exam of `kind` held on `held_on` with each (person, score), or panics.
async fn examined(
    sandbox: &Sandbox,
    token: &str,
    kind: &str,
    held_on: &str,
    scores: &[(&String, f64)],
) {
    let results: Vec<Value> = scores
        .iter()
        .map(|(p, s)| json!({ "person_id": p, "score": s }))
        .collect();
    let (status, body) = post(sandbox, token, "/api/v1/exams", json!({
        "division_code": TOWNSHIP, "kind": kind, "title": kind, "held_on": held_on, "results": results,
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// The figures of one year of the township: (holders, suspended, review takers, review passed).
async fn year_figures(sandbox: &Sandbox, token: &str, year: i32) -> (i64, i64, i64, i64) {
    let stats: Value = sandbox
        .get_as(
            token,
            &format!("/api/v1/training/stats?division={TOWNSHIP}&year={year}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let n = |key: &str| {
        stats[key]
            .as_i64()
            .unwrap_or_else(|| panic!("{key}: {stats}"))
    };
    (
        n("certificate_holders"),
        n("certificate_holders_suspended"),
        n("annual_review_takers"),
        n("annual_review_passed"),
    )
}

/// A township's years built through REST — a qualification round, the
/// review the next year with a January retake and make-up training, a
/// transfer and a revocation for misconduct — and each year's figures
/// checked against what the test itself recorded, never against the
/// service's own answers.
#[tokio::test]
async fn a_townships_years_are_counted_from_their_dated_history() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let admin = sandbox
            .account("county.years", &["county_overseer"], COUNTY)
            .await;
        let mut people = Vec::new();
        for n in 200..204 {
            people.push(person(&sandbox, &admin, n, false, "civil_servant").await);
        }
        let [a, b, c, d] = [&people[0], &people[1], &people[2], &people[3]];

        // 2022: 岗前培训, the qualification exam, four certificates.
        trained(&sandbox, &admin, "2022-03-10", &[a, b, c, d], 8.0).await;
        examined(
            &sandbox,
            &admin,
            "qualification",
            "2022-03-20",
            &[(a, 90.0), (b, 90.0), (c, 90.0), (d, 90.0)],
        )
        .await;
        let mut certificates = Vec::new();
        for (i, p) in [a, b, c, d].into_iter().enumerate() {
            let (status, body) = post(
                &sandbox,
                &admin,
                "/api/v1/certificates",
                json!({
                    "person_id": p, "number": format!("豫执年{i}"), "issued_on": "2022-04-01",
                }),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            certificates.push(body["id"].as_str().unwrap().to_owned());
        }

        // 2023: 60 学时 for a, b, c and 30 for d; b fails the annual-review exam.
        trained(&sandbox, &admin, "2023-05-10", &[a, b, c], 20.0).await;
        trained(&sandbox, &admin, "2023-06-10", &[a, b, c], 20.0).await;
        trained(&sandbox, &admin, "2023-07-10", &[a, b, c, d], 20.0).await;
        trained(&sandbox, &admin, "2023-08-10", &[d], 10.0).await;
        examined(
            &sandbox,
            &admin,
            "annual_review",
            "2023-11-20",
            &[(a, 80.0), (b, 50.0), (c, 80.0), (d, 80.0)],
        )
        .await;
        let review = |on: &str| json!({ "division_code": TOWNSHIP, "year": 2023, "on": on });
        let (status, first) = post(
            &sandbox,
            &admin,
            "/api/v1/annual-reviews",
            review("2023-12-20"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let suspended: Vec<&str> = first["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["outcome"] == "suspended")
            .map(|x| x["person_id"].as_str().unwrap())
            .collect();
        assert_eq!(suspended.len(), 2, "b (exam) and d (hours): {first}");

        // January 2024: d makes up 30 学时, then b and d pass the retake.
        trained(&sandbox, &admin, "2024-01-08", &[d], 15.0).await;
        trained(&sandbox, &admin, "2024-01-10", &[d], 15.0).await;
        examined(
            &sandbox,
            &admin,
            "annual_review",
            "2024-01-15",
            &[(b, 75.0), (d, 75.0)],
        )
        .await;
        // Dated before the suspensions it would lift: refused, nothing written.
        let (status, early) = post(
            &sandbox,
            &admin,
            "/api/v1/annual-reviews",
            review("2023-12-10"),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{early}");
        assert_eq!(early["code"], "date_out_of_range", "{early}");
        let (status, retaken) = post(
            &sandbox,
            &admin,
            "/api/v1/annual-reviews",
            review("2024-01-20"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{retaken}");
        assert!(
            retaken["decisions"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["outcome"] == "passed"),
            "both reinstated: {retaken}"
        );

        // 2024: c is transferred away, a's certificate is revoked for misconduct.
        let (status, moved) = post(
            &sandbox,
            &admin,
            &format!("/api/v1/people/{c}/transfer"),
            json!({
                "division_code": OTHER_TOWNSHIP, "version": 1, "on": "2024-05-01",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        let a_certificate: Value = sandbox
            .get_as(&admin, &format!("/api/v1/certificates/{}", certificates[0]))
            .await
            .json()
            .await
            .unwrap();
        let (status, revoked) = post(
            &sandbox,
            &admin,
            &format!("/api/v1/certificates/{}/revoke", certificates[0]),
            json!({
                "version": a_certificate["version"], "on": "2024-06-01",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{revoked}");

        // Each year as the test recorded it:
        // 2022 — four holders, none suspended, no annual-review exam held.
        assert_eq!(
            year_figures(&sandbox, &admin, 2022).await,
            (4, 0, 0, 0),
            "{backend:?} 2022"
        );
        // 2023 — on 31 December b and d were suspended but still held; all four sat the
        // exam; the review of 2023 ended passed for all four (two by the January retake).
        assert_eq!(
            year_figures(&sandbox, &admin, 2023).await,
            (4, 2, 4, 4),
            "{backend:?} 2023"
        );
        // 2024 — a revoked, c gone with a cancelled certificate: b and d hold theirs;
        // b and d sat the January retake; no review of 2024 has been run.
        assert_eq!(
            year_figures(&sandbox, &admin, 2024).await,
            (2, 0, 2, 0),
            "{backend:?} 2024"
        );

        // The answers agree with the history: why a and c are not certified.
        for (who, on, reason) in [(a, "2024-06-02", "revoked"), (c, "2024-05-02", "cancelled")] {
            let answer: Value = sandbox
                .get_as(&admin, &format!("/api/v1/people/{who}/certified?on={on}"))
                .await
                .json()
                .await
                .unwrap();
            assert_eq!(answer["reason"], reason, "{answer}");
        }
        // A revocation for misconduct bars a new certificate for two years.
        examined(
            &sandbox,
            &admin,
            "qualification",
            "2024-09-01",
            &[(a, 95.0)],
        )
        .await;
        trained(&sandbox, &admin, "2024-09-05", &[a], 8.0).await;
        let (status, barred) = post(
            &sandbox,
            &admin,
            "/api/v1/certificates",
            json!({
                "person_id": a, "number": "豫执年9", "issued_on": "2024-09-10",
            }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{barred}");
        assert_eq!(barred["code"], "reissue_barred");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_rank_level_decides_section_level_and_reads_back() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let admin = sandbox
        .account("county.ranks", &["county_overseer"], COUNTY)
        .await;
    let (status, deputy) = post(
        &sandbox,
        &admin,
        "/api/v1/people",
        json!({
            "division_code": TOWNSHIP, "name": "王副科", "id_number": id_number(300),
            "unit": "老城镇人民政府", "employment": "civil_servant", "rank": "副镇长",
            "rank_level": "deputy_section", "enforcement_post": true,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{deputy}");
    assert_eq!(
        (&deputy["rank_level"], &deputy["section_level"]),
        (&json!("deputy_section"), &json!(true))
    );
    let read: Value = sandbox
        .get_as(
            &admin,
            &format!("/api/v1/people/{}", deputy["id"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["rank_level"], "deputy_section", "{read}");
    let (status, problem) = post(
        &sandbox,
        &admin,
        "/api/v1/people",
        json!({
            "division_code": TOWNSHIP, "name": "李四", "id_number": id_number(301),
            "unit": "综合行政执法大队", "employment": "civil_servant", "rank_level": "chief",
        }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(
        (&problem["code"], &problem["field"]),
        (&json!("unknown_code"), &json!("rank_level"))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_certificate_covers_its_area_and_categories_and_nothing_else() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let admin = sandbox
        .account("county.competence", &["county_overseer"], COUNTY)
        .await;
    let officer = person(&sandbox, &admin, 400, false, "civil_servant").await;
    examined(
        &sandbox,
        &admin,
        "qualification",
        "2026-01-10",
        &[(&officer, 88.0)],
    )
    .await;
    trained(&sandbox, &admin, "2026-01-20", &[&officer], 8.0).await;
    let issue = |areas: Value, categories: Value| {
        json!({
            "person_id": officer, "number": "豫执4116249400", "issued_on": "2026-03-01",
            "areas": areas, "categories": categories,
        })
    };
    // An area beyond the holder's township, or a category not in the list, is refused.
    for (body, status, code, field) in [
        (
            issue(json!([OTHER_TOWNSHIP]), json!(["comprehensive"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "area_outside_division",
            "areas",
        ),
        (
            issue(json!([TOWNSHIP]), json!(["police"])),
            StatusCode::BAD_REQUEST,
            "unknown_code",
            "categories",
        ),
        (
            issue(json!([TOWNSHIP]), json!(["transport", "transport"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "duplicate_value",
            "categories",
        ),
    ] {
        let (got, problem) = post(&sandbox, &admin, "/api/v1/certificates", body).await;
        assert_eq!(got, status, "{problem}");
        assert_eq!(
            (&problem["code"], &problem["field"]),
            (&json!(code), &json!(field))
        );
    }
    let (status, certificate) = post(
        &sandbox,
        &admin,
        "/api/v1/certificates",
        issue(
            json!([TOWNSHIP]),
            json!(["comprehensive", "housing_construction"]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{certificate}");
    assert_eq!(certificate["areas"], json!([TOWNSHIP]));
    assert_eq!(
        certificate["categories"],
        json!(["comprehensive", "housing_construction"])
    );
    let asked = |query: &str| {
        let path = format!("/api/v1/people/{officer}/certified?on=2026-06-01{query}");
        let sandbox = &sandbox;
        let admin = &admin;
        async move {
            let response = sandbox.get_as(admin, &path).await;
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    for (query, certified, reason) in [
        ("", true, ""),
        (
            &format!("&division={TOWNSHIP}&category=housing_construction") as &str,
            true,
            "",
        ),
        (
            &format!("&division={OTHER_TOWNSHIP}"),
            false,
            "outside_area",
        ),
        ("&category=transport", false, "outside_category"),
    ] {
        let (status, answer) = asked(query).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        // A certified answer has no reason at all (never an empty one).
        let reason = if reason.is_empty() {
            Value::Null
        } else {
            json!(reason)
        };
        assert_eq!(
            (&answer["certified"], &answer["reason"]),
            (&json!(certified), &reason),
            "{query}: {answer}"
        );
    }
    let (status, problem) = asked("&category=police").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["field"], "category");
    let (status, problem) = asked("&division=12").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["field"], "division");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_years_head_count_leaves_out_people_who_joined_after_it() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let admin = sandbox
        .account("county.joined", &["county_overseer"], COUNTY)
        .await;
    let veteran = person(&sandbox, &admin, 500, false, "civil_servant").await;
    let new_officer = |joined_on: &str| {
        json!({
            "division_code": TOWNSHIP, "name": "新到岗", "id_number": id_number(501),
            "unit": "老城镇综合行政执法大队", "employment": "civil_servant",
            "enforcement_post": true, "joined_on": joined_on,
        })
    };
    let (status, problem) = post(
        &sandbox,
        &admin,
        "/api/v1/people",
        new_officer("2099-01-01"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(
        (&problem["code"], &problem["field"]),
        (&json!("date_in_future"), &json!("joined_on"))
    );
    let (status, recruit) = post(
        &sandbox,
        &admin,
        "/api/v1/people",
        new_officer("2025-06-01"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{recruit}");
    assert_eq!(recruit["joined_on"], "2025-06-01");
    let recruit = recruit["id"].as_str().unwrap().to_owned();
    trained(&sandbox, &admin, "2024-05-01", &[&veteran], 10.0).await;
    trained(&sandbox, &admin, "2025-07-01", &[&recruit], 20.0).await;
    // Counted from the inputs: 2024 has the veteran alone (10 学时 each);
    // 2025 both, 20 学时 between two.
    for (year, people, hours_per_person) in [(2024, 1, 10.0), (2025, 2, 10.0)] {
        let stats: Value = sandbox
            .get_as(
                &admin,
                &format!("/api/v1/training/stats?division={TOWNSHIP}&year={year}"),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (
                &stats["people"],
                &stats["enforcement_staff"],
                &stats["training_hours_per_person"]
            ),
            (&json!(people), &json!(people), &json!(hours_per_person)),
            "{year}: {stats}"
        );
    }
    sandbox.stop().await;
}
