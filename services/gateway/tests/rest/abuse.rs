//! Abuse as a property: every route of the API document that takes a JSON
//! body, sent bodies proptest makes up — any JSON value, nested, of any
//! shape, with the field names the routes use — by a county administrator.
//! Whatever arrives, the answer is a success or a problem the caller caused
//! (4xx, as `application/problem+json`, which [`County::call`] checks), never
//! a failure of the server's own (5xx).

use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};
use serde_json::{Map, Value};
use utoipa::openapi::path::HttpMethod;

use crate::county::{COUNTY, County};

/// Names the API's bodies use, so made-up objects reach past the first
/// unknown field into the decoders' checks.
const FIELDS: &[&str] = &[
    "division_code",
    "title",
    "content",
    "channel",
    "category",
    "phone",
    "name",
    "occurred_at",
    "on",
    "at",
    "unit",
    "reason",
    "reply",
    "kind",
    "amount_fen",
    "fine_fen",
    "officers",
    "party",
    "id_number",
    "power_item_code",
    "version",
    "items",
    "rows",
    "format",
    "content_base64",
    "year",
    "period",
    "tickets",
    "roles",
    "username",
    "password",
    "expires_at",
    "penalty",
    "decision",
    "evidence",
    "basis",
    "days",
    "hours",
    "score",
];

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,40}".prop_map(Value::String),
        "[0-9]{6,12}".prop_map(Value::String),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9](T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z)?"
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..8).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// Every (method, path) of the API document that takes a body, path
/// parameters filled with a made-up id.
fn routes_with_bodies() -> Vec<(&'static str, String)> {
    let (_, document) = fazhi_gateway::api_router().split_for_parts();
    let mut routes = Vec::new();
    for (path, item) in &document.paths.paths {
        let concrete = path
            .split('/')
            .map(|part| if part.starts_with('{') { "x-1" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        for (method, operation) in [
            (HttpMethod::Post, &item.post),
            (HttpMethod::Put, &item.put),
            (HttpMethod::Patch, &item.patch),
        ] {
            if operation.as_ref().is_some_and(|o| o.request_body.is_some()) {
                let name = match method {
                    HttpMethod::Post => "POST",
                    HttpMethod::Put => "PUT",
                    _ => "PATCH",
                };
                routes.push((name, concrete.clone()));
            }
        }
    }
    routes
}

#[test]
fn no_body_makes_the_server_fail() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (county, admin) = runtime.block_on(async {
        let county = County::start().await;
        // Every role a county's own staff can hold, so the bodies reach
        // their decoders rather than stopping at a missing permission.
        let admin = county
            .account(
                "abuse.everyone",
                &[
                    "staff",
                    "officer",
                    "legal_reviewer",
                    "leader",
                    "county_overseer",
                    "admin",
                ],
                COUNTY,
            )
            .await;
        (county, admin)
    });
    let routes = routes_with_bodies();
    assert!(
        routes.len() > 40,
        "the document's routes with bodies: {}",
        routes.len()
    );
    let statuses = std::cell::RefCell::new(std::collections::BTreeMap::<u16, usize>::new());
    for (method, path) in routes {
        // A runner per route: each gets its own cases.
        let mut runner = TestRunner::new(Config {
            cases: 24,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&json(), |body| {
                let (status, answer) =
                    runtime.block_on(county.call(method, &path, &admin, Some(body.clone())));
                *statuses.borrow_mut().entry(status.as_u16()).or_default() += 1;
                prop_assert!(
                    !status.is_server_error(),
                    "{method} {path} with {body} answered {status}: {answer}"
                );
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{failure}"));
    }
    // Most bodies were read and refused for what they hold, not stopped
    // before their decoder.
    let statuses = statuses.into_inner();
    println!("answers by status: {statuses:?}");
    let total: usize = statuses.values().sum();
    let decoded =
        statuses.get(&400).copied().unwrap_or(0) + statuses.get(&422).copied().unwrap_or(0);
    assert!(decoded * 2 > total, "{statuses:?}");
}
