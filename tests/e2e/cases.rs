//! Enforcement cases through REST: the power list, a lead, filing with two
//! certified officers (the training service asked for each), the steps
//! refused by rule, and a history that names the row changed behind its back.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::authorization::id_number;
use crate::fixtures::{Township, get, lead, officer, post, power_item, township};

/// A legal reviewer of the township on record, holding the legal
/// professional qualification when `qualification` names its certificate.
async fn reviewer_person(
    sandbox: &Sandbox,
    county: &str,
    n: usize,
    qualification: Option<&str>,
) -> String {
    let mut body = json!({
        "division_code": TOWNSHIP, "name": format!("法制审核员{n}"), "id_number": id_number(700 + n),
        "unit": "老城镇司法所", "employment": "civil_servant",
    });
    if let Some(number) = qualification {
        body["legal_qualification"] = number.into();
    }
    let (status, person) = post(sandbox, county, "/api/v1/people", body).await;
    assert_eq!(status, StatusCode::CREATED, "{person}");
    assert_eq!(
        person.get("legal_qualification").and_then(Value::as_str),
        qualification
    );
    person["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_lead_is_filed_by_two_certified_officers_and_its_history_holds() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let county = sandbox
            .account("county.cases", &["county_overseer"], COUNTY)
            .await;
        let leader = sandbox
            .account("township.leader", &["leader"], TOWNSHIP)
            .await;
        let staff = sandbox
            .account("township.staff", &["staff"], TOWNSHIP)
            .await;

        let (status, item) = post(
            &sandbox,
            &county,
            "/api/v1/power-items",
            power_item("330217001000", json!([TOWNSHIP])),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        let (status, taken) = post(
            &sandbox,
            &county,
            "/api/v1/power-items",
            power_item("330217001000", json!([TOWNSHIP])),
        )
        .await;
        assert_eq!(
            (status, &taken["code"]),
            (StatusCode::CONFLICT, &json!("power_item_code_exists"))
        );
        let (status, elsewhere) = post(
            &sandbox,
            &county,
            "/api/v1/power-items",
            power_item("330217002000", json!([OTHER_TOWNSHIP])),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{elsewhere}");
        let (_, listed) = get(&sandbox, &leader, "/api/v1/power-items").await;
        let codes: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            ["330217001000"],
            "a township lists the items it holds"
        );

        let first = officer(&sandbox, &county, 1, true).await;
        let second = officer(&sandbox, &county, 2, true).await;
        let uncertified = officer(&sandbox, &county, 3, false).await;

        let (status, case) = post(&sandbox, &staff, "/api/v1/cases", lead()).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        assert_eq!(case["status"], "lead");
        assert!(
            case["party"]["name"].as_str().unwrap().contains('*'),
            "a person's name leaves masked"
        );
        let id = case["id"].as_str().unwrap().to_owned();
        let file = |officers: Vec<&String>, code: &str| json!({ "version": 1, "power_item_code": code, "officer_ids": officers, "on": "2026-02-05" });
        let path = format!("/api/v1/cases/{id}/file");
        for (body, status, code) in [
            (
                file(vec![&first], "330217001000"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "too_few_officers",
            ),
            (
                file(vec![&first, &uncertified], "330217001000"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "officer_not_certified",
            ),
            (
                file(vec![&first, &second], "330217002000"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "power_not_held",
            ),
            (
                file(vec![&first, &second], "999"),
                StatusCode::BAD_REQUEST,
                "unknown_power_item",
            ),
        ] {
            let (got, problem) = post(&sandbox, &leader, &path, body).await;
            assert_eq!((got, &problem["code"]), (status, &json!(code)), "{problem}");
        }
        // Staff record leads; filing is the leader's (立案审批).
        let (status, _) = post(
            &sandbox,
            &staff,
            &path,
            file(vec![&first, &second], "330217001000"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, filed) = post(
            &sandbox,
            &leader,
            &path,
            file(vec![&first, &second], "330217001000"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{filed}");
        assert_eq!(
            (
                &filed["status"],
                &filed["category"],
                &filed["filed_on"],
                &filed["version"]
            ),
            (
                &json!("filed"),
                &json!("comprehensive"),
                &json!("2026-02-05"),
                &json!(2)
            )
        );
        let (status, stale) = post(
            &sandbox,
            &leader,
            &path,
            file(vec![&first, &second], "330217001000"),
        )
        .await;
        assert_eq!(
            (status, &stale["code"]),
            (StatusCode::CONFLICT, &json!("version_conflict"))
        );

        let (_, history) = get(&sandbox, &staff, &format!("/api/v1/cases/{id}/history")).await;
        let events = history["events"].as_array().unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["lead_recorded", "filed"]);
        assert_eq!(events[1]["prev_hash"], events[0]["hash"]);
        let (_, verified) = get(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/history/verify"),
        )
        .await;
        assert_eq!(verified, json!({ "intact": true, "events": 2 }));

        // Someone with the database's keys changes the filing behind the API's back.
        let store = fazhi_cases::store::Store::open(
            sandbox.settings.cases.database_url.as_deref(),
            &sandbox.settings.data_dir,
        )
        .await
        .unwrap();
        let pool = store.database().pool();
        let refused =
            sqlx::query("UPDATE case_events SET actor = 'someone' WHERE case_id = $1 AND seq = 2")
                .bind(id.clone())
                .execute(pool)
                .await;
        assert!(refused.is_err(), "the history refuses UPDATE");
        let drop_triggers: &[&str] = match backend {
            fazhi_e2e::Backend::Sqlite => &[
                "DROP TRIGGER case_events_no_update",
                "DROP TRIGGER case_events_no_delete",
            ],
            fazhi_e2e::Backend::Postgres => {
                &["DROP TRIGGER case_events_append_only ON case_events"]
            }
        };
        for sql in drop_triggers {
            sqlx::query(sqlx::AssertSqlSafe(*sql))
                .execute(pool)
                .await
                .unwrap();
        }
        sqlx::query(
            "UPDATE case_events SET detail = '{\"officer_ids\":[]}' WHERE case_id = $1 AND seq = 2",
        )
        .bind(id.clone())
        .execute(pool)
        .await
        .unwrap();
        let (_, verified) = get(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/history/verify"),
        )
        .await;
        assert_eq!(
            verified,
            json!({ "intact": false, "events": 2, "first_broken_seq": 2, "reason": "its content does not match its hash" })
        );
        // Recomputing the hash does not help without the history key, kept
        // outside the database: neither a plain hash nor one under a guess.
        let mut forged = store.events(&id).await.unwrap()[1].clone();
        for hash in [
            forged.unkeyed_hash(),
            forged.keyed_hash(&fazhi_cases::domain::HistoryKey::new("a guess")),
        ] {
            forged.hash = hash;
            sqlx::query("UPDATE case_events SET hash = $1 WHERE case_id = $2 AND seq = 2")
                .bind(forged.hash.clone())
                .bind(id.clone())
                .execute(pool)
                .await
                .unwrap();
            let (_, verified) = get(
                &sandbox,
                &staff,
                &format!("/api/v1/cases/{id}/history/verify"),
            )
            .await;
            assert_eq!(
                (&verified["intact"], &verified["first_broken_seq"]),
                (&json!(false), &json!(2)),
                "{verified}"
            );
        }
        // Nor does moving the case row away from its history go unseen.
        let other = post(&sandbox, &staff, "/api/v1/cases", lead()).await.1;
        let other_id = other["id"].as_str().unwrap().to_owned();
        sqlx::query("UPDATE cases SET status = 'closed' WHERE id = $1")
            .bind(other_id.clone())
            .execute(pool)
            .await
            .unwrap();
        let (_, verified) = get(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{other_id}/history/verify"),
        )
        .await;
        assert_eq!(
            verified,
            json!({ "intact": false, "events": 1, "first_broken_seq": 1, "reason": "the case's status is not where its last event left it" })
        );
        store.database().close().await;
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_lead_past_the_limitation_period_or_from_a_complaint_twice_is_handled_by_rule() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let county = sandbox
        .account("county.limits", &["county_overseer"], COUNTY)
        .await;
    let leader = sandbox
        .account("limits.leader", &["leader"], TOWNSHIP)
        .await;
    let (status, _) = post(
        &sandbox,
        &county,
        "/api/v1/power-items",
        power_item("330217001000", json!([TOWNSHIP])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let first = officer(&sandbox, &county, 11, true).await;
    let second = officer(&sandbox, &county, 12, true).await;

    // Built in 2022 and pulled down in March 2023; found in 2026: past two years (Art. 36).
    let mut old = lead();
    old["act_on"] = "2022-05-01".into();
    old["act_ended_on"] = "2023-03-01".into();
    let (status, case) = post(&sandbox, &leader, "/api/v1/cases", old).await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let (status, problem) = post(
        &sandbox,
        &leader,
        &format!("/api/v1/cases/{}/file", case["id"].as_str().unwrap()),
        json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": [first, second], "on": "2026-02-05" }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("limitation_passed")
        ),
        "{problem}"
    );
    let (status, declined) = post(
        &sandbox,
        &leader,
        &format!("/api/v1/cases/{}/decline", case["id"].as_str().unwrap()),
        json!({ "version": 1, "reason": "违法行为已过行政处罚时效", "on": "2026-02-05" }),
    )
    .await;
    assert_eq!(
        (status, &declined["status"]),
        (StatusCode::OK, &json!("not_filed")),
        "{declined}"
    );
    let (_, summary) = get(
        &sandbox,
        &county,
        &format!("/api/v1/oversight/summary?division={TOWNSHIP}&year=2026"),
    )
    .await;
    assert_eq!(
        summary["cases"]["not_filed"], 1,
        "counted by the day it was declined: {summary}"
    );

    // A complaint escalated twice is one lead.
    let mut escalated = lead();
    escalated["source"] = "complaint".into();
    escalated["complaint_id"] = "c-0001".into();
    let (status, once) = post(&sandbox, &leader, "/api/v1/cases", escalated.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{once}");
    let (status, twice) = post(&sandbox, &leader, "/api/v1/cases", escalated).await;
    assert_eq!((status, &twice["id"]), (StatusCode::OK, &once["id"]));

    // Out of order: a lead cannot be terminated, nor a case filed twice.
    let (status, problem) = post(
        &sandbox,
        &leader,
        &format!("/api/v1/cases/{}/terminate", once["id"].as_str().unwrap()),
        json!({ "version": 1, "reason": "当事人死亡" }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::CONFLICT, &json!("invalid_transition")),
        "{problem}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_major_case_runs_from_lead_to_closure_through_every_step_the_law_requires() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let county = sandbox
            .account("county.major", &["county_overseer"], COUNTY)
            .await;
        let leader = sandbox.account("major.leader", &["leader"], TOWNSHIP).await;
        let staff = sandbox.account("major.staff", &["staff"], TOWNSHIP).await;
        let reviewer = sandbox
            .account("major.reviewer", &["legal_reviewer"], TOWNSHIP)
            .await;
        let (status, _) = post(
            &sandbox,
            &county,
            "/api/v1/power-items",
            power_item("330217001000", json!([TOWNSHIP])),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let first = officer(&sandbox, &county, 21, true).await;
        let second = officer(&sandbox, &county, 22, true).await;

        let mut body = lead();
        body["discovered_on"] = "2026-03-01".into();
        let (_, case) = post(&sandbox, &staff, "/api/v1/cases", body).await;
        let id = case["id"].as_str().unwrap().to_owned();
        let mut version = 1;
        // Each step answers the case as it now stands; a refusal leaves it as it was.
        let mut step =
            async |token: &str, name: &str, mut body: Value, expect: Result<&str, &str>| {
                body["version"] = version.into();
                let (status, answer) =
                    post(&sandbox, token, &format!("/api/v1/cases/{id}/{name}"), body).await;
                match expect {
                    Ok(state) => {
                        assert_eq!(
                            (status, &answer["status"]),
                            (StatusCode::OK, &json!(state)),
                            "{name}: {answer}"
                        );
                        version = answer["version"].as_i64().unwrap();
                    }
                    Err(code) => assert_eq!(&answer["code"], code, "{name}: {status} {answer}"),
                }
                answer
            };
        step(&leader, "file", json!({ "power_item_code": "330217001000", "officer_ids": [first, second], "on": "2026-03-03", "major": true }), Ok("filed")).await;
        // 20,000 yuan on a person: a hearing is offered and legal review required.
        let notified = step(
            &staff,
            "notify",
            json!({ "on": "2026-03-09", "penalty": { "fine_fen": 2_000_000 } }),
            Ok("notified"),
        )
        .await;
        assert_eq!(
            (
                &notified["proceedings"]["notice"]["statement_due"],
                &notified["proceedings"]["notice"]["hearing_due"]
            ),
            (&json!("2026-03-12"), &json!("2026-03-16")),
            "three and five working days after Monday 9 March"
        );
        step(
            &leader,
            "decide",
            json!({ "on": "2026-03-12", "kind": "penalty", "penalty": { "fine_fen": 2_000_000 } }),
            Err("period_not_ended"),
        )
        .await;
        step(
            &staff,
            "hearing-request",
            json!({ "on": "2026-03-13" }),
            Ok("notified"),
        )
        .await;
        step(
            &leader,
            "decide",
            json!({ "on": "2026-03-17", "kind": "penalty", "penalty": { "fine_fen": 2_000_000 } }),
            Err("hearing_pending"),
        )
        .await;
        step(&staff, "hearing", json!({ "notified_on": "2026-03-16", "held_on": "2026-03-24", "presider_id": "presider-1" }), Err("notice_too_short")).await;
        step(
            &staff,
            "hearing",
            json!({ "notified_on": "2026-03-16", "held_on": "2026-03-25", "presider_id": first }),
            Err("presider_investigated"),
        )
        .await;
        // Not without an audio or video record of the hearing (全过程记录).
        step(&staff, "hearing", json!({ "notified_on": "2026-03-16", "held_on": "2026-03-25", "presider_id": "presider-1" }), Err("recording_required")).await;
        let video = json!({
            "kind": "video", "step": "hearing", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "size_bytes": 734_003_200, "location": "records/hearing-20260325.mp4", "recorded_by": first,
            "device": "执法记录仪 DSJ-V9", "recorded_at": "2026-03-25T09:30:00+08:00",
        });
        let (status, record) = post(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/records"),
            video,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{record}");
        let bad_hash = json!({
            "kind": "video", "step": "hearing", "sha256": "not a hash", "size_bytes": 1,
            "location": "x", "recorded_by": first, "device": "d", "recorded_at": "2026-03-25T09:30:00+08:00",
        });
        let (status, problem) = post(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/records"),
            bad_hash,
        )
        .await;
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::BAD_REQUEST, &json!("invalid_hash"))
        );
        step(&staff, "hearing", json!({ "notified_on": "2026-03-16", "held_on": "2026-03-25", "presider_id": "presider-1" }), Ok("notified")).await;
        step(
            &leader,
            "decide",
            json!({ "on": "2026-03-26", "kind": "penalty", "penalty": { "fine_fen": 2_000_000 } }),
            Err("legal_review_required"),
        )
        .await;
        step(&reviewer, "review", json!({ "on": "2026-03-26", "reviewer_id": second, "approved": true, "opinion": "同意" }), Err("reviewer_on_case")).await;
        // The qualification is the reviewer's record, not what the request says.
        let unqualified = reviewer_person(&sandbox, &county, 31, None).await;
        let qualified = reviewer_person(&sandbox, &county, 32, Some("A20194116240123")).await;
        step(&reviewer, "review", json!({ "on": "2026-03-26", "reviewer_id": unqualified, "approved": true, "opinion": "同意" }), Err("reviewer_unqualified")).await;
        step(&reviewer, "review", json!({ "on": "2026-03-26", "reviewer_id": unqualified, "approved": true, "opinion": "同意", "legal_qualification": true }), Err("unknown_field")).await;
        step(&reviewer, "review", json!({ "on": "2026-03-26", "reviewer_id": "reviewer-1", "approved": true, "opinion": "同意" }), Err("invalid_person_id")).await;
        step(&reviewer, "review", json!({ "on": "2026-03-26", "reviewer_id": qualified, "approved": true, "opinion": "事实清楚，证据确凿，程序合法" }), Ok("notified")).await;
        step(
            &leader,
            "decide",
            json!({ "on": "2026-03-27", "kind": "penalty", "penalty": { "fine_fen": 2_000_000 } }),
            Err("discussion_required"),
        )
        .await;
        step(&leader, "discussion", json!({ "on": "2026-03-27", "leaders": ["镇长", "分管副镇长", "纪委书记"], "minutes": "会议纪要", "conclusion": "同意处罚" }), Ok("notified")).await;
        // The decision rests on the hearing's 笔录 (Art. 65): registered first.
        step(
            &leader,
            "decide",
            json!({ "on": "2026-03-30", "kind": "penalty", "penalty": { "fine_fen": 2_000_000 } }),
            Err("hearing_record_required"),
        )
        .await;
        let transcript = json!({
            "kind": "document", "step": "hearing", "sha256": "ab".repeat(32),
            "size_bytes": 52_000, "location": "records/hearing-20260325.pdf", "recorded_by": first,
            "device": "听证笔录（扫描件）", "recorded_at": "2026-03-25T11:30:00+08:00",
        });
        let (status, record) = post(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/records"),
            transcript,
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{record}");
        let decided = step(
            &leader,
            "decide",
            json!({ "on": "2026-03-30", "kind": "penalty", "penalty": { "fine_fen": 2_000_000 } }),
            Ok("decided"),
        )
        .await;
        assert_eq!(decided["proceedings"]["decision"]["on_time"], true);
        step(
            &staff,
            "serve",
            json!({ "on": "2026-03-31", "method": "electronic" }),
            Err("consent_required"),
        )
        .await;
        let served = step(
            &staff,
            "serve",
            json!({ "on": "2026-03-31", "method": "in_person" }),
            Ok("served"),
        )
        .await;
        assert_eq!(served["proceedings"]["service"]["fine_due"], "2026-04-15");
        step(
            &leader,
            "close",
            json!({ "on": "2026-04-16" }),
            Err("fine_unpaid"),
        )
        .await;
        // Paid two days late: 20,000 yuan and 6 % of it (3 % a day); never
        // more than is owed.
        step(
            &staff,
            "payment",
            json!({ "on": "2026-04-17", "amount_fen": 2_120_001 }),
            Err("invalid_amount"),
        )
        .await;
        // The late charge is the agency's choice (Art. 72), but less than what
        // accrued is charged only with its basis.
        step(
            &staff,
            "payment",
            json!({ "on": "2026-04-17", "amount_fen": 2_000_000, "late_charge_fen": 0 }),
            Err("required"),
        )
        .await;
        let paid = step(
            &staff,
            "payment",
            json!({ "on": "2026-04-17", "amount_fen": 2_120_000 }),
            Ok("served"),
        )
        .await;
        assert_eq!(
            (
                &paid["proceedings"]["payment"]["late_charge_fen"],
                &paid["proceedings"]["payment"]["late_charge_accrued_fen"]
            ),
            (&json!(120_000), &json!(120_000))
        );
        step(
            &leader,
            "close",
            json!({ "on": "2026-04-20" }),
            Ok("closed"),
        )
        .await;

        // 公示 within seven working days of the decision; anyone reads it, the party masked.
        let (status, published) = post(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/publication"),
            json!({ "agency": "老城镇人民政府", "violation": "未取得乡村建设规划许可证进行建设", "on": "2026-04-02" }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{published}");
        assert_eq!(
            (&published["on_time"], &published["penalty"]["fine_fen"]),
            (&json!(true), &json!(2_000_000))
        );
        let public: Value = sandbox
            .get("/api/v1/public/decisions")
            .await
            .json()
            .await
            .unwrap();
        let shown = &public["publications"][0];
        assert_eq!(shown["case_id"], json!(id), "{public}");
        assert!(shown["party"].as_str().unwrap().contains('*'), "{shown}");
        assert_eq!(shown["basis"], "《中华人民共和国城乡规划法》第六十五条");
        let (status, again) = post(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/publication"),
            json!({ "agency": "老城镇人民政府", "violation": "x" }),
        )
        .await;
        assert_eq!(
            (status, &again["code"]),
            (StatusCode::CONFLICT, &json!("already_published"))
        );
        // Revoked on review (复议撤销) on 1 May, withdrawn after the May Day holiday: in time.
        let (status, withdrawn) = post(
            &sandbox,
            &leader,
            &format!("/api/v1/cases/{id}/publication/withdraw"),
            json!({ "reason": "revoked", "note": "县政府行政复议决定撤销", "event_on": "2026-05-01", "on": "2026-05-06" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{withdrawn}");
        assert_eq!(
            (
                &withdrawn["withdraw_reason"],
                &withdrawn["withdrawn_on_time"]
            ),
            (&json!("revoked"), &json!(true))
        );
        let public: Value = sandbox
            .get("/api/v1/public/decisions")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            public["publications"],
            json!([]),
            "a withdrawn decision is no longer shown"
        );

        // The township's year as oversight reads it, counted from this test's own steps:
        // found 1 March, filed 3 March (2 days), decided 30 March (27 days after filing).
        let (status, summary) = get(
            &sandbox,
            &county,
            &format!("/api/v1/oversight/summary?division={TOWNSHIP}&year=2026"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(
            summary["cases"],
            json!({
                "total": 1, "filed": 1, "decided": 1, "decided_on_time": 1, "closed": 1,
                "review_required": 1, "reviewed": 1, "discussion_required": 1, "discussed": 1,
                // One penalty under the general procedure; its hearing needed a
                // video and had one.
                "penalty_decisions": 1, "no_penalty_decisions": 0, "dismissed": 0,
                "transferred": 0, "simple_decisions": 0,
                "recording_required": 1, "recorded": 1, "published": 1, "published_on_time": 1,
                "avg_days_to_filing": 2.0, "avg_days_to_decision": 27.0,
                "fines_imposed_fen": 2_000_000, "fines_collected_fen": 2_000_000, "late_charges_fen": 120_000,
                "certification_refusals": 0, "not_filed": 0, "terminated": 0,
            })
        );
        let (_, last_year) = get(
            &sandbox,
            &county,
            &format!("/api/v1/oversight/summary?division={TOWNSHIP}&year=2025"),
        )
        .await;
        assert_eq!(
            last_year["cases"]["filed"], 0,
            "nothing of 2026 counts for 2025"
        );

        let (_, history) = get(&sandbox, &staff, &format!("/api/v1/cases/{id}/history")).await;
        let kinds: Vec<&str> = history["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "lead_recorded",
                "filed",
                "notified",
                "hearing_requested",
                "record_registered",
                "hearing_held",
                "legal_review",
                "discussed",
                "record_registered",
                "decided",
                "served",
                "paid",
                "closed",
                "published",
                "withdrawn"
            ],
            "one event per step taken, none for the refusals"
        );
        let (_, verified) = get(
            &sandbox,
            &staff,
            &format!("/api/v1/cases/{id}/history/verify"),
        )
        .await;
        assert_eq!(verified, json!({ "intact": true, "events": 15 }));
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_defended_penalty_is_never_raised_and_a_notice_needs_officers_still_certified() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let county = sandbox
        .account("county.defence", &["county_overseer"], COUNTY)
        .await;
    let leader = sandbox
        .account("defence.leader", &["leader"], TOWNSHIP)
        .await;
    let (status, _) = post(
        &sandbox,
        &county,
        "/api/v1/power-items",
        power_item("330217001000", json!([TOWNSHIP])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let first = officer(&sandbox, &county, 31, true).await;
    let second = officer(&sandbox, &county, 32, true).await;
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();
    let (_, case) = post(&sandbox, &leader, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let go = |name: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{name}");
        let (sandbox, leader) = (&sandbox, &leader);
        async move { post(sandbox, leader, &path, body).await }
    };
    let (status, _) = go("file", json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": [first, second], "on": "2026-03-03" })).await;
    assert_eq!(status, StatusCode::OK);
    // One officer's certificate is suspended before the notice: the notice is refused.
    let (_, certificates) = get(
        &sandbox,
        &county,
        &format!("/api/v1/certificates?person_id={second}"),
    )
    .await;
    let certificate = &certificates["certificates"][0];
    let (status, suspended) = post(
        &sandbox,
        &county,
        &format!(
            "/api/v1/certificates/{}/suspend",
            certificate["id"].as_str().unwrap()
        ),
        json!({ "version": certificate["version"], "on": "2026-03-06" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{suspended}");
    let (status, problem) = go(
        "notify",
        json!({ "version": 2, "on": "2026-03-09", "penalty": { "fine_fen": 50_000 } }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("officer_not_certified")
        ),
        "{problem}"
    );
    // Dated before the suspension, it goes through.
    let (status, _) = go(
        "notify",
        json!({ "version": 2, "on": "2026-03-05", "penalty": { "fine_fen": 50_000 } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = go("defence", json!({ "version": 3, "on": "2026-03-06" })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = go("decide", json!({ "version": 4, "on": "2026-03-11", "kind": "penalty", "penalty": { "fine_fen": 80_000 } })).await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("penalty_raised")),
        "{problem}"
    );
    let (status, decided) = go("decide", json!({ "version": 4, "on": "2026-03-11", "kind": "penalty", "penalty": { "fine_fen": 30_000 } })).await;
    assert_eq!(
        (status, &decided["status"]),
        (StatusCode::OK, &json!("decided")),
        "{decided}"
    );
    // The refused notice is counted for oversight.
    let (_, summary) = get(
        &sandbox,
        &county,
        &format!("/api/v1/oversight/summary?division={TOWNSHIP}&year=2026"),
    )
    .await;
    assert_eq!(summary["cases"]["certification_refusals"], 1, "{summary}");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_small_fine_is_decided_on_the_spot_and_a_recused_officer_leaves_the_case() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let county = sandbox
        .account("county.spot", &["county_overseer"], COUNTY)
        .await;
    let leader = sandbox.account("spot.leader", &["leader"], TOWNSHIP).await;
    let officer_account = sandbox
        .account("spot.officer", &["officer"], TOWNSHIP)
        .await;
    let (status, _) = post(
        &sandbox,
        &county,
        "/api/v1/power-items",
        power_item("330217001000", json!([TOWNSHIP])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let officers = [
        officer(&sandbox, &county, 41, true).await,
        officer(&sandbox, &county, 42, true).await,
        officer(&sandbox, &county, 43, true).await,
    ];
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();

    // 当场处罚: a person is fined at most ¥200, and at most ¥100 collected on the spot.
    let (_, case) = post(&sandbox, &officer_account, "/api/v1/cases", body.clone()).await;
    let path = format!("/api/v1/cases/{}/on-the-spot", case["id"].as_str().unwrap());
    let spot = |fine_fen: i64, collection: &str| {
        json!({
            "version": 1, "on": "2026-03-02", "power_item_code": "330217001000",
            "officer_ids": [officers[0], officers[1]], "penalty": { "fine_fen": fine_fen },
            "form_number": "豫A0001234", "collection": collection,
        })
    };
    for (fine_fen, collection, code) in [
        (30_000, "later", "above_simple_procedure"),
        (15_000, "on_the_spot", "above_spot_collection"),
    ] {
        let (status, problem) = post(
            &sandbox,
            &officer_account,
            &path,
            spot(fine_fen, collection),
        )
        .await;
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!(code)),
            "{problem}"
        );
    }
    let (status, decided) = post(
        &sandbox,
        &officer_account,
        &path,
        spot(5_000, "on_the_spot"),
    )
    .await;
    assert_eq!(
        (status, &decided["status"]),
        (StatusCode::OK, &json!("served")),
        "{decided}"
    );
    assert_eq!(
        decided["proceedings"]["on_the_spot"],
        json!({ "form_number": "豫A0001234", "collected": true })
    );
    assert_eq!(decided["proceedings"]["payment"]["fine_fen"], 5_000);
    // The simple procedure is counted apart: no filing, no general decision.
    let day = decided["proceedings"]["decision"]["on"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, summary) = get(
        &sandbox,
        &county,
        &format!("/api/v1/oversight/summary?division={TOWNSHIP}&from={day}&to={day}"),
    )
    .await;
    let c = &summary["cases"];
    assert_eq!(
        (
            c["simple_decisions"].as_i64(),
            c["filed"].as_i64(),
            c["decided"].as_i64()
        ),
        (Some(1), Some(0), Some(0)),
        "{summary}"
    );

    // After the spot: 备案, and the cash handed in within two working days
    // (Arts. 52, 70–71), warned of until it is.
    let spot_id = decided["id"].as_str().unwrap().to_owned();
    let hand_in_warnings = || async {
        let (_, w) = get(
            &sandbox,
            &county,
            &format!("/api/v1/oversight/warnings?division={TOWNSHIP}&kind=case_hand_in"),
        )
        .await;
        w["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["level"].as_str().unwrap().to_owned(),
                    w["due_at"].as_str().unwrap()[..10].to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        hand_in_warnings().await,
        [("red".to_owned(), "2026-03-04".to_owned())]
    );
    let (status, reported) = post(
        &sandbox,
        &leader,
        &format!("/api/v1/cases/{spot_id}/spot-report"),
        json!({ "version": decided["version"], "on": "2026-03-02" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reported}");
    let (status, handed) = post(
        &sandbox,
        &leader,
        &format!("/api/v1/cases/{spot_id}/cash-hand-in"),
        json!({ "version": reported["version"], "on": "2026-03-06", "receipt_number": "豫财0012345" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{handed}");
    assert_eq!(
        handed["proceedings"]["on_the_spot"],
        json!({
            "form_number": "豫A0001234", "collected": true, "reported_on": "2026-03-02",
            "handed_in_on": "2026-03-06", "receipt_number": "豫财0012345", "handed_in_on_time": false,
        })
    );
    assert!(hand_in_warnings().await.is_empty());

    // 回避: officers leave the case; with one left, the next officer action is refused.
    let (_, case) = post(&sandbox, &officer_account, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let go = |name: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{name}");
        let (sandbox, leader) = (&sandbox, &leader);
        async move { post(sandbox, leader, &path, body).await }
    };
    let (status, _) = go("file", json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": officers, "on": "2026-03-03" })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, recused) = go("recusal", json!({ "version": 2, "officer_id": officers[2], "reason": "named_in_complaint", "note": "12345 投诉执法态度" })).await;
    assert_eq!(status, StatusCode::OK, "{recused}");
    assert_eq!(recused["officer_ids"], json!([officers[0], officers[1]]));
    assert_eq!(
        recused["proceedings"]["recusals"][0]["reason"],
        "named_in_complaint"
    );
    let (status, _) = go("recusal", json!({ "version": 3, "officer_id": officers[1], "reason": "conflict_of_interest", "note": "当事人亲属" })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = go(
        "notify",
        json!({ "version": 4, "on": "2026-03-09", "penalty": { "fine_fen": 50_000 } }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("too_few_officers")),
        "{problem}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_seizure_is_extended_once_and_a_demolition_waits_for_its_notice_the_day_and_the_video() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let Township { leader, officers } = township(&sandbox, "coercion", 51).await;
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();
    let video = |step: &str, at: &str| {
        json!({
            "kind": "video", "step": step, "sha256": "ab".repeat(32), "size_bytes": 52_428_800,
            "location": format!("records/{step}.mp4"), "recorded_by": officers[0],
            "device": "执法记录仪", "recorded_at": at,
        })
    };

    // 查封: 30 days from 6 March (to 4 April), extended once by 30 before then.
    let (_, case) = post(&sandbox, &leader, "/api/v1/cases", body.clone()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let go = |name: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{name}");
        let (sandbox, leader) = (&sandbox, &leader);
        async move { post(sandbox, leader, &path, body).await }
    };
    let (status, _) = go("file", json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": officers, "on": "2026-03-03" })).await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = go(
        "seizure",
        json!({ "version": 2, "on": "2026-03-06", "items": "挖掘机一台" }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("recording_required")
        )
    );
    let (status, _) = go("records", video("seizure", "2026-03-06T09:00:00+08:00")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, seized) = go(
        "seizure",
        json!({ "version": 2, "on": "2026-03-06", "items": "挖掘机一台" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{seized}");
    assert_eq!(seized["proceedings"]["seizure"]["until"], "2026-04-04");
    let (status, extended) = go(
        "seizure/extend",
        json!({ "version": 3, "on": "2026-04-01", "days": 30 }),
    )
    .await;
    assert_eq!(
        (status, &extended["proceedings"]["seizure"]["until"]),
        (StatusCode::OK, &json!("2026-05-04")),
        "{extended}"
    );
    let (status, problem) = go(
        "seizure/extend",
        json!({ "version": 4, "on": "2026-04-20", "days": 10 }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("seizure_extension_used")
        )
    );
    let (status, released) = go(
        "seizure/release",
        json!({ "version": 4, "on": "2026-04-20" }),
    )
    .await;
    assert_eq!(
        (status, &released["proceedings"]["seizure"]["released_on"]),
        (StatusCode::OK, &json!("2026-04-20"))
    );

    // 强制拆除: after a decision, a notice giving 30 days (to 9 April); only once
    // the six months to sue from its service on 2 March ran out (to 2
    // September); on a working day, in daytime, with its video.
    let (_, case) = post(&sandbox, &leader, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let go = |name: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{name}");
        let (sandbox, leader) = (&sandbox, &leader);
        async move { post(sandbox, leader, &path, body).await }
    };
    let (status, _) = go("on-the-spot", json!({
        "version": 1, "on": "2026-03-02", "power_item_code": "330217001000", "officer_ids": officers,
        "penalty": { "warning": true }, "form_number": "豫A0009999",
    }))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, announced) = go(
        "demolition-notice",
        json!({ "version": 2, "on": "2026-03-10", "removal_days": 30 }),
    )
    .await;
    assert_eq!(
        (
            status,
            &announced["proceedings"]["demolition"]["removal_by"]
        ),
        (StatusCode::OK, &json!("2026-04-09"))
    );
    for (at, code) in [
        ("2026-04-09T10:00:00+08:00", "removal_period_running"),
        ("2026-05-01T10:00:00+08:00", "not_on_holiday"),
        ("2026-04-10T23:00:00+08:00", "not_at_night"),
        // A building is forced down only after a 催告 and a written 强制执行
        // 决定 served (行政强制法 Arts. 35–38): the whole path is in
        // `enforcement.rs`.
        ("2026-04-10T10:00:00+08:00", "enforcement_decision_required"),
    ] {
        let (status, problem) = go("demolition", json!({ "version": 3, "at": at })).await;
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::UNPROCESSABLE_ENTITY, &json!(code)),
            "{at}: {problem}"
        );
    }
    let (status, _) = go("records", video("demolition", "2026-09-03T10:00:00+08:00")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, refused) = go(
        "demolition",
        json!({ "version": 3, "at": "2026-09-03T10:00:00+08:00" }),
    )
    .await;
    assert_eq!(
        (status, &refused["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("enforcement_decision_required")
        ),
        "{refused}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn an_approved_extension_and_deferral_move_their_deadlines() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let Township { leader, officers } = township(&sandbox, "deadlines", 61).await;
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();
    let (_, case) = post(&sandbox, &leader, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let go = |name: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{name}");
        let (sandbox, leader) = (&sandbox, &leader);
        async move { post(sandbox, leader, &path, body).await }
    };
    let approval = |version: i64, days: i64, basis: &str| json!({ "version": version, "days": days, "approved_by": "镇长", "basis": basis });
    let (status, _) = go("file", json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": officers, "on": "2026-03-03" })).await;
    assert_eq!(status, StatusCode::OK);
    // 90 days from 3 March run to 1 June; 30 more days approved, to 1 July.
    let (status, extended) = go(
        "decision-period/extend",
        approval(2, 30, "《河南省行政处罚程序规定》"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{extended}");
    let (status, problem) = go("decision-period/extend", approval(3, 30, "再次延长")).await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("already_extended"))
    );
    let (status, _) = go(
        "notify",
        json!({ "version": 3, "on": "2026-03-09", "penalty": { "fine_fen": 50_000 } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, decided) = go("decide", json!({ "version": 4, "on": "2026-06-15", "kind": "penalty", "penalty": { "fine_fen": 50_000 } })).await;
    assert_eq!(
        (status, &decided["proceedings"]["decision"]["on_time"]),
        (StatusCode::OK, &json!(true)),
        "{decided}"
    );
    let (status, served) = go(
        "serve",
        json!({ "version": 5, "on": "2026-06-16", "method": "in_person" }),
    )
    .await;
    assert_eq!(
        (status, &served["proceedings"]["service"]["fine_due"]),
        (StatusCode::OK, &json!("2026-07-01"))
    );
    // Deferred 30 days on approval: due 31 July, no late charge until then.
    let (status, deferred) = go(
        "payment/defer",
        approval(6, 30, "当事人经济困难，申请暂缓缴纳"),
    )
    .await;
    assert_eq!(
        (status, &deferred["proceedings"]["service"]["fine_due"]),
        (StatusCode::OK, &json!("2026-07-31")),
        "{deferred}"
    );
    let (status, paid) = go(
        "payment",
        json!({ "version": 7, "on": "2026-07-31", "amount_fen": 50_000 }),
    )
    .await;
    assert_eq!(
        (status, &paid["proceedings"]["payment"]["late_charge_fen"]),
        (StatusCode::OK, &json!(0)),
        "{paid}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn an_unpaid_fine_is_demanded_and_taken_to_the_court_in_its_window() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let Township { leader, officers } = township(&sandbox, "court", 71).await;
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();
    let (_, case) = post(&sandbox, &leader, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let go = |name: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{name}");
        let (sandbox, leader) = (&sandbox, &leader);
        async move { post(sandbox, leader, &path, body).await }
    };
    for (name, body) in [
        (
            "file",
            json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": officers, "on": "2026-03-03" }),
        ),
        (
            "notify",
            json!({ "version": 2, "on": "2026-03-09", "penalty": { "fine_fen": 50_000 } }),
        ),
        (
            "decide",
            json!({ "version": 3, "on": "2026-03-16", "kind": "penalty", "penalty": { "fine_fen": 50_000 } }),
        ),
        (
            "serve",
            json!({ "version": 4, "on": "2026-03-17", "method": "in_person" }),
        ),
    ] {
        let (status, answer) = go(name, body).await;
        assert_eq!(status, StatusCode::OK, "{name}: {answer}");
    }
    // Due 1 April; demanded after it; the party may sue until 17 September.
    let (status, problem) = go(
        "payment/demand",
        json!({ "version": 5, "on": "2026-04-01" }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("not_yet_due"))
    );
    let (status, _) = go(
        "payment/demand",
        json!({ "version": 5, "on": "2026-04-10" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = go(
        "court-enforcement",
        json!({ "version": 6, "on": "2026-09-17" }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("appeal_period_running")
        )
    );
    let (status, applied) = go(
        "court-enforcement",
        json!({ "version": 6, "on": "2026-09-18" }),
    )
    .await;
    assert_eq!(
        (status, &applied["proceedings"]["court"]["applied_on"]),
        (StatusCode::OK, &json!("2026-09-18")),
        "{applied}"
    );
    let (status, closed) = go("close", json!({ "version": 7, "on": "2026-09-20" })).await;
    assert_eq!(
        (status, &closed["status"]),
        (StatusCode::OK, &json!("closed")),
        "{closed}"
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn preserved_evidence_is_decided_on_within_seven_working_days() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let Township { leader, officers } = township(&sandbox, "evidence", 81).await;
    let mut body = lead();
    body["discovered_on"] = "2026-03-01".into();
    let (_, case) = post(&sandbox, &leader, "/api/v1/cases", body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let go = |name: &str, body: Value| {
        let path = format!("/api/v1/cases/{id}/{name}");
        let (sandbox, leader) = (&sandbox, &leader);
        async move { post(sandbox, leader, &path, body).await }
    };
    let (status, problem) = go(
        "evidence-preservation",
        json!({ "version": 1, "items": "建筑材料一批" }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::CONFLICT, &json!("invalid_transition")),
        "a lead preserves nothing"
    );
    let (status, _) = go("file", json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": officers, "on": "2026-03-03" })).await;
    assert_eq!(status, StatusCode::OK);
    // Thursday 12 March 2026: seven working days is Monday 23 March.
    let (status, kept) = go(
        "evidence-preservation",
        json!({ "version": 2, "on": "2026-03-12", "items": "建筑材料一批" }),
    )
    .await;
    assert_eq!(
        (
            status,
            &kept["proceedings"]["preservations"][0]["decide_by"]
        ),
        (StatusCode::OK, &json!("2026-03-23")),
        "{kept}"
    );
    let (status, decided) = go(
        "evidence-preservation/decide",
        json!({ "version": 3, "on": "2026-03-19", "index": 0, "outcome": "seized" }),
    )
    .await;
    assert_eq!(
        (
            status,
            &decided["proceedings"]["preservations"][0]["outcome"]
        ),
        (StatusCode::OK, &json!("seized")),
        "{decided}"
    );
    let (status, problem) = go(
        "evidence-preservation/decide",
        json!({ "version": 4, "on": "2026-03-20", "index": 0, "outcome": "returned" }),
    )
    .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("already_decided"))
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn no_penalty_for_a_first_violation_is_refused_when_the_party_has_one_on_record() {
    let sandbox = Sandbox::start(fazhi_e2e::Backend::Sqlite).await;
    let Township { leader, officers } = township(&sandbox, "first", 91).await;
    let new_case = |party: usize| {
        let mut body = lead();
        body["discovered_on"] = "2026-03-01".into();
        body["party"]["id_number"] = id_number(party).into();
        let (sandbox, leader) = (&sandbox, &leader);
        async move {
            let (_, case) = post(sandbox, leader, "/api/v1/cases", body).await;
            case["id"].as_str().unwrap().to_owned()
        }
    };
    let run = |id: String, steps: Vec<(&'static str, Value)>| {
        let (sandbox, leader) = (&sandbox, &leader);
        async move {
            let mut last = (StatusCode::OK, Value::Null);
            for (name, body) in steps {
                last = post(sandbox, leader, &format!("/api/v1/cases/{id}/{name}"), body).await;
                if last.0 != StatusCode::OK {
                    break;
                }
            }
            last
        }
    };
    let to_decision = |kind: &str| {
        let mut steps = vec![
            (
                "file",
                json!({ "version": 1, "power_item_code": "330217001000", "officer_ids": officers, "on": "2026-03-03" }),
            ),
            (
                "notify",
                json!({ "version": 2, "on": "2026-03-09", "penalty": { "warning": true } }),
            ),
        ];
        // 首违不罚 rests on the correction (Art. 33).
        if kind == "first_violation" {
            steps.push(("correction", json!({ "version": 3, "on": "2026-03-10" })));
        }
        let version = steps.len() + 1;
        steps.push((
            "decide",
            json!({ "version": version, "on": "2026-03-16", "kind": kind, "penalty": { "warning": true } }),
        ));
        steps
    };
    // A party warned before is not a first violator; a party with nothing on record is.
    let (status, warned) = run(new_case(810).await, to_decision("penalty")).await;
    assert_eq!(status, StatusCode::OK, "{warned}");
    let (status, problem) = run(new_case(810).await, to_decision("first_violation")).await;
    assert_eq!(
        (status, &problem["code"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("not_first_violation")
        ),
        "{problem}"
    );
    let (status, spared) = run(new_case(811).await, to_decision("first_violation")).await;
    assert_eq!(
        (status, &spared["proceedings"]["decision"]["kind"]),
        (StatusCode::OK, &json!("first_violation")),
        "{spared}"
    );
    sandbox.stop().await;
}
