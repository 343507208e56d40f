//! The 12345 workflow through REST: dispatch, sign for, return and
//! re-dispatch, one extension, reply, follow-up, reopen, close — each step
//! an event in the timeline, each refused out of order with its reason.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A village of the township: a handling unit under it.
const VILLAGE: &str = "411624100201";

struct Desk<'a> {
    sandbox: &'a Sandbox,
    id: String,
}

impl Desk<'_> {
    /// Takes `step` as `token` at the complaint's current version.
    async fn step(&self, token: &str, step: &str, mut body: Value) -> (StatusCode, Value) {
        let now: Value = self
            .sandbox
            .get_as(token, &format!("/api/v1/complaints/{}", self.id))
            .await
            .json()
            .await
            .unwrap();
        if body.get("version").is_none() {
            body["version"] = now["version"].clone();
        }
        let response = self
            .sandbox
            .post_as(
                token,
                &format!("/api/v1/complaints/{}/{step}", self.id),
                &body,
            )
            .await;
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn ok(&self, token: &str, step: &str, body: Value, status: &str) -> Value {
        let (code, complaint) = self.step(token, step, body).await;
        assert_eq!(code, StatusCode::OK, "{step}: {complaint}");
        assert_eq!(complaint["status"], status, "{step}: {complaint}");
        complaint
    }

    async fn refused(&self, token: &str, step: &str, body: Value, expected: (StatusCode, &str)) {
        let (code, problem) = self.step(token, step, body).await;
        assert_eq!(
            (code, problem["code"].as_str().unwrap_or_default()),
            expected,
            "{step}: {problem}"
        );
    }
}

#[tokio::test]
async fn a_hotline_ticket_goes_from_dispatch_through_return_extension_reopen_to_close() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("desk.staff", &["staff"], TOWNSHIP).await;
        let county = sandbox
            .account("county.overseer", &["county_overseer"], COUNTY)
            .await;
        let village = sandbox.account("village.staff", &["staff"], VILLAGE).await;
        let other = sandbox
            .account("other.staff", &["staff"], OTHER_TOWNSHIP)
            .await;

        // The county 12345 platform pushes the ticket with its own time.
        let mut ticket = complaint_body();
        let fields = ticket.as_object_mut().unwrap();
        fields.insert("source".into(), "county_12345".into());
        fields.insert("external_id".into(), "SQ-0001".into());
        fields.insert("received_at".into(), chrono::Utc::now().to_rfc3339().into());
        let platform = sandbox.account("county.12345", &["staff"], COUNTY).await;
        let pushed: Value = sandbox
            .post_as(
                &platform,
                "/api/v1/complaints:batch",
                &json!({ "items": [ticket] }),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(pushed["created"], 1, "{pushed}");
        let c = Desk {
            sandbox: &sandbox,
            id: pushed["results"][0]["id"].as_str().unwrap().to_owned(),
        };
        let created: Value = sandbox
            .get_as(&desk, &format!("/api/v1/complaints/{}", c.id))
            .await
            .json()
            .await
            .unwrap();
        let due = created["reply_due"].as_str().unwrap().to_owned();

        // Nothing is handled before it is dispatched.
        c.refused(
            &desk,
            "reply",
            json!({ "text": "x" }),
            (StatusCode::CONFLICT, "invalid_transition"),
        )
        .await;
        // A village cannot see the township's complaint until it is sent there.
        let unseen = sandbox
            .get_as(&village, &format!("/api/v1/complaints/{}", c.id))
            .await;
        assert_eq!(unseen.status(), StatusCode::NOT_FOUND);

        // 派单 to the wrong township is outside the desk's divisions.
        c.refused(
            &desk,
            "dispatch",
            json!({ "unit": OTHER_TOWNSHIP }),
            (StatusCode::FORBIDDEN, "division_out_of_scope"),
        )
        .await;
        let dispatched = c
            .ok(&desk, "dispatch", json!({ "unit": TOWNSHIP }), "dispatched")
            .await;
        assert!(
            dispatched["handling"]["accept_due"].is_string(),
            "{dispatched}"
        );
        // 退单 with a reason, then 改派 to the village.
        c.refused(
            &desk,
            "return",
            json!({ "reason": "no_reason" }),
            (StatusCode::BAD_REQUEST, "unknown_code"),
        )
        .await;
        let returned = c
            .ok(
                &desk,
                "return",
                json!({ "reason": "wrong_unit", "note": "属西关村" }),
                "returned",
            )
            .await;
        assert_eq!(returned["handling"]["returns"], 1);
        c.ok(&desk, "dispatch", json!({ "unit": VILLAGE }), "dispatched")
            .await;

        // The village now sees it, in its list too, and signs for it;
        // another township cannot.
        let listed: Value = sandbox
            .get_as(&village, "/api/v1/complaints")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(listed["complaints"][0]["id"], c.id.as_str(), "{listed}");
        c.refused(
            &other,
            "accept",
            json!({ "version": 5 }),
            (StatusCode::NOT_FOUND, "not_found"),
        )
        .await;
        let accepted = c.ok(&village, "accept", json!({}), "accepted").await;
        assert!(accepted["handling"]["accepted_at"].is_string());

        // A stale version is refused.
        c.refused(
            &village,
            "reply",
            json!({ "version": 1, "text": "x" }),
            (StatusCode::CONFLICT, "version_conflict"),
        )
        .await;

        // 延期: once, with a reason, decided by the county.
        c.refused(
            &village,
            "extension",
            json!({ "working_days": 5, "note": "" }),
            (StatusCode::BAD_REQUEST, "required"),
        )
        .await;
        c.ok(
            &village,
            "extension",
            json!({ "working_days": 5, "note": "需协调自然资源所现场测量" }),
            "accepted",
        )
        .await;
        c.refused(
            &village,
            "extension",
            json!({ "working_days": 2, "note": "再延" }),
            (StatusCode::UNPROCESSABLE_ENTITY, "extension_already_asked"),
        )
        .await;
        c.refused(
            &village,
            "extension/decide",
            json!({ "approved": true }),
            (StatusCode::FORBIDDEN, "forbidden"),
        )
        .await;
        let extended = c
            .ok(
                &county,
                "extension/decide",
                json!({ "approved": true }),
                "accepted",
            )
            .await;
        assert_ne!(
            extended["reply_due"].as_str().unwrap(),
            due,
            "the due day moved"
        );
        assert!(extended["reply_due"].as_str().unwrap() > due.as_str());
        assert_eq!(extended["handling"]["extension"]["decision"], "approved");

        // 答复, an unsatisfied 回访, reopened, a second reply, then 办结.
        c.ok(
            &village,
            "reply",
            json!({ "text": "经核查，已责令停止建设" }),
            "replied",
        )
        .await;
        c.ok(
            &desk,
            "follow-up",
            json!({ "resolved": false, "satisfaction": "unsatisfied" }),
            "visited",
        )
        .await;
        c.refused(
            &desk,
            "close",
            json!({}),
            (StatusCode::UNPROCESSABLE_ENTITY, "unsatisfied_follow_up"),
        )
        .await;
        let reopened = c
            .ok(
                &desk,
                "reopen",
                json!({ "note": "群众反映仍在施工" }),
                "accepted",
            )
            .await;
        assert_eq!(reopened["handling"]["reopened"], 1);
        c.ok(
            &village,
            "reply",
            json!({ "text": "已依法拆除违法建筑" }),
            "replied",
        )
        .await;
        c.ok(
            &desk,
            "follow-up",
            json!({ "resolved": true, "satisfaction": "satisfied" }),
            "visited",
        )
        .await;
        c.ok(&county, "supervise", json!({}), "visited").await;
        let closed = c.ok(&desk, "close", json!({}), "closed").await;
        assert!(closed["handling"]["closed_at"].is_string());
        c.refused(
            &desk,
            "reopen",
            json!({}),
            (StatusCode::CONFLICT, "invalid_transition"),
        )
        .await;

        // Every step is in the timeline: who, from which state, to which.
        let timeline: Value = sandbox
            .get_as(&desk, &format!("/api/v1/complaints/{}/timeline", c.id))
            .await
            .json()
            .await
            .unwrap();
        let kinds: Vec<&str> = timeline["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            vec![
                "dispatched",
                "returned",
                "dispatched",
                "accepted",
                "extension_requested",
                "extension_approved",
                "replied",
                "visited",
                "reopened",
                "replied",
                "visited",
                "supervised",
                "closed",
            ]
        );
        let returned = &timeline["events"][1];
        assert_eq!(
            (
                returned["from_status"].as_str(),
                returned["to_status"].as_str(),
                returned["note"].as_str()
            ),
            (Some("dispatched"), Some("returned"), Some("属西关村"))
        );
        assert_eq!(returned["actor"], "account:desk.staff");

        // The citizen sees the status, the due day and the reply — nothing else.
        let progress: Value = sandbox
            .get_as(
                "",
                &format!(
                    "/api/v1/public/complaints/{}?phone_last4=1234",
                    created["tracking_code"].as_str().unwrap()
                ),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(progress["status"], "closed");
        assert_eq!(progress["reply"], "已依法拆除违法建筑");
        assert!(progress.get("content").is_none() && progress.get("handling").is_none());

        // The county's figures for the year count the complaint once (per
        // DOMAIN.md's KPIs): dispatched once though re-dispatched after a
        // timely return, which is no failure of 响应率; replied once though
        // twice; rated by its latest follow-up.
        let year = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y");
        let summary: Value = sandbox
            .get_as(
                &county,
                &format!("/api/v1/oversight/summary?division={TOWNSHIP}&year={year}"),
            )
            .await
            .json()
            .await
            .unwrap();
        let figures = &summary["complaints"];
        for (figure, expected) in [
            ("received", 1),
            ("dispatched", 1),
            ("accepted_on_time", 1),
            ("returned", 1),
            ("replied", 1),
            ("visited", 1),
            ("resolved", 1),
            ("satisfied", 1),
            ("unsatisfied", 0),
            ("reopened", 1),
            ("closed", 1),
            ("extended", 1),
            ("supervised", 1),
        ] {
            assert_eq!(figures[figure], expected, "{figure}: {figures}");
        }
        assert_eq!(figures["response_rate"], 1.0, "{figures}");
        assert_eq!(figures["satisfaction_rate"], 1.0, "{figures}");
        assert_eq!(figures["follow_up_rate"], 1.0, "{figures}");
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_repeat_request_merges_into_an_earlier_one_and_an_emergency_is_handed_off() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("desk.staff", &["staff"], TOWNSHIP).await;
        let mut ids = Vec::new();
        for _ in 0..3 {
            let created: Value = sandbox
                .post_as(&desk, "/api/v1/complaints", &complaint_body())
                .await
                .json()
                .await
                .unwrap();
            ids.push(created["id"].as_str().unwrap().to_owned());
        }
        let later = Desk {
            sandbox: &sandbox,
            id: ids[1].clone(),
        };
        // Only into an earlier complaint.
        later
            .refused(
                &desk,
                "duplicate",
                json!({ "of": ids[2] }),
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_duplicate"),
            )
            .await;
        later
            .refused(
                &desk,
                "duplicate",
                json!({ "of": "no-such-complaint" }),
                (StatusCode::NOT_FOUND, "not_found"),
            )
            .await;
        let merged = later
            .ok(&desk, "duplicate", json!({ "of": ids[0] }), "duplicate")
            .await;
        assert_eq!(merged["handling"]["duplicate_of"], ids[0].as_str());
        let last = Desk {
            sandbox: &sandbox,
            id: ids[2].clone(),
        };
        last.refused(
            &desk,
            "duplicate",
            json!({ "of": ids[1] }),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_duplicate"),
        )
        .await;

        last.refused(
            &desk,
            "hand-off",
            json!({ "to": "emergency" }),
            (StatusCode::BAD_REQUEST, "required"),
        )
        .await;
        let handed = last
            .ok(
                &desk,
                "hand-off",
                json!({ "to": "emergency", "note": "已告知拨打119" }),
                "handed_off",
            )
            .await;
        assert_eq!(handed["handling"]["handed_off"], "emergency");
        last.refused(
            &desk,
            "dispatch",
            json!({ "unit": TOWNSHIP }),
            (StatusCode::CONFLICT, "invalid_transition"),
        )
        .await;
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_dispatch_by_the_routing_list_records_the_version_that_chose_the_unit() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let desk = sandbox.account("desk.staff", &["staff"], TOWNSHIP).await;
        let leader = sandbox.account("desk.leader", &["leader"], TOWNSHIP).await;
        let put = |version: i64, routes: Value| {
            let sandbox = &sandbox;
            let leader = leader.clone();
            async move {
                let response = sandbox
                    .client
                    .put(sandbox.url("/api/v1/routing-list"))
                    .bearer_auth(&leader)
                    .json(
                        &json!({ "division_code": TOWNSHIP, "version": version, "routes": routes }),
                    )
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                (status, response.json::<Value>().await.unwrap())
            }
        };
        let (status, first) = put(
            0,
            json!([{ "category": "illegal_construction", "unit": TOWNSHIP }]),
        )
        .await;
        assert_eq!(
            (status, first["version"].as_i64()),
            (StatusCode::OK, Some(1)),
            "{first}"
        );
        let (status, _) = put(0, json!([])).await;
        assert_eq!(status, StatusCode::CONFLICT, "a stale version");
        let (status, problem) = put(1, json!([{ "category": "weather", "unit": TOWNSHIP }])).await;
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::BAD_REQUEST, &json!("unknown_category"))
        );
        let (status, second) = put(
            1,
            json!([
                { "category": "illegal_construction", "unit": TOWNSHIP },
                { "category": "illegal_construction", "village": VILLAGE, "unit": VILLAGE },
            ]),
        )
        .await;
        assert_eq!(
            (status, second["version"].as_i64()),
            (StatusCode::OK, Some(2))
        );

        // A request about the village goes to the village by version 2.
        let mut body = complaint_body();
        body["division_code"] = VILLAGE.into();
        let created: Value = sandbox
            .post_as(&desk, "/api/v1/complaints", &body)
            .await
            .json()
            .await
            .unwrap();
        let c = Desk {
            sandbox: &sandbox,
            id: created["id"].as_str().unwrap().to_owned(),
        };
        let routed = c.ok(&desk, "dispatch", json!({}), "dispatched").await;
        assert_eq!(routed["handling"]["unit"], VILLAGE);
        assert_eq!(routed["handling"]["routing_version"], 2);
        let timeline: Value = sandbox
            .get_as(&desk, &format!("/api/v1/complaints/{}/timeline", c.id))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(timeline["events"][0]["kind"], "dispatched");

        // A category the list does not name is dispatched by hand.
        let mut wages = complaint_body();
        wages["category"] = "wages".into();
        let created: Value = sandbox
            .post_as(&desk, "/api/v1/complaints", &wages)
            .await
            .json()
            .await
            .unwrap();
        let w = Desk {
            sandbox: &sandbox,
            id: created["id"].as_str().unwrap().to_owned(),
        };
        w.refused(
            &desk,
            "dispatch",
            json!({}),
            (StatusCode::UNPROCESSABLE_ENTITY, "no_route"),
        )
        .await;
        let by_hand = w
            .ok(&desk, "dispatch", json!({ "unit": TOWNSHIP }), "dispatched")
            .await;
        assert!(by_hand["handling"].get("routing_version").is_none());
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_report_about_enforcement_conduct_never_reaches_the_unit_or_officer_it_names() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let county_desk = sandbox.account("county.desk", &["staff"], COUNTY).await;
        let township = sandbox.account("desk.staff", &["staff"], TOWNSHIP).await;
        let officer = sandbox.account("officer.li", &["officer"], TOWNSHIP).await;
        let mut report = complaint_body();
        report["category"] = "enforcement_conduct".into();
        report["content"] = "执法队员态度恶劣，违规收取罚款".into();
        report["concerns_unit"] = TOWNSHIP.into();
        let created: Value = sandbox
            .post_as(&county_desk, "/api/v1/complaints", &report)
            .await
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(created["handling"]["concerns_unit"], TOWNSHIP, "{created}");

        // The township it names cannot read it, nor find it in its list.
        let hidden = sandbox
            .get_as(&township, &format!("/api/v1/complaints/{id}"))
            .await;
        assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
        let listed: Value = sandbox
            .get_as(&township, "/api/v1/complaints")
            .await
            .json()
            .await
            .unwrap();
        assert!(!listed.to_string().contains(&id), "{listed}");
        // Nor can it be dispatched there or to a village of it.
        let c = Desk {
            sandbox: &sandbox,
            id: id.clone(),
        };
        c.refused(
            &county_desk,
            "dispatch",
            json!({ "unit": TOWNSHIP }),
            (StatusCode::UNPROCESSABLE_ENTITY, "named_in_report"),
        )
        .await;
        c.refused(
            &county_desk,
            "dispatch",
            json!({ "unit": VILLAGE }),
            (StatusCode::UNPROCESSABLE_ENTITY, "named_in_report"),
        )
        .await;
        c.ok(
            &county_desk,
            "dispatch",
            json!({ "unit": COUNTY }),
            "dispatched",
        )
        .await;

        // An officer named by account cannot read what his township can.
        let mut about_officer = complaint_body();
        about_officer["category"] = "enforcement_conduct".into();
        about_officer["concerns_officer"] = "officer.li".into();
        let created: Value = sandbox
            .post_as(&county_desk, "/api/v1/complaints", &about_officer)
            .await
            .json()
            .await
            .unwrap();
        let path = format!("/api/v1/complaints/{}", created["id"].as_str().unwrap());
        assert_eq!(
            sandbox.get_as(&officer, &path).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            sandbox.get_as(&township, &path).await.status(),
            StatusCode::OK
        );

        // Only a report about enforcement conduct names anyone.
        let mut wrong = complaint_body();
        wrong["concerns_unit"] = TOWNSHIP.into();
        let refused = sandbox
            .post_as(&county_desk, "/api/v1/complaints", &wrong)
            .await;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        sandbox.stop().await;
    }
}
