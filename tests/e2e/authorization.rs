//! The authorization matrix, walked: every route of the API document × every
//! role × a record of the caller's own division and of another one. A route
//! the walk does not know fails it, so no route ships without a rule.

use std::collections::BTreeSet;

use fazhi_e2e::{Backend, COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends, complaint_body};
use fazhi_gateway::identity::authz::{self, Access};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ROLES: [&str; 8] = [
    "staff",
    "officer",
    "legal_reviewer",
    "leader",
    "county_overseer",
    "admin",
    "integration",
    "statistics_reader",
];
const PASSWORD: &str = "a long test password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Own = 0,
    Other = 1,
}

/// What a permitted caller gets for a record outside their divisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outside {
    /// An id outside the scope is the same as no such id.
    NotFound,
    /// A filter or new record outside the scope is refused.
    Forbidden,
    /// The route has no division (the caller's own identity, the audit log).
    Same,
    /// An imported row outside the scope is rejected with the rest of the file.
    Rejected,
}

/// Records both divisions hold, made before the walk.
struct Fixtures {
    complaint: [String; 2],
    api_key: [String; 2],
    tracking: String,
    person: [String; 2],
    certificate: [String; 2],
    power_item: [String; 2],
    power_code: [String; 2],
    case: [String; 2],
    /// A record of each case with its content stored, and one without.
    record_stored: [String; 2],
    record_blank: [String; 2],
    /// A normative document in each division's register.
    register_entry: [String; 2],
}

/// The content of the fixture records.
const RECORD_CONTENT: &str = "执法记录仪视频（走查）";

/// Routes whose first permitted call changes the record, so a second
/// permitted caller may meet a state conflict (409/422) instead of success:
/// authorization passed all the same.
const STATEFUL: &[&str] = &[
    "/api/v1/auth/password",
    "/api/v1/people/{id}/leave-post",
    "/api/v1/people/{id}/transfer",
    "/api/v1/certificates",
    "/api/v1/certificates/{id}/suspend",
    "/api/v1/certificates/{id}/reinstate",
    "/api/v1/certificates/{id}/revoke",
    "/api/v1/certificates/{id}/expire",
    "/api/v1/cases/{id}/file",
    "/api/v1/complaints/{id}/dispatch",
    "/api/v1/complaints/{id}/accept",
    "/api/v1/complaints/{id}/return",
    "/api/v1/complaints/{id}/extension",
    "/api/v1/complaints/{id}/extension/decide",
    "/api/v1/complaints/{id}/reply",
    "/api/v1/complaints/{id}/follow-up",
    "/api/v1/complaints/{id}/close",
    "/api/v1/complaints/{id}/reopen",
    "/api/v1/complaints/{id}/duplicate",
    "/api/v1/complaints/{id}/hand-off",
    "/api/v1/complaints/{id}/supervise",
    "/api/v1/complaints/{id}/escalate",
    "/api/v1/routing-list",
    "/api/v1/registers/{register}/{id}",
    "/api/v1/cases/{id}/records/{record_id}/content",
    "/api/v1/cases/{id}/decline",
    "/api/v1/cases/{id}/terminate",
    "/api/v1/cases/{id}/notify",
    "/api/v1/cases/{id}/defence",
    "/api/v1/cases/{id}/hearing-request",
    "/api/v1/cases/{id}/hearing-waiver",
    "/api/v1/cases/{id}/correction",
    "/api/v1/cases/{id}/hearing",
    "/api/v1/cases/{id}/review",
    "/api/v1/cases/{id}/discussion",
    "/api/v1/cases/{id}/decide",
    "/api/v1/cases/{id}/serve",
    "/api/v1/cases/{id}/payment",
    "/api/v1/cases/{id}/close",
    "/api/v1/cases/{id}/publication",
    "/api/v1/cases/{id}/publication/withdraw",
    "/api/v1/cases/{id}/on-the-spot",
    "/api/v1/cases/{id}/recusal",
    "/api/v1/cases/{id}/officers",
    "/api/v1/cases/{id}/spot-report",
    "/api/v1/cases/{id}/cash-hand-in",
    "/api/v1/cases/{id}/suspension",
    "/api/v1/cases/{id}/resumption",
    "/api/v1/cases/{id}/seizure",
    "/api/v1/cases/{id}/seizure/extend",
    "/api/v1/cases/{id}/seizure/release",
    "/api/v1/cases/{id}/demolition-notice",
    "/api/v1/cases/{id}/demolition",
    "/api/v1/cases/{id}/decision-period/extend",
    "/api/v1/cases/{id}/payment/defer",
    "/api/v1/cases/{id}/payment/demand",
    "/api/v1/cases/{id}/court-enforcement",
    "/api/v1/cases/{id}/evidence-preservation",
    "/api/v1/cases/{id}/evidence-preservation/decide",
    "/api/v1/cases/{id}/appeal",
    "/api/v1/cases/{id}/appeal/conclusion",
    "/api/v1/cases/{id}/payment/instalments",
    "/api/v1/cases/{id}/enforcement/demand",
    "/api/v1/cases/{id}/enforcement/statement",
    "/api/v1/cases/{id}/enforcement/decision",
    "/api/v1/cases/{id}/enforcement/agreement",
    // Not stateful, but the fixture case is a lead: it has no document to
    // write yet (409) once authorization passed.
    "/api/v1/cases/{id}/documents/{kind}",
];

/// A valid resident ID number (GB 11643 check digit) for sequence `n`.
pub fn id_number(n: usize) -> String {
    let body = format!("411624199001{:02}{:03}", 1 + n / 1000 % 28, n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .bytes()
        .zip(weights)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

impl Fixtures {
    fn pick<'a>(&'a self, pair: &'a [String; 2], target: Target) -> &'a str {
        match target {
            Target::Own => &pair[0],
            Target::Other => &pair[1],
        }
    }
}

fn division(target: Target) -> &'static str {
    match target {
        Target::Own => TOWNSHIP,
        Target::Other => OTHER_TOWNSHIP,
    }
}

/// The request that exercises `method path` against `target`, and what a
/// permitted caller gets outside their divisions. `None` for a route the
/// walk does not know.
fn probe(
    method: &str,
    path: &str,
    target: Target,
    fx: &Fixtures,
    role: &str,
    n: usize,
) -> Option<(Method, String, Option<Value>, Outside)> {
    let d = division(target);
    let mut complaint = complaint_body();
    complaint["division_code"] = d.into();
    let found = match (method, path) {
        ("POST", "/api/v1/auth/login") => (
            Method::POST,
            path.to_owned(),
            Some(json!({ "username": format!("role-{role}"), "password": PASSWORD })),
            Outside::Same,
        ),
        ("GET", "/api/v1/auth/me") => (Method::GET, path.to_owned(), None, Outside::Same),
        // A wrong old password: authorization passed, the change is refused (422).
        ("POST", "/api/v1/auth/password") => (
            Method::POST,
            path.to_owned(),
            Some(
                json!({ "old_password": "not it at all", "new_password": "another long password" }),
            ),
            Outside::Same,
        ),
        ("POST", "/api/v1/auth/logout-everywhere") => {
            (Method::POST, path.to_owned(), None, Outside::Same)
        }
        ("POST", "/api/v1/public/complaints") => {
            let mut body = complaint.clone();
            body.as_object_mut().unwrap().remove("channel");
            (Method::POST, path.to_owned(), Some(body), Outside::Same)
        }
        ("GET", "/api/v1/public/complaints/{tracking_code}") => (
            Method::GET,
            format!("/api/v1/public/complaints/{}?phone_last4=1234", fx.tracking),
            None,
            Outside::Same,
        ),
        ("POST", "/api/v1/complaints") => (
            Method::POST,
            path.to_owned(),
            Some(complaint),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/complaints") | ("GET", "/api/v1/complaint-events") => (
            Method::GET,
            format!("{path}?division={d}"),
            None,
            Outside::Forbidden,
        ),
        // A ticket outside the caller's divisions is rejected inside a 200.
        ("POST", "/api/v1/complaints:batch") => {
            let mut item = complaint.clone();
            let object = item.as_object_mut().unwrap();
            object.insert("source".into(), "county_12345".into());
            object.insert("external_id".into(), format!("walk-{n}").into());
            object.insert("received_at".into(), "2026-11-02T09:30:00+08:00".into());
            (
                Method::POST,
                path.to_owned(),
                Some(json!({ "items": [item] })),
                Outside::Same,
            )
        }
        ("GET", "/api/v1/complaint-categories") => {
            (Method::GET, path.to_owned(), None, Outside::Same)
        }
        // An event for a ticket nobody can see is rejected inside a 200.
        ("POST", "/api/v1/complaints:events") => (
            Method::POST,
            path.to_owned(),
            Some(json!({ "events": [{
                "source": "county_12345", "external_id": format!("walk-{n}"),
                "event_id": format!("ev-{n}"), "kind": "urged",
            }] })),
            Outside::Same,
        ),
        ("GET", "/api/v1/divisions") => (
            Method::GET,
            format!("{path}?under={d}"),
            None,
            Outside::Forbidden,
        ),
        ("PUT", "/api/v1/divisions") => (
            Method::PUT,
            path.to_owned(),
            Some(json!({ "divisions": [{ "code": d, "name": "某镇" }] })),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/registers/{register}") => (
            Method::GET,
            format!("/api/v1/registers/normative-documents?division={d}"),
            None,
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/registers/{register}") => (
            Method::POST,
            "/api/v1/registers/normative-documents".to_owned(),
            Some(json!({ "division_code": d, "title": "通知", "dated": "2025-03-01" })),
            Outside::Forbidden,
        ),
        // At a version never read: authorization passed, the change is a conflict.
        ("PUT", "/api/v1/registers/{register}/{id}") => (
            Method::PUT,
            format!(
                "/api/v1/registers/normative-documents/{}",
                fx.pick(&fx.register_entry, target)
            ),
            Some(
                json!({ "division_code": d, "title": "通知", "dated": "2025-03-01", "version": 99 }),
            ),
            Outside::NotFound,
        ),
        ("DELETE", "/api/v1/registers/{register}/{id}") => (
            Method::DELETE,
            format!(
                "/api/v1/registers/normative-documents/{}?version=99",
                fx.pick(&fx.register_entry, target)
            ),
            None,
            Outside::NotFound,
        ),
        ("POST", "/api/v1/imports/registers/{register}") => (
            Method::POST,
            "/api/v1/imports/registers/normative-documents".to_owned(),
            Some(Value::String(format!(
                "区划代码,文件名称,印发日期,文号,报备日期,审查日期,纠正日期\n{d},通知,2025-03-01,,,,\n"
            ))),
            Outside::Rejected,
        ),
        ("GET", "/api/v1/routing-list") => (
            Method::GET,
            format!("{path}?division={d}"),
            None,
            Outside::Forbidden,
        ),
        // The first permitted caller writes version 1; later ones meet 409.
        ("PUT", "/api/v1/routing-list") => (
            Method::PUT,
            path.to_owned(),
            Some(json!({
                "division_code": d, "version": 0,
                "routes": [{ "category": "illegal_construction", "unit": d }],
            })),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/complaints/{id}/timeline")
        | ("GET", "/api/v1/complaints/{id}/possible-duplicates") => (
            Method::GET,
            path.replace("{id}", fx.pick(&fx.complaint, target)),
            None,
            Outside::NotFound,
        ),
        // The fixture complaint moves on (or meets 409/422) as the walk goes.
        ("POST", p) if p.starts_with("/api/v1/complaints/{id}/") => {
            let step = p.trim_start_matches("/api/v1/complaints/{id}/");
            let body = match step {
                "dispatch" => json!({ "version": 1, "unit": d }),
                "return" => json!({ "version": 2, "reason": "wrong_unit" }),
                "extension" => json!({ "version": 3, "working_days": 3, "note": "需现场核查" }),
                "extension/decide" => json!({ "version": 3, "approved": true }),
                "reply" => json!({ "version": 3, "text": "已处理" }),
                "follow-up" => {
                    json!({ "version": 4, "resolved": true, "satisfaction": "satisfied" })
                }
                "duplicate" => json!({ "version": 2, "of": fx.pick(&fx.complaint, target) }),
                "hand-off" => json!({ "version": 2, "to": "court", "note": "告知诉讼途径" }),
                "escalate" => json!({
                    "version": 2, "party": { "kind": "person", "name": "王五" },
                    "act_on": "2025-06-01", "continuing": true,
                }),
                _ => json!({ "version": 2 }),
            };
            (
                Method::POST,
                path.replace("{id}", fx.pick(&fx.complaint, target)),
                Some(body),
                Outside::NotFound,
            )
        }
        ("GET", "/api/v1/complaints/{id}") => (
            Method::GET,
            format!("/api/v1/complaints/{}", fx.pick(&fx.complaint, target)),
            None,
            Outside::NotFound,
        ),
        ("GET", "/api/v1/oversight/warnings") => (
            Method::GET,
            format!("{path}?division={d}"),
            None,
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/reports/annual") => (
            Method::GET,
            format!("{path}?division={d}&year=2025&format=json"),
            None,
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/oversight/summary") => (
            Method::GET,
            format!("{path}?division={d}"),
            None,
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/audit-events") => (Method::GET, path.to_owned(), None, Outside::Same),
        ("GET", "/api/v1/accounts") => (Method::GET, path.to_owned(), None, Outside::Same),
        ("POST", "/api/v1/accounts") => (
            Method::POST,
            path.to_owned(),
            Some(json!({
                "username": format!("new-{role}-{n}"),
                "password": PASSWORD,
                "roles": ["staff"],
                "division_code": d,
            })),
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/accounts/{username}/disable")
        | ("POST", "/api/v1/accounts/{username}/enable") => {
            let who = match target {
                Target::Own => "victim-own",
                Target::Other => "victim-other",
            };
            (
                Method::POST,
                path.replace("{username}", who),
                None,
                Outside::NotFound,
            )
        }
        ("POST", "/api/v1/accounts/{username}/reset-password") => {
            let who = match target {
                Target::Own => "victim-own",
                Target::Other => "victim-other",
            };
            (
                Method::POST,
                path.replace("{username}", who),
                Some(json!({})),
                Outside::NotFound,
            )
        }
        ("GET", "/api/v1/api-keys") => (Method::GET, path.to_owned(), None, Outside::Same),
        ("GET", "/api/v1/delivery-endpoints") | ("GET", "/api/v1/deliveries/dead") => {
            (Method::GET, path.to_owned(), None, Outside::Same)
        }
        ("PUT", "/api/v1/delivery-endpoints/{source}") => (
            Method::PUT,
            path.replace("{source}", "county_12345"),
            Some(json!({ "url": "https://12345.example.cn/hook" })),
            Outside::Same,
        ),
        ("POST", "/api/v1/deliveries/{position}/redeliver") => (
            Method::POST,
            path.replace("{position}", "1"),
            Some(json!({})),
            Outside::Same,
        ),
        ("POST", "/api/v1/api-keys") => (
            Method::POST,
            path.to_owned(),
            Some(json!({ "name": "county 12345", "roles": ["staff"], "division_code": d })),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/people")
        | ("GET", "/api/v1/training/stats")
        | ("GET", "/api/v1/certificates")
        | ("GET", "/api/v1/training-sessions")
        | ("GET", "/api/v1/exams")
        | ("GET", "/api/v1/outreach-events") => (
            Method::GET,
            format!("{path}?division={d}"),
            None,
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/people") => (
            Method::POST,
            path.to_owned(),
            Some(json!({
                "division_code": d, "name": "王五", "id_number": id_number(100 + n),
                "unit": "综合行政执法大队", "employment": "civil_servant", "enforcement_post": true,
            })),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/people/{id}") | ("GET", "/api/v1/people/{id}/certified") => (
            Method::GET,
            path.replace("{id}", fx.pick(&fx.person, target)),
            None,
            Outside::NotFound,
        ),
        ("POST", "/api/v1/people/{id}/leave-post") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.person, target)),
            Some(json!({ "version": 1 })),
            Outside::NotFound,
        ),
        // To a village of the division: within the caller's own scope.
        ("POST", "/api/v1/people/{id}/transfer") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.person, target)),
            Some(json!({ "division_code": format!("{d}001"), "version": 1 })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/training-sessions") => (
            Method::POST,
            path.to_owned(),
            Some(json!({
                "division_code": d, "topic": "行政处罚法", "kind": "in_person", "held_on": "2025-06-01",
                "attendance": [{ "person_id": fx.pick(&fx.person, target), "hours": 2.5 }],
            })),
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/exams") => (
            Method::POST,
            path.to_owned(),
            Some(json!({
                "division_code": d, "kind": "law_study", "title": "学法考试", "held_on": "2025-06-01",
                "results": [{ "person_id": fx.pick(&fx.person, target), "score": 92 }],
            })),
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/outreach-events") => (
            Method::POST,
            path.to_owned(),
            Some(json!({
                "division_code": d, "held_on": "2025-12-04", "theme": "12·4 国家宪法日",
                "audience": "school", "materials": 30, "people_reached": 200,
            })),
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/certificates") => (
            Method::POST,
            path.to_owned(),
            Some(json!({
                "person_id": fx.pick(&fx.person, target), "number": format!("豫{n:08}"),
                "issued_on": "2025-07-01",
            })),
            Outside::NotFound,
        ),
        ("GET", "/api/v1/certificates/{id}") => (
            Method::GET,
            path.replace("{id}", fx.pick(&fx.certificate, target)),
            None,
            Outside::NotFound,
        ),
        ("POST", "/api/v1/certificates/{id}/suspend")
        | ("POST", "/api/v1/certificates/{id}/reinstate")
        | ("POST", "/api/v1/certificates/{id}/revoke")
        | ("POST", "/api/v1/certificates/{id}/expire") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.certificate, target)),
            Some(json!({ "version": 1 })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/imports/complaints") => (
            Method::POST,
            format!("{path}?format=csv"),
            Some(Value::String(format!(
                "工单编号,来源,受理时间,渠道,类型,分类,诉求内容,地址,区划代码,诉求人,电话,派单时间,承办单位,签收时间,退单时间,退单原因,延期批准时间,延期天数,答复时间,答复内容,回访时间,是否解决,满意度,办结时间,重复件原工单编号\n\
                 WALK-{n},county-12345,{},12345热线,投诉,违法建设,有人违法建房,西关村,{d},,,,,,,,,,,,,,,,\n",
                (chrono::Utc::now() - chrono::Duration::days(1))
                    .with_timezone(&fazhi_platform::time::china())
                    .format("%Y-%m-%d %H:%M")
            ))),
            Outside::Rejected,
        ),
        ("POST", "/api/v1/imports/people") => (
            Method::POST,
            format!("{path}?format=csv"),
            Some(Value::String(format!(
                "division_code,name,id_number,unit,employment,rank,section_level,enforcement_post\n\
                 {d},赵{n},{},执法大队,civil_servant,,否,是\n",
                id_number(1000 + n)
            ))),
            Outside::Rejected,
        ),
        ("POST", "/api/v1/imports/power-items") => (
            Method::POST,
            format!("{path}?format=csv"),
            Some(Value::String(format!(
                "code,name,legal_basis,kind,source,category,effective_from,effective_to,holders\n\
                 walk-import-{n},对违法建设的行政处罚,《城乡规划法》第六十五条,penalty,own,comprehensive,2022-01-01,,{d}\n"
            ))),
            Outside::Rejected,
        ),
        ("POST", "/api/v1/imports/attendance") => (
            Method::POST,
            format!(
                "{path}?format=csv&division_code={d}&topic=t&kind=in_person&held_on=2025-06-01"
            ),
            Some(Value::String(format!(
                "身份证号,学时\n{},2\n",
                id_number(target as usize)
            ))),
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/imports/exam-results") => (
            Method::POST,
            format!(
                "{path}?format=csv&division_code={d}&kind=law_study&title=t&held_on=2025-06-01"
            ),
            Some(Value::String(format!(
                "身份证号,成绩\n{},88\n",
                id_number(target as usize)
            ))),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/exports/{list}") => (
            Method::GET,
            format!("/api/v1/exports/people?division={d}"),
            None,
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/annual-reviews") => (
            Method::POST,
            path.to_owned(),
            Some(json!({ "division_code": d, "year": 2025 })),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/power-items") | ("GET", "/api/v1/cases") => (
            Method::GET,
            format!("{path}?division={d}"),
            None,
            Outside::Forbidden,
        ),
        ("POST", "/api/v1/power-items") => (
            Method::POST,
            path.to_owned(),
            Some(power_item_body(&format!("walk-{n}"), d)),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/power-items/{id}") => (
            Method::GET,
            path.replace("{id}", fx.pick(&fx.power_item, target)),
            None,
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases") => (
            Method::POST,
            path.to_owned(),
            Some(lead_body(d)),
            Outside::Forbidden,
        ),
        ("GET", "/api/v1/cases/{id}")
        | ("GET", "/api/v1/cases/{id}/records")
        | ("GET", "/api/v1/cases/{id}/history")
        | ("GET", "/api/v1/cases/{id}/history/verify") => (
            Method::GET,
            path.replace("{id}", fx.pick(&fx.case, target)),
            None,
            Outside::NotFound,
        ),
        // One officer only: a permitted caller passes authorization and the
        // case's own checks, and is refused by Art. 42 (422).
        ("POST", "/api/v1/cases/{id}/file") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "power_item_code": fx.pick(&fx.power_code, target),
                "officer_ids": [fx.pick(&fx.person, target)],
            })),
            Outside::NotFound,
        ),
        // A lead has no decision to publish (422) nor a publication to withdraw.
        ("POST", "/api/v1/cases/{id}/publication") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "agency": "老城镇人民政府", "violation": "未经许可建房" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/publication/withdraw") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "reason": "revoked", "note": "复议撤销", "event_on": "2025-07-01" })),
            Outside::NotFound,
        ),
        // One officer only: refused by Art. 42 (422) once authorization passed.
        ("POST", "/api/v1/cases/{id}/on-the-spot") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "power_item_code": fx.pick(&fx.power_code, target),
                "officer_ids": [fx.pick(&fx.person, target)], "penalty": { "warning": true },
                "form_number": "豫A0001",
            })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/officers") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "officer_id": fx.pick(&fx.person, target), "reason": "transfer",
            })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/recusal") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "officer_id": fx.pick(&fx.person, target),
                "reason": "conflict_of_interest", "note": "亲属关系",
            })),
            Outside::NotFound,
        ),
        // The fixture lead is not filed nor decided: each measure is refused
        // by the case's state once authorization passed.
        ("POST", "/api/v1/cases/{id}/seizure") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "items": "挖掘机一台" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/seizure/extend") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "days": 30 })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/seizure/release") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1 })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/demolition-notice") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "removal_days": 30 })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/demolition") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "at": "2025-07-01T10:00:00+08:00" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/decision-period/extend")
        | ("POST", "/api/v1/cases/{id}/payment/defer") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "days": 30, "approved_by": "镇长", "basis": "规章" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/evidence-preservation") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "items": "建筑材料一批" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/evidence-preservation/decide") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "index": 0, "outcome": "returned" })),
            Outside::NotFound,
        ),
        ("GET", "/api/v1/public/decisions") => (Method::GET, path.to_owned(), None, Outside::Same),
        ("GET", "/api/v1/cases/{id}/records/{record_id}/content") => (
            Method::GET,
            path.replace("{id}", fx.pick(&fx.case, target))
                .replace("{record_id}", fx.pick(&fx.record_stored, target)),
            None,
            Outside::NotFound,
        ),
        // The first permitted upload stores it; later ones meet 409.
        ("PUT", "/api/v1/cases/{id}/records/{record_id}/content") => (
            Method::PUT,
            path.replace("{id}", fx.pick(&fx.case, target))
                .replace("{record_id}", fx.pick(&fx.record_blank, target)),
            Some(Value::String(RECORD_CONTENT.to_owned())),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/records") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "kind": "video", "step": "inspection", "sha256": "ab".repeat(32),
                "size_bytes": 1024, "location": "records/walk.mp4", "recorded_by": "someone",
                "device": "执法记录仪", "recorded_at": "2025-06-01T09:00:00+08:00",
            })),
            Outside::NotFound,
        ),
        // The fixture case is a lead: each step after filing is refused as
        // out of order (409) once authorization has passed.
        ("POST", "/api/v1/cases/{id}/notify") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "penalty": { "fine_fen": 50000 } })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/appeal") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "kind": "reconsideration" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/appeal/conclusion") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "outcome": "upheld" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/payment/instalments") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "approved_by": "镇长", "basis": "经济困难",
                "instalments": [
                    { "due": "2025-07-01", "amount_fen": 100 },
                    { "due": "2025-08-01", "amount_fen": 100 },
                ],
            })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/enforcement/demand") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "period_days": 10, "period_unit": "working_days" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/enforcement/statement") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "statement": "当事人未陈述申辩" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/enforcement/agreement") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "terms": "分阶段自行拆除" })),
            Outside::NotFound,
        ),
        ("GET", "/api/v1/cases/{id}/documents/{kind}") => (
            Method::GET,
            path.replace("{id}", fx.pick(&fx.case, target))
                .replace("{kind}", "notice"),
            None,
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/hearing-waiver") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "how": "written" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/suspension") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "reason": "party_missing" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/cash-hand-in") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "receipt_number": "豫财0000001" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/defence")
        | ("POST", "/api/v1/cases/{id}/correction")
        | ("POST", "/api/v1/cases/{id}/spot-report")
        | ("POST", "/api/v1/cases/{id}/resumption")
        | ("POST", "/api/v1/cases/{id}/hearing-request")
        | ("POST", "/api/v1/cases/{id}/payment/demand")
        | ("POST", "/api/v1/cases/{id}/enforcement/decision")
        | ("POST", "/api/v1/cases/{id}/court-enforcement")
        | ("POST", "/api/v1/cases/{id}/close") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1 })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/hearing") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "notified_on": "2025-06-02", "held_on": "2025-06-12",
                "presider_id": "someone",
            })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/review") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "reviewer_id": fx.pick(&fx.person, target), "approved": true, "opinion": "同意",
            })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/discussion") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({
                "version": 1, "leaders": ["镇长", "副镇长"], "minutes": "纪要", "conclusion": "同意",
            })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/decide") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "kind": "penalty", "penalty": { "warning": true } })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/serve") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "method": "in_person" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/payment") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "amount_fen": 50000 })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/cases/{id}/decline") | ("POST", "/api/v1/cases/{id}/terminate") => (
            Method::POST,
            path.replace("{id}", fx.pick(&fx.case, target)),
            Some(json!({ "version": 1, "reason": "证据不足" })),
            Outside::NotFound,
        ),
        ("POST", "/api/v1/api-keys/{id}/revoke") => (
            Method::POST,
            format!("/api/v1/api-keys/{}/revoke", fx.pick(&fx.api_key, target)),
            None,
            Outside::NotFound,
        ),
        _ => return None,
    };
    Some(found)
}

/// A power item held by `division`.
fn power_item_body(code: &str, division: &str) -> Value {
    json!({
        "code": code, "name": "对未取得乡村建设规划许可证进行建设的行政处罚",
        "legal_basis": "《中华人民共和国城乡规划法》第六十五条", "kind": "penalty", "source": "own",
        "category": "comprehensive", "effective_from": "2022-01-01", "holders": [division],
    })
}

/// A lead in `division` against an identified person.
fn lead_body(division: &str) -> Value {
    json!({
        "division_code": division, "source": "inspection",
        "party": { "kind": "person", "name": "王五", "id_number": id_number(900) },
        "facts": "未经许可建房", "act_on": "2025-05-01", "discovered_on": "2025-06-01",
    })
}

/// Every (method, path) of the API document.
async fn documented_routes(sandbox: &Sandbox) -> BTreeSet<(String, String)> {
    let doc: Value = sandbox.get_json("/openapi.json").await;
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                routes.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    routes
}

async fn setup(sandbox: &Sandbox) -> Fixtures {
    let admin = sandbox.account("walk.admin", &["admin"], COUNTY).await;
    let mut complaint = [String::new(), String::new()];
    let mut api_key = [String::new(), String::new()];
    for (i, d) in [TOWNSHIP, OTHER_TOWNSHIP].into_iter().enumerate() {
        let mut body = complaint_body();
        body["division_code"] = d.into();
        let created: Value = sandbox.post_complaint(&body).await.json().await.unwrap();
        complaint[i] = created["id"].as_str().unwrap().to_owned();
        let key: Value = sandbox
            .post_as(
                &admin,
                "/api/v1/api-keys",
                &json!({ "name": "fixture", "roles": ["staff"], "division_code": d }),
            )
            .await
            .json()
            .await
            .unwrap();
        api_key[i] = key["id"].as_str().unwrap().to_owned();
    }
    sandbox.account("victim-own", &["staff"], TOWNSHIP).await;
    sandbox
        .account("victim-other", &["staff"], OTHER_TOWNSHIP)
        .await;
    let mut public = complaint_body();
    public.as_object_mut().unwrap().remove("channel");
    public["complainant_phone"] = "13900001234".into();
    let receipt: Value = sandbox
        .post_as("", "/api/v1/public/complaints", &public)
        .await
        .json()
        .await
        .unwrap();
    let mut person = [String::new(), String::new()];
    let mut certificate = [String::new(), String::new()];
    for (i, d) in [TOWNSHIP, OTHER_TOWNSHIP].into_iter().enumerate() {
        let created: Value = sandbox
            .post_as(
                &admin,
                "/api/v1/people",
                &json!({
                    "division_code": d, "name": "李四", "id_number": id_number(i),
                    "unit": "综合行政执法大队", "employment": "civil_servant", "enforcement_post": true,
                }),
            )
            .await
            .json()
            .await
            .unwrap();
        person[i] = created["id"].as_str().unwrap().to_owned();
        let exam = sandbox
            .post_as(
                &admin,
                "/api/v1/exams",
                &json!({
                    "division_code": d, "kind": "qualification", "title": "执法资格考试",
                    "held_on": "2025-03-01", "results": [{ "person_id": person[i], "score": 88 }],
                }),
            )
            .await;
        assert_eq!(exam.status(), StatusCode::CREATED);
        // 持证必培训: training on record before the certificate.
        let trained = sandbox
            .post_as(
                &admin,
                "/api/v1/training-sessions",
                &json!({
                    "division_code": d, "topic": "岗前培训", "kind": "in_person", "held_on": "2025-03-10",
                    "attendance": [{ "person_id": person[i], "hours": 8 }],
                }),
            )
            .await;
        assert_eq!(trained.status(), StatusCode::CREATED);
        let issued: Value = sandbox
            .post_as(
                &admin,
                "/api/v1/certificates",
                &json!({ "person_id": person[i], "number": format!("豫4116240{i}"), "issued_on": "2025-04-01" }),
            )
            .await
            .json()
            .await
            .unwrap();
        certificate[i] = issued["id"].as_str().expect("issued").to_owned();
    }
    let mut power_item = [String::new(), String::new()];
    let mut power_code = [String::new(), String::new()];
    let mut case = [String::new(), String::new()];
    for (i, d) in [TOWNSHIP, OTHER_TOWNSHIP].into_iter().enumerate() {
        power_code[i] = format!("fixture-{i}");
        let item: Value = sandbox
            .post_as(
                &admin,
                "/api/v1/power-items",
                &power_item_body(&power_code[i], d),
            )
            .await
            .json()
            .await
            .unwrap();
        power_item[i] = item["id"].as_str().expect("recorded").to_owned();
        let lead: Value = sandbox
            .post_as(&admin, "/api/v1/cases", &lead_body(d))
            .await
            .json()
            .await
            .unwrap();
        case[i] = lead["id"].as_str().expect("recorded").to_owned();
    }
    let mut record_stored = [String::new(), String::new()];
    let mut record_blank = [String::new(), String::new()];
    for i in 0..2 {
        for (slot, upload) in [(&mut record_stored[i], true), (&mut record_blank[i], false)] {
            let registered: Value = sandbox
                .post_as(
                    &admin,
                    &format!("/api/v1/cases/{}/records", case[i]),
                    &json!({
                        "kind": "video", "step": "inspection",
                        "sha256": crate::sha256_hex(RECORD_CONTENT.as_bytes()),
                        "size_bytes": RECORD_CONTENT.len(), "recorded_by": "someone",
                        "device": "执法记录仪", "recorded_at": "2025-06-01T09:00:00+08:00",
                    }),
                )
                .await
                .json()
                .await
                .unwrap();
            *slot = registered["id"].as_str().expect("registered").to_owned();
            if upload {
                let stored = sandbox
                    .client
                    .put(sandbox.url(&format!("/api/v1/cases/{}/records/{slot}/content", case[i])))
                    .bearer_auth(&admin)
                    .body(RECORD_CONTENT)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(stored.status(), StatusCode::OK);
            }
        }
    }
    let mut register_entry = [String::new(), String::new()];
    for (i, d) in [TOWNSHIP, OTHER_TOWNSHIP].into_iter().enumerate() {
        let entry: Value = sandbox
            .post_as(
                &admin,
                "/api/v1/registers/normative-documents",
                &json!({ "division_code": d, "title": "关于规范农村建房的通知", "dated": "2025-03-01" }),
            )
            .await
            .json()
            .await
            .unwrap();
        register_entry[i] = entry["id"].as_str().expect("recorded").to_owned();
    }
    Fixtures {
        register_entry,
        complaint,
        api_key,
        tracking: receipt["tracking_code"].as_str().unwrap().to_owned(),
        person,
        certificate,
        power_item,
        power_code,
        case,
        record_stored,
        record_blank,
    }
}

#[tokio::test]
async fn every_route_every_role_and_both_divisions_follow_the_matrix() {
    for backend in backends() {
        let sandbox = Sandbox::start_with(backend, |s| {
            s.gateway.public.requests_per_minute = 100_000;
        })
        .await;
        let fx = setup(&sandbox).await;
        let routes = documented_routes(&sandbox).await;

        // The document and the rule table list the same /api/ routes.
        let ruled: BTreeSet<(String, String)> = authz::rules()
            .iter()
            .map(|r| (r.method.to_owned(), r.path.to_owned()))
            .collect();
        let documented: BTreeSet<(String, String)> = routes
            .iter()
            .filter(|(_, p)| p.starts_with("/api/"))
            .cloned()
            .collect();
        assert_eq!(
            documented, ruled,
            "documented routes and access rules differ"
        );

        let mut callers: Vec<(String, String)> = vec![("anonymous".into(), String::new())];
        for role in ROLES {
            let token = sandbox
                .account(&format!("role-{role}"), &[role], TOWNSHIP)
                .await;
            callers.push((role.to_owned(), token));
        }
        let mut checked = 0;
        for (method, path) in &documented {
            let access = authz::find(method, path).expect("every route has a rule");
            for caller in callers.iter_mut() {
                for target in [Target::Own, Target::Other] {
                    let (role, token) = caller.clone();
                    let (role, token) = (&role, &token);
                    checked += 1;
                    let Some((m, url, body, outside)) =
                        probe(method, path, target, &fx, role, checked)
                    else {
                        panic!("{method} {path} has no authorization probe: add it to this walk");
                    };
                    let permitted = match access {
                        Access::Public | Access::PublicLimited => true,
                        Access::Authenticated => !token.is_empty(),
                        Access::Permission(p) => p.roles().iter().any(|r| r.code() == role),
                    };
                    let mut request = sandbox.client.request(m, sandbox.url(&url));
                    if !token.is_empty() {
                        request = request.bearer_auth(token);
                    }
                    match &body {
                        Some(Value::String(file)) => {
                            request = request
                                .header("content-type", "text/csv")
                                .body(file.clone());
                        }
                        Some(body) => request = request.json(body),
                        None => {}
                    }
                    let response = request.send().await.unwrap();
                    let status = response.status();
                    let text = response.text().await.unwrap();
                    if method == "GET" {
                        // HEAD answers to GET's rule: the same status, no body.
                        let mut head = sandbox.client.head(sandbox.url(&url));
                        if !token.is_empty() {
                            head = head.bearer_auth(token);
                        }
                        let head = head.send().await.unwrap();
                        let mirrors = head.status() == status
                            || (status.is_success() && head.status().is_success());
                        assert!(
                            mirrors,
                            "HEAD {url} as {role}: {} vs GET {status}",
                            head.status()
                        );
                        assert!(head.bytes().await.unwrap().is_empty());
                    }
                    if path == "/api/v1/auth/logout-everywhere" && status.is_success() {
                        caller.1 =
                            fazhi_e2e::fresh_token(&sandbox.gate(), &format!("role-{role}")).await;
                    }
                    let what = format!(
                        "{backend:?} {method} {path} as {role} on {target:?}: {status} {text}"
                    );
                    let public_login = path == "/api/v1/auth/login" && token.is_empty();
                    if !permitted && token.is_empty() {
                        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
                    } else if !permitted {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                        assert!(text.contains("\"forbidden\""), "{what}");
                    } else if public_login {
                        // The anonymous caller logs in as nobody in particular.
                        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
                    } else if path.starts_with("/api/v1/deliver") {
                        // Where the platforms hear back is the county administrators' alone;
                        // the walk's callers sit in a township.
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                    } else if role == "integration" && path.starts_with("/api/v1/complaints/{id}") {
                        // An integration bound to no platform (an account) sees no complaint.
                        assert_eq!(status, StatusCode::NOT_FOUND, "{what}");
                    } else if target == Target::Own || outside == Outside::Same {
                        let state_conflict = STATEFUL.contains(&path.as_str())
                            && matches!(status.as_u16(), 409 | 422);
                        assert!(status.is_success() || state_conflict, "{what}");
                    } else if outside == Outside::NotFound {
                        assert_eq!(status, StatusCode::NOT_FOUND, "{what}");
                    } else if outside == Outside::Rejected {
                        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
                        assert!(text.contains("outside the divisions"), "{what}");
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                        assert!(text.contains("division_out_of_scope"), "{what}");
                    }
                }
            }
        }
        assert!(checked >= documented.len() * 18);

        // Methods without a rule never reach a handler: 405 with Allow, as a problem.
        let admin_token = &callers.last().unwrap().1;
        let paths: BTreeSet<&String> = documented.iter().map(|(_, p)| p).collect();
        for path in paths {
            let url = path
                .replace("{id}", "x")
                .replace("{username}", "x")
                .replace("{tracking_code}", "x")
                .replace("{record_id}", "x")
                .replace("{list}", "people");
            let allowed: Vec<&str> = authz::rules()
                .iter()
                .filter(|r| r.path == path.as_str())
                .map(|r| r.method)
                .collect();
            let mut unlisted = vec!["PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];
            unlisted.retain(|m| !allowed.contains(m));
            if !allowed.contains(&"GET") {
                unlisted.push("HEAD");
            }
            for method in unlisted {
                for token in ["", admin_token.as_str()] {
                    let mut request = sandbox.client.request(
                        Method::from_bytes(method.as_bytes()).unwrap(),
                        sandbox.url(&url),
                    );
                    if !token.is_empty() {
                        request = request.bearer_auth(token);
                    }
                    let response = request.send().await.unwrap();
                    let what = format!("{method} {path} (token: {})", !token.is_empty());
                    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{what}");
                    assert!(response.headers().contains_key("allow"), "{what}");
                    if method != "HEAD" {
                        assert_eq!(
                            response.headers()["content-type"],
                            "application/problem+json",
                            "{what}"
                        );
                    }
                }
            }
        }
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn a_township_account_cannot_read_another_townships_complaints() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let mut elsewhere = complaint_body();
    elsewhere["division_code"] = OTHER_TOWNSHIP.into();
    let created: Value = sandbox
        .post_complaint(&elsewhere)
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let township = sandbox
        .account("laocheng.staff", &["staff"], TOWNSHIP)
        .await;

    let one = sandbox
        .get_as(&township, &format!("/api/v1/complaints/{id}"))
        .await;
    assert_eq!(one.status(), StatusCode::NOT_FOUND);
    let missing = sandbox
        .get_as(
            &township,
            "/api/v1/complaints/0190d6a2-0000-7000-8000-000000000000",
        )
        .await;
    let (a, b): (Value, Value) = (one.json().await.unwrap(), missing.json().await.unwrap());
    assert_eq!(
        a["code"], b["code"],
        "outside the scope looks exactly like absent"
    );
    assert_eq!(a["detail"], b["detail"]);

    let listed: Value = sandbox
        .get_as(&township, "/api/v1/complaints")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["complaints"].as_array().unwrap().len(),
        0,
        "{listed}"
    );
    sandbox.stop().await;
}
