//! The second outside attack's findings on reports about enforcement
//! conduct and pushed tickets, each replayed: a report never reaches nor is
//! changed by the unit or officer it names, nor through anything derived
//! from it; a pushed ticket is re-pushed only by its pusher; the desk's
//! steps are never the handling unit's alone.

use std::time::Duration;

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::complaint_push::{push, ticket};

const VILLAGE: &str = "411624100201";

async fn get(sandbox: &Sandbox, token: &str, path: &str) -> (StatusCode, Value) {
    let response = sandbox.get_as(token, path).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn step(
    sandbox: &Sandbox,
    token: &str,
    id: &str,
    step: &str,
    mut body: Value,
) -> (StatusCode, Value) {
    let (_, now) = get(sandbox, &sandbox.token, &format!("/api/v1/complaints/{id}")).await;
    body["version"] = now["version"].clone();
    let response = sandbox
        .post_as(token, &format!("/api/v1/complaints/{id}/{step}"), &body)
        .await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Files a report about enforcement conduct naming `field` = `named`, as
/// `token`; its id.
async fn report(sandbox: &Sandbox, token: &str, field: &str, named: &str) -> String {
    let mut body = complaint_body();
    body["category"] = "enforcement_conduct".into();
    body[field] = named.into();
    let created: Value = sandbox
        .post_as(token, "/api/v1/complaints", &body)
        .await
        .json()
        .await
        .unwrap();
    created["id"]
        .as_str()
        .expect("the report is filed")
        .to_owned()
}

fn report_ticket(external_id: &str) -> Value {
    let mut report = ticket(external_id, "执法队员李某违规收取罚款");
    report["category"] = "enforcement_conduct".into();
    report["type"] = "report".into();
    report["concerns_unit"] = TOWNSHIP.into();
    report
}

fn outcome(answer: &Value) -> (String, String) {
    let r = &answer["results"][0];
    (
        r["outcome"].as_str().unwrap_or_default().to_owned(),
        r["code"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn the_named_unit_cannot_rewrite_the_report_about_it_by_pushing_it_again() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let platform = sandbox.account("county.12345", &["staff"], COUNTY).await;
        let named = sandbox.account("named.staff", &["staff"], TOWNSHIP).await;
        let (_, first) = push(&sandbox, &platform, vec![report_ticket("R-1")]).await;
        assert_eq!(outcome(&first).0, "created", "{first}");
        let id = first["results"][0]["id"].as_str().unwrap().to_owned();

        let mut rewritten = report_ticket("R-1");
        rewritten["content"] = "此举报不实，已核实".into();
        rewritten["category"] = "other".into();
        rewritten.as_object_mut().unwrap().remove("concerns_unit");
        let (_, answer) = push(&sandbox, &named, vec![rewritten]).await;
        assert_eq!(
            outcome(&answer),
            ("rejected".into(), "ticket_not_yours".into()),
            "{answer}"
        );
        assert!(answer["results"][0].get("id").is_none(), "{answer}");
        let (_, kept) = get(&sandbox, &platform, &format!("/api/v1/complaints/{id}")).await;
        assert_eq!(
            (kept["content"].as_str(), kept["category"].as_str()),
            (
                Some("执法队员李某违规收取罚款"),
                Some("enforcement_conduct")
            )
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn township_staff_cannot_move_a_county_ticket_and_a_push_tells_nothing_of_other_townships() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let platform = sandbox.account("county.12345", &["staff"], COUNTY).await;
        let own = sandbox.account("own.staff", &["staff"], TOWNSHIP).await;
        let other = sandbox
            .account("other.staff", &["staff"], OTHER_TOWNSHIP)
            .await;
        let (_, first) = push(&sandbox, &platform, vec![ticket("C-1", "违法建房")]).await;
        let id = first["results"][0]["id"].as_str().unwrap().to_owned();

        // The township the ticket is for cannot move its times.
        let mut moved = ticket("C-1", "违法建房");
        moved["received_at"] = "2026-11-03T09:30:00+08:00".into();
        moved["due_at"] = "2027-06-30T18:00:00+08:00".into();
        let (_, in_own) = push(&sandbox, &own, vec![moved.clone()]).await;
        let (_, recorded) = get(&sandbox, &platform, &format!("/api/v1/complaints/{id}")).await;
        assert_eq!(recorded["reply_due"], "2026-11-20T18:00:00+08:00");
        // Another township pushing the same id gets the very same answer:
        // nothing tells it where the ticket is.
        moved["division_code"] = OTHER_TOWNSHIP.into();
        let (_, in_other) = push(&sandbox, &other, vec![moved]).await;
        assert_eq!(
            outcome(&in_own),
            ("rejected".into(), "ticket_not_yours".into())
        );
        assert_eq!(
            in_own["results"], in_other["results"],
            "{in_own} / {in_other}"
        );

        // Nor does the platform itself move a due date to 2099.
        let mut far = ticket("C-2", "x");
        far["due_at"] = "2099-12-31T18:00:00+08:00".into();
        let (_, answer) = push(&sandbox, &platform, vec![far]).await;
        assert_eq!(
            outcome(&answer),
            ("rejected".into(), "invalid_time_range".into())
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn an_officer_is_named_whatever_the_case_or_width_of_his_name() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("county.desk", &["staff"], COUNTY).await;
        let officer = sandbox.account("a.officer", &["officer"], TOWNSHIP).await;
        for written in ["A.Officer", "ａ.officer"] {
            let id = report(&sandbox, &desk, "concerns_officer", written).await;
            let id = id.as_str();
            let (status, _) = get(&sandbox, &officer, &format!("/api/v1/complaints/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{written}");
            let (_, listed) = get(&sandbox, &officer, "/api/v1/complaints").await;
            assert!(!listed.to_string().contains(id), "{written}: {listed}");
        }
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_report_naming_the_county_is_read_by_the_county_and_its_administrator() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let overseer = sandbox
            .account("county.overseer", &["county_overseer"], COUNTY)
            .await;
        let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let township = sandbox.account("t.staff", &["staff"], TOWNSHIP).await;
        let id = report(&sandbox, &sandbox.token, "concerns_unit", COUNTY).await;
        for (who, token, seen) in [
            ("the overseer", &overseer, StatusCode::OK),
            ("the administrator", &admin, StatusCode::OK),
            (
                "a township within the county named",
                &township,
                StatusCode::NOT_FOUND,
            ),
        ] {
            let (status, _) = get(&sandbox, token, &format!("/api/v1/complaints/{id}")).await;
            assert_eq!(status, seen, "{who}");
        }
        let (_, listed) = get(
            &sandbox,
            &admin,
            &format!("/api/v1/complaints?division={COUNTY}"),
        )
        .await;
        assert!(listed.to_string().contains(&id), "{listed}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn the_lead_escalated_from_a_report_goes_to_the_county_never_to_the_unit_it_names() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("county.desk", &["staff"], COUNTY).await;
        let named = sandbox
            .account("named.officer", &["officer", "staff"], TOWNSHIP)
            .await;
        let mut report = complaint_body();
        report["category"] = "enforcement_conduct".into();
        report["concerns_unit"] = TOWNSHIP.into();
        report["content"] = "执法队员在西关村拆违时索要好处费".into();
        let created: Value = sandbox
            .post_as(&desk, "/api/v1/complaints", &report)
            .await
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        let (status, escalated) = step(
            &sandbox,
            &desk,
            &id,
            "escalate",
            json!({ "party": { "kind": "person", "name": "王五" }, "act_on": "2025-06-01", "continuing": true }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{escalated}");
        let mut lead_id = None;
        for _ in 0..200 {
            let (_, now) = get(&sandbox, &desk, &format!("/api/v1/complaints/{id}")).await;
            if let Some(lead) = now["handling"]["lead_id"].as_str() {
                lead_id = Some(lead.to_owned());
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let lead_id = lead_id.expect("the lead is delivered");
        let (_, lead) = get(&sandbox, &desk, &format!("/api/v1/cases/{lead_id}")).await;
        assert_eq!(lead["division_code"], COUNTY, "{lead}");
        let (status, _) = get(&sandbox, &named, &format!("/api/v1/cases/{lead_id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, cases) = get(&sandbox, &named, "/api/v1/cases").await;
        assert!(!cases.to_string().contains("索要好处费"), "{cases}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_village_handling_a_complaint_never_takes_the_desks_steps() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("desk.staff", &["staff"], TOWNSHIP).await;
        let village = sandbox.account("village.staff", &["staff"], VILLAGE).await;
        let id = crate::fixtures::dispatched_complaint(&sandbox, &desk, VILLAGE).await;
        // Handed off without ever signing for it: refused.
        let (status, problem) = step(
            &sandbox,
            &village,
            &id,
            "hand-off",
            json!({ "to": "court", "note": "建议起诉" }),
        )
        .await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("not_desk")),
            "{problem}"
        );
        for (name, body) in [
            ("accept", json!({})),
            ("reply", json!({ "text": "已责令停工并拆除" })),
        ] {
            let (status, answer) = step(&sandbox, &village, &id, name, body).await;
            assert_eq!(status, StatusCode::OK, "{name}: {answer}");
        }
        // The village records neither the follow-up of its own reply nor the close.
        for (name, body) in [
            (
                "follow-up",
                json!({ "resolved": true, "satisfaction": "satisfied" }),
            ),
            ("close", json!({})),
            (
                "escalate",
                json!({ "party": { "kind": "person", "name": "王五" }, "act_on": "2025-06-01", "continuing": true }),
            ),
        ] {
            let (status, problem) = step(&sandbox, &village, &id, name, body).await;
            assert_eq!(
                (status, problem["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("not_desk")),
                "{name}: {problem}"
            );
        }
        // The desk does.
        let (status, visited) = step(
            &sandbox,
            &desk,
            &id,
            "follow-up",
            json!({ "resolved": true, "satisfaction": "satisfied" }),
        )
        .await;
        assert_eq!(
            (status, visited["status"].as_str()),
            (StatusCode::OK, Some("visited")),
            "{visited}"
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_township_administrator_never_sees_the_county_unmask_a_report_about_the_township() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("county.desk", &["staff"], COUNTY).await;
        let county_admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let township_admin = sandbox
            .account("township.admin", &["admin"], TOWNSHIP)
            .await;
        let id = report(&sandbox, &desk, "concerns_unit", TOWNSHIP).await;
        let (status, revealed) = get(
            &sandbox,
            &desk,
            &format!("/api/v1/complaints/{id}?reveal=true"),
        )
        .await;
        assert_eq!(
            (status, revealed["complainant_name"].as_str()),
            (StatusCode::OK, Some("张三"))
        );

        let (_, township_log) = get(&sandbox, &township_admin, "/api/v1/audit-events").await;
        assert!(!township_log.to_string().contains(&id), "{township_log}");
        let (_, county_log) = get(&sandbox, &county_admin, "/api/v1/audit-events").await;
        assert!(county_log.to_string().contains(&id), "{county_log}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn an_account_is_linked_only_to_a_person_the_administrator_holds() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let county = sandbox
        .account("county.people", &["county_overseer"], COUNTY)
        .await;
    let admin = sandbox
        .account("township.admin", &["admin"], TOWNSHIP)
        .await;
    let mut person_ids = Vec::new();
    for (n, division) in [(1, TOWNSHIP), (2, OTHER_TOWNSHIP)] {
        let person: Value = sandbox
            .post_as(
                &county,
                "/api/v1/people",
                &json!({
                    "division_code": division, "name": format!("执法队员{n}"),
                    "id_number": crate::authorization::id_number(900 + n),
                    "unit": "综合行政执法大队", "employment": "civil_servant", "enforcement_post": true,
                }),
            )
            .await
            .json()
            .await
            .unwrap();
        person_ids.push(person["id"].as_str().expect("a person").to_owned());
    }
    let create = |username: &str, person: &str| {
        json!({
            "username": username, "password": "a long enough password", "roles": ["officer"],
            "division_code": TOWNSHIP, "person_id": person,
        })
    };
    let other = sandbox
        .post_as(
            &admin,
            "/api/v1/accounts",
            &create("linked.other", &person_ids[1]),
        )
        .await;
    let status = other.status();
    let problem: Value = other.json().await.unwrap();
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("person_id")),
        "{problem}"
    );
    let own = sandbox
        .post_as(
            &admin,
            "/api/v1/accounts",
            &create("linked.own", &person_ids[0]),
        )
        .await;
    assert_eq!(own.status(), StatusCode::CREATED);
    sandbox.stop().await;
}
