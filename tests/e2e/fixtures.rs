//! The end-to-end suite's fixtures: what many tests stand on — a certified
//! officer, the township's power item, a township ready for cases, a lead,
//! a filed case, a dispatched complaint — built through the API as a
//! township would, so each test says only what it is about.

use fazhi_e2e::{COUNTY, Sandbox, TOWNSHIP, complaint_body};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::authorization::id_number;

/// `POST {path}` with `body` as `token`: the status and the JSON answer.
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

pub(crate) async fn get(sandbox: &Sandbox, token: &str, path: &str) -> (StatusCode, Value) {
    let response = sandbox.get_as(token, path).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// An officer of the township, certified from 2025-04-01 for comprehensive
/// enforcement there (unless `certified` is false).
pub(crate) async fn officer(sandbox: &Sandbox, county: &str, n: usize, certified: bool) -> String {
    let (status, person) = post(
        sandbox,
        county,
        "/api/v1/people",
        json!({
            "division_code": TOWNSHIP, "name": format!("执法队员{n}"), "id_number": id_number(700 + n),
            "unit": "老城镇综合行政执法大队", "employment": "civil_servant", "enforcement_post": true,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{person}");
    let id = person["id"].as_str().unwrap().to_owned();
    if certified {
        for (path, body) in [
            (
                "/api/v1/exams",
                json!({
                    "division_code": TOWNSHIP, "kind": "qualification", "title": "执法资格考试",
                    "held_on": "2025-03-01", "results": [{ "person_id": id, "score": 86 }],
                }),
            ),
            (
                "/api/v1/training-sessions",
                json!({
                    "division_code": TOWNSHIP, "topic": "岗前培训", "kind": "in_person",
                    "held_on": "2025-03-10", "attendance": [{ "person_id": id, "hours": 8 }],
                }),
            ),
            (
                "/api/v1/certificates",
                json!({ "person_id": id, "number": format!("豫执411624{n:04}"), "issued_on": "2025-04-01" }),
            ),
        ] {
            let (status, body) = post(sandbox, county, path, body).await;
            assert_eq!(status, StatusCode::CREATED, "{path}: {body}");
        }
    }
    id
}

/// The township's item for building without a rural planning permit.
pub(crate) fn power_item(code: &str, holders: Value) -> Value {
    json!({
        "code": code, "name": "对未取得乡村建设规划许可证进行建设的行政处罚",
        "legal_basis": "《中华人民共和国城乡规划法》第六十五条", "kind": "penalty", "source": "own",
        "category": "comprehensive", "effective_from": "2022-01-01", "holders": holders,
    })
}

/// A township ready for cases: the power item recorded by the county, the
/// township's leader, and two officers certified there (numbered from
/// `first`).
pub(crate) struct Township {
    pub(crate) leader: String,
    pub(crate) officers: Vec<String>,
}

pub(crate) async fn township(sandbox: &Sandbox, name: &str, first: usize) -> Township {
    let county = sandbox
        .account(&format!("county.{name}"), &["county_overseer"], COUNTY)
        .await;
    let leader = sandbox
        .account(&format!("{name}.leader"), &["leader"], TOWNSHIP)
        .await;
    let (status, item) = post(
        sandbox,
        &county,
        "/api/v1/power-items",
        power_item("330217001000", json!([TOWNSHIP])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let mut officers = Vec::new();
    for n in [first, first + 1] {
        officers.push(officer(sandbox, &county, n, true).await);
    }
    Township { leader, officers }
}

pub(crate) fn lead() -> Value {
    json!({
        "division_code": TOWNSHIP, "source": "inspection",
        "party": { "kind": "person", "name": "王五", "id_number": id_number(799) },
        "facts": "在西关村耕地上未经许可建房", "act_on": "2026-01-10", "continuing": true,
        "discovered_on": "2026-02-01",
    })
}

/// A lead of `t`'s township recorded and filed by its leader on `on`, with
/// its two certified officers under the township's power item; its id.
pub(crate) async fn filed_case(
    sandbox: &Sandbox,
    t: &Township,
    mut lead: Value,
    on: &str,
) -> String {
    let (status, case) = post(sandbox, &t.leader, "/api/v1/cases", lead.take()).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    let (status, filed) = post(
        sandbox,
        &t.leader,
        &format!("/api/v1/cases/{id}/file"),
        json!({
            "version": 1, "power_item_code": "330217001000", "officer_ids": t.officers, "on": on,
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    id
}

/// A complaint of the township taken in by `token` and dispatched to
/// `unit`; its id.
pub(crate) async fn dispatched_complaint(sandbox: &Sandbox, token: &str, unit: &str) -> String {
    let (status, created) = post(sandbox, token, "/api/v1/complaints", complaint_body()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, dispatched) = post(
        sandbox,
        token,
        &format!("/api/v1/complaints/{id}/dispatch"),
        json!({ "version": created["version"], "unit": unit }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{dispatched}");
    id
}

/// A case filed on Tuesday 3 March 2026, and a way to take its steps, each
/// at the version the case is at.
pub(crate) struct FiledCase<'a> {
    sandbox: &'a Sandbox,
    leader: String,
    pub(crate) id: String,
    version: i64,
}

impl FiledCase<'_> {
    pub(crate) async fn filed<'a>(
        sandbox: &'a Sandbox,
        t: &Township,
        party: usize,
    ) -> FiledCase<'a> {
        let mut body = lead();
        body["discovered_on"] = "2026-03-01".into();
        body["party"]["id_number"] = crate::authorization::id_number(party).into();
        let (status, case) = post(sandbox, &t.leader, "/api/v1/cases", body).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        let mut case = FiledCase {
            sandbox,
            leader: t.leader.clone(),
            id: case["id"].as_str().unwrap().to_owned(),
            version: 1,
        };
        let filing = json!({ "power_item_code": "330217001000", "officer_ids": t.officers, "on": "2026-03-03" });
        case.ok("file", filing).await;
        case
    }

    /// A lead recorded already (at version 1), filed with `filing`.
    pub(crate) async fn from_lead<'a>(
        sandbox: &'a Sandbox,
        t: &Township,
        id: &str,
        filing: Value,
    ) -> FiledCase<'a> {
        let mut case = FiledCase {
            sandbox,
            leader: t.leader.clone(),
            id: id.to_owned(),
            version: 1,
        };
        case.ok("file", filing).await;
        case
    }

    pub(crate) async fn take(&mut self, step: &str, mut body: Value) -> (StatusCode, Value) {
        body["version"] = self.version.into();
        let path = format!("/api/v1/cases/{}/{step}", self.id);
        let (status, answer) = post(self.sandbox, &self.leader, &path, body).await;
        if status == StatusCode::OK {
            self.version = answer["version"].as_i64().unwrap();
        }
        (status, answer)
    }

    pub(crate) async fn ok(&mut self, step: &str, body: Value) -> Value {
        let (status, answer) = self.take(step, body).await;
        assert_eq!(status, StatusCode::OK, "{step}: {answer}");
        answer
    }

    pub(crate) async fn refused(&mut self, step: &str, body: Value, code: &str) {
        let (status, answer) = self.take(step, body).await;
        assert_eq!(
            (status.is_client_error(), answer["code"].as_str()),
            (true, Some(code)),
            "{step}: {answer}"
        );
    }
}
