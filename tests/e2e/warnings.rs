//! Warnings (预警): deadlines near (yellow) or passed (red) from every
//! service, each linking to its record, scoped, filtered and paged. Every
//! date is set relative to today, so the test holds whenever it runs.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::authorization::id_number;
use crate::fixtures::{filed_case, lead, post, township};

fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .to_rfc3339()
}

/// A complaint pushed with its own received time and reply due time.
fn ticket(n: usize, received: chrono::DateTime<Utc>, due: chrono::DateTime<Utc>) -> Value {
    json!({
        "source": "county_12345", "external_id": format!("warn-{n}"),
        "received_at": rfc3339(received), "due_at": rfc3339(due),
        "channel": "hotline_12345", "type": "complaint", "category": "illegal_construction",
        "content": "反映违建", "address": "老城镇西关村", "division_code": TOWNSHIP,
        "complainant_name": "张三", "complainant_phone": "13812341234",
    })
}

/// A certificate issued so that its last valid day (five years on) is
/// `last`, with the exam and training the issue needs.
async fn certificate_ending(sandbox: &Sandbox, county: &str, n: usize, last: NaiveDate) -> String {
    let issued = NaiveDate::from_ymd_opt(last.year() - 5, last.month(), last.day())
        .unwrap_or(last)
        .succ_opt()
        .unwrap();
    let (status, person) = post(sandbox, county, "/api/v1/people", json!({
        "division_code": TOWNSHIP, "name": format!("持证人{n}"), "id_number": id_number(900 + n),
        "unit": "老城镇综合行政执法大队", "employment": "civil_servant", "enforcement_post": true,
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{person}");
    let id = person["id"].as_str().unwrap().to_owned();
    let before = issued - Duration::days(10);
    for (path, body) in [
        (
            "/api/v1/exams",
            json!({
                "division_code": TOWNSHIP, "kind": "qualification", "title": "执法资格考试",
                "held_on": before.to_string(), "results": [{ "person_id": id, "score": 86 }],
            }),
        ),
        (
            "/api/v1/training-sessions",
            json!({
                "division_code": TOWNSHIP, "topic": "岗前培训", "kind": "in_person",
                "held_on": before.to_string(), "attendance": [{ "person_id": id, "hours": 8 }],
            }),
        ),
        (
            "/api/v1/certificates",
            json!({
                "person_id": id, "number": format!("豫执4116248{n:03}"), "issued_on": issued.to_string(),
            }),
        ),
    ] {
        let (status, body) = post(sandbox, county, path, body).await;
        assert_eq!(status, StatusCode::CREATED, "{path}: {body}");
        if path == "/api/v1/certificates" {
            assert_eq!(body["valid_until"], last.to_string(), "{body}");
            return body["id"].as_str().unwrap().to_owned();
        }
    }
    unreachable!()
}

async fn warnings(sandbox: &Sandbox, token: &str, query: &str) -> Value {
    let response = sandbox
        .get_as(token, &format!("/api/v1/oversight/warnings?{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn kinds(answer: &Value) -> Vec<(String, String, String)> {
    answer["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["kind"].as_str().unwrap().to_owned(),
                w["level"].as_str().unwrap().to_owned(),
                w["record_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn deadlines_near_and_passed_are_warned_of_with_their_records() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let county = sandbox
            .account("county.certificates", &["county_overseer"], COUNTY)
            .await;
        let platform = sandbox.account("county.platform", &["admin"], COUNTY).await;
        let now = Utc::now();
        let (status, pushed) = post(
            &sandbox,
            &platform,
            "/api/v1/complaints:batch",
            json!({ "items": [
                ticket(1, now - Duration::days(20), now - Duration::days(1)),
                ticket(2, now - Duration::days(1), now + Duration::hours(2)),
                ticket(3, now - Duration::days(1), now + Duration::days(30)),
            ]}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{pushed}");
        let complaint = |i: usize| pushed["results"][i]["id"].as_str().unwrap().to_owned();
        let (late, near) = (complaint(0), complaint(1));

        // Two cases: one filed long past its 90 days, one due within ten.
        let t = township(&sandbox, "watch", 40).await;
        let mut cases = Vec::new();
        for filed in [today() - Duration::days(200), today() - Duration::days(85)] {
            let mut body = lead();
            let discovered = filed - Duration::days(3);
            body["discovered_on"] = discovered.to_string().into();
            body["act_on"] = (discovered - Duration::days(5)).to_string().into();
            let id = filed_case(&sandbox, &t, body, &filed.to_string()).await;
            cases.push(id);
        }
        let expired = certificate_ending(&sandbox, &county, 1, today() - Duration::days(4)).await;
        let expiring = certificate_ending(&sandbox, &county, 2, today() + Duration::days(9)).await;
        let far = certificate_ending(&sandbox, &county, 3, today() + Duration::days(200)).await;

        let leader = sandbox
            .account("watch.township", &["leader"], TOWNSHIP)
            .await;
        let all = warnings(&sandbox, &leader, "page_size=200").await;
        assert_eq!(all["partial"], false);
        let found = kinds(&all);
        let expect = [
            ("complaint_reply", "red", &late),
            ("complaint_reply", "yellow", &near),
            ("case_decision", "red", &cases[0]),
            ("case_decision", "yellow", &cases[1]),
            ("certificate_expiry", "red", &expired),
            ("certificate_expiry", "yellow", &expiring),
        ];
        for (kind, level, id) in expect {
            assert!(
                found.contains(&(kind.to_owned(), level.to_owned(), id.clone())),
                "{kind} {level} {id} missing: {all}"
            );
        }
        assert!(
            !found
                .iter()
                .any(|(_, _, id)| *id == complaint(2) || *id == far),
            "{all}"
        );
        // In the fourth quarter, officers short of the year's hours (the two
        // officers and the three certificate holders have none this year);
        // never before it.
        let short = found
            .iter()
            .filter(|(k, _, _)| k == "training_hours")
            .count();
        assert_eq!(short, if today().month() >= 10 { 5 } else { 0 }, "{all}");
        // By deadline, each linking to its record.
        let dues: Vec<&str> = all["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["due_at"].as_str().unwrap())
            .collect();
        let mut sorted = dues.clone();
        sorted.sort_by_key(|d| chrono::DateTime::parse_from_rfc3339(d).unwrap());
        assert_eq!(dues, sorted);
        let first_case = all["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["record_id"] == cases[0])
            .unwrap();
        assert_eq!(first_case["link"], format!("/api/v1/cases/{}", cases[0]));
        let linked = sandbox
            .get_as(&leader, first_case["link"].as_str().unwrap())
            .await;
        assert_eq!(linked.status(), StatusCode::OK);

        // Filtered, and paged one at a time through the same list.
        let red = warnings(&sandbox, &leader, "level=red").await;
        assert!(kinds(&red).iter().all(|(_, l, _)| l == "red"));
        assert_eq!(
            kinds(&red).len(),
            found.iter().filter(|(_, l, _)| l == "red").count()
        );
        let decisions = warnings(&sandbox, &leader, "kind=case_decision").await;
        assert_eq!(kinds(&decisions).len(), 2);
        let mut paged = Vec::new();
        let mut token = String::new();
        loop {
            let page = warnings(
                &sandbox,
                &leader,
                &format!("page_size=1&page_token={token}"),
            )
            .await;
            paged.extend(kinds(&page));
            token = page["next_page_token"].as_str().unwrap().to_owned();
            if token.is_empty() {
                break;
            }
        }
        assert_eq!(paged, found);

        // Another township sees none of them; bad filters are refused.
        let other = sandbox
            .account("other.leader", &["leader"], OTHER_TOWNSHIP)
            .await;
        assert_eq!(kinds(&warnings(&sandbox, &other, "").await), []);
        let outside = sandbox
            .get_as(
                &other,
                &format!("/api/v1/oversight/warnings?division={TOWNSHIP}"),
            )
            .await;
        assert_eq!(outside.status(), StatusCode::FORBIDDEN);
        for query in ["level=orange", "kind=weather", "page_size=500"] {
            let refused = sandbox
                .get_as(&leader, &format!("/api/v1/oversight/warnings?{query}"))
                .await;
            assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{query}");
        }
        sandbox.stop().await;
    }
}

/// `?due=near` and the warnings hold a reply due at the end of the next
/// working day (23:59:59), and not one due after it; across a holiday the
/// next working day is the first after it.
#[tokio::test]
async fn a_reply_due_at_the_end_of_the_next_working_day_is_near() {
    let china = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    };
    // Tuesday 11 Nov 2025, next working day Wednesday; Tuesday 30 Sep 2025,
    // National Day and Mid-Autumn (1–8 Oct) between it and Thursday 9 Oct.
    for (now, near, later) in [
        (
            "2025-11-11T10:00:00+08:00",
            "2025-11-12T23:59:59+08:00",
            "2025-11-13T00:00:00+08:00",
        ),
        (
            "2025-09-30T10:00:00+08:00",
            "2025-10-09T23:59:59+08:00",
            "2025-10-10T23:59:59+08:00",
        ),
    ] {
        let now = china(now);
        let clock = fazhi_platform::clock::ManualClock::new(now);
        let sandbox =
            Sandbox::start_with_clock(fazhi_e2e::Backend::Sqlite, |_| {}, clock.clone()).await;
        let platform = sandbox.account("near.platform", &["admin"], COUNTY).await;
        let received = now - Duration::hours(20);
        let (status, pushed) = post(
            &sandbox,
            &platform,
            "/api/v1/complaints:batch",
            json!({ "items": [ticket(1, received, china(near)), ticket(2, received, china(later))] }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{pushed}");
        let id = |i: usize| pushed["results"][i]["id"].as_str().unwrap().to_owned();
        let listed = sandbox
            .get_as(&platform, "/api/v1/complaints?due=near")
            .await
            .json::<Value>()
            .await
            .unwrap();
        let ids: Vec<&str> = listed["complaints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [id(0).as_str()], "{now}: {listed}");
        let warned: Vec<String> = kinds(&warnings(&sandbox, &platform, "page_size=200").await)
            .into_iter()
            .filter(|(kind, _, _)| kind == "complaint_reply")
            .map(|(_, _, id)| id)
            .collect();
        assert_eq!(warned, [id(0)], "{now}");
        sandbox.stop().await;
    }
}

/// A petition-hall item owes its decision whether it is accepted within 15
/// days: warned of when it is near, and once dispatched no more.
#[tokio::test]
async fn a_petitions_acceptance_decision_is_warned_of_when_near() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-16T10:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc);
    let clock = fazhi_platform::clock::ManualClock::new(now);
    let sandbox =
        Sandbox::start_with_clock(fazhi_e2e::Backend::Sqlite, |_| {}, clock.clone()).await;
    let leader = sandbox
        .account("petition.leader", &["leader"], TOWNSHIP)
        .await;
    let mut ids = Vec::new();
    // Received 2 March (decision due 17 March) and 14 March (due 29 March).
    for at in ["2026-03-02T09:00:00+08:00", "2026-03-14T09:00:00+08:00"] {
        let mut body = fazhi_e2e::complaint_body();
        body["channel"] = json!("petition_hall");
        body["occurred_at"] = json!(at);
        let (status, c) = post(&sandbox, &leader, "/api/v1/complaints", body).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let warned = |answer: &Value| -> Vec<String> {
        kinds(answer)
            .into_iter()
            .filter(|(kind, _, _)| kind == "petition_accept")
            .map(|(_, _, id)| id)
            .collect()
    };
    let all = warnings(&sandbox, &leader, "page_size=200").await;
    assert_eq!(warned(&all), [ids[0].clone()], "{all}");
    let (status, _) = post(
        &sandbox,
        &leader,
        &format!("/api/v1/complaints/{}/dispatch", ids[0]),
        json!({ "version": 1, "unit": "411624100001" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = warnings(&sandbox, &leader, "kind=petition_accept").await;
    assert!(warned(&after).is_empty(), "{after}");
    sandbox.stop().await;
}

/// An urgent request owes a first feedback within 2 hours: warned of until
/// it is dispatched; a request received well before the clock's hour is
/// past due and red, one just received is near and yellow.
#[tokio::test]
async fn an_urgent_requests_first_feedback_is_warned_of_until_dispatched() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-16T10:00:00+08:00")
        .unwrap()
        .with_timezone(&Utc);
    let clock = fazhi_platform::clock::ManualClock::new(now);
    let sandbox =
        Sandbox::start_with_clock(fazhi_e2e::Backend::Sqlite, |_| {}, clock.clone()).await;
    let leader = sandbox
        .account("urgent.leader", &["leader"], TOWNSHIP)
        .await;
    let mut ids = Vec::new();
    // Feedback due at 09:00 (passed) and at 11:30 (within the 4 hours near).
    for at in ["2026-03-16T07:00:00+08:00", "2026-03-16T09:30:00+08:00"] {
        let mut body = fazhi_e2e::complaint_body();
        body["urgent"] = json!(true);
        body["occurred_at"] = json!(at);
        let (status, c) = post(&sandbox, &leader, "/api/v1/complaints", body).await;
        assert_eq!(status, StatusCode::CREATED, "{c}");
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let feedback = |answer: &Value| -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = kinds(answer)
            .into_iter()
            .filter(|(kind, _, _)| kind == "complaint_feedback")
            .map(|(_, level, id)| (id, level))
            .collect();
        found.sort();
        found
    };
    let all = warnings(&sandbox, &leader, "page_size=200").await;
    let mut expected = vec![
        (ids[0].clone(), "red".to_owned()),
        (ids[1].clone(), "yellow".to_owned()),
    ];
    expected.sort();
    assert_eq!(feedback(&all), expected, "{all}");
    let (status, _) = post(
        &sandbox,
        &leader,
        &format!("/api/v1/complaints/{}/dispatch", ids[0]),
        json!({ "version": 1, "unit": "411624100001" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = warnings(&sandbox, &leader, "kind=complaint_feedback").await;
    assert_eq!(
        feedback(&after),
        [(ids[1].clone(), "yellow".to_owned())],
        "{after}"
    );
    sandbox.stop().await;
}
