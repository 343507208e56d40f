//! The API document. (Wrong methods, unknown routes and bad credentials are
//! answered in-process: `services/gateway/tests/edge.rs`.)

use fazhi_e2e::{Backend, Sandbox};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn the_api_document_is_openapi_3_1_with_security_and_problem_responses() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let doc: Value = sandbox
        .get_as("", "/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    // The whole REST surface, as clients generate from it: a change to it is
    // a reviewed change of this snapshot.
    insta::assert_snapshot!("openapi", serde_json::to_string_pretty(&doc).unwrap());
    // Every reference resolves: generated clients drop what does not.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("$ref", Value::String(target)) => out.push(target.clone()),
                        _ => refs(inner, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
            _ => {}
        }
    }
    let mut targets = Vec::new();
    refs(&doc, &mut targets);
    for target in targets {
        let name = target.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{target} is referenced but not defined"
        );
    }
    // A Python client breaks on a schema whose snake_case name is one of its
    // own fields (`Warnings.warnings`), and on names Python itself holds.
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        let mut snake = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        if let Some(fields) = schema["properties"].as_object() {
            assert!(
                !fields.contains_key(&snake),
                "schema {name} has a field {snake}"
            );
        }
        assert!(
            !["Warning", "Exception", "Error", "Type", "List", "Dict"].contains(&name.as_str()),
            "schema {name} takes a name Python holds"
        );
    }
    // Generated clients name a function per operation: every id is unique.
    let mut ids = std::collections::BTreeMap::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(id) = operation["operationId"].as_str() {
                let at = format!("{method} {path}");
                if let Some(first) = ids.insert(id.to_owned(), at.clone()) {
                    panic!("operationId {id} names both {first} and {at}");
                }
            }
        }
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["api_key"]["name"], "X-Api-Key");
    let create = &doc["paths"]["/api/v1/complaints"]["post"];
    assert_eq!(
        create["responses"]["422"]["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert!(create["parameters"].to_string().contains("Idempotency-Key"));
    let public = &doc["paths"]["/api/v1/public/complaints"]["post"];
    assert_eq!(
        public["security"],
        json!([]),
        "public routes need no credentials: an empty list, not an empty requirement"
    );
    assert_eq!(
        public["operationId"], "submit_public_complaint",
        "operation ids are unique verb_noun"
    );
    let statuses = public["responses"].as_object().unwrap();
    assert!(
        !statuses.contains_key("401") && !statuses.contains_key("403"),
        "a public route never answers 401 or 403: {statuses:?}"
    );
    let docs = sandbox.get_as("", "/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
    sandbox.stop().await;
}
