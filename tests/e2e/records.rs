//! Full-process records' content (全过程记录, 行政处罚法 Art. 47): uploaded
//! once, streamed, checked against the registered size and SHA-256 on the
//! way in and on the way out.

use fazhi_e2e::{Sandbox, TOWNSHIP, backends};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::authorization::id_number;
use crate::sha256_hex;

/// A lead in the township and a video registered against it with the size
/// and SHA-256 of `content`.
pub(crate) async fn registered(sandbox: &Sandbox, staff: &str, content: &[u8]) -> (String, String) {
    let lead = json!({
        "division_code": TOWNSHIP, "source": "inspection",
        "party": { "kind": "person", "name": "王五", "id_number": id_number(801) },
        "facts": "在西关村耕地上未经许可建房", "act_on": "2026-01-10", "continuing": true,
        "discovered_on": "2026-02-01",
    });
    let case: Value = sandbox
        .post_as(staff, "/api/v1/cases", &lead)
        .await
        .json()
        .await
        .unwrap();
    let case_id = case["id"].as_str().expect("a lead").to_owned();
    let response = sandbox
        .post_as(
            staff,
            &format!("/api/v1/cases/{case_id}/records"),
            &json!({
                "kind": "video", "step": "inspection", "sha256": sha256_hex(content),
                "size_bytes": content.len(), "recorded_by": "officer-1",
                "device": "执法记录仪 DSJ-V9", "recorded_at": "2026-02-01T09:30:00+08:00",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let record: Value = response.json().await.unwrap();
    assert!(record.get("content_stored_at").is_none(), "{record}");
    (case_id, record["id"].as_str().unwrap().to_owned())
}

pub(crate) async fn put(
    sandbox: &Sandbox,
    token: &str,
    path: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let response = sandbox
        .client
        .put(sandbox.url(path))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Three-odd megabytes: more than one piece each way.
fn video() -> Vec<u8> {
    (0..3_300_000u32).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn content_with_the_registered_hash_is_stored_once_and_read_back_whole() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let staff = sandbox.account("records.staff", &["staff"], TOWNSHIP).await;
        let content = video();
        let (case_id, record_id) = registered(&sandbox, &staff, &content).await;
        let path = format!("/api/v1/cases/{case_id}/records/{record_id}/content");

        let missing = sandbox.get_as(&staff, &path).await;
        let status = missing.status();
        let problem: Value = missing.json().await.unwrap();
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::CONFLICT, &json!("record_content_missing")),
            "{problem}"
        );

        let (status, record) = put(&sandbox, &staff, &path, content.clone()).await;
        assert_eq!(status, StatusCode::OK, "{record}");
        assert!(record["content_stored_at"].is_string(), "{record}");

        let read = sandbox.get_as(&staff, &path).await;
        assert_eq!(read.status(), StatusCode::OK);
        assert_eq!(
            read.headers()["etag"].to_str().unwrap(),
            format!("\"{}\"", sha256_hex(&content))
        );
        assert!(
            read.headers()["repr-digest"]
                .to_str()
                .unwrap()
                .starts_with("sha-256=:")
        );
        assert_eq!(read.bytes().await.unwrap().as_ref(), content.as_slice());

        // Content is evidence: never replaced, not even by the same bytes.
        let (status, problem) = put(&sandbox, &staff, &path, content).await;
        assert_eq!(
            (status, &problem["code"]),
            (StatusCode::CONFLICT, &json!("record_content_stored"))
        );

        // The upload is in the case's hash-chained history.
        let history: Value = sandbox
            .get_as(&staff, &format!("/api/v1/cases/{case_id}/history"))
            .await
            .json()
            .await
            .unwrap();
        assert!(
            history.to_string().contains("record_content_stored"),
            "{history}"
        );
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn content_of_another_size_or_hash_is_refused_and_nothing_is_kept() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let staff = sandbox.account("records.staff", &["staff"], TOWNSHIP).await;
        let content = video();
        let (case_id, record_id) = registered(&sandbox, &staff, &content).await;
        let path = format!("/api/v1/cases/{case_id}/records/{record_id}/content");
        let mut changed = content.clone();
        changed[1_000_000] ^= 1;
        let mut longer = content.clone();
        longer.push(0);
        for (body, code) in [
            (changed, "content_hash_mismatch"),
            (longer, "content_size_mismatch"),
            (
                content[..content.len() - 1].to_vec(),
                "content_size_mismatch",
            ),
        ] {
            let (status, problem) = put(&sandbox, &staff, &path, body).await;
            assert_eq!(
                (status, &problem["code"]),
                (StatusCode::UNPROCESSABLE_ENTITY, &json!(code)),
                "{problem}"
            );
            assert!(
                stored_objects(&sandbox, &case_id, &record_id).is_empty(),
                "nothing kept after {code}"
            );
        }
        let records: Value = sandbox
            .get_as(&staff, &format!("/api/v1/cases/{case_id}/records"))
            .await
            .json()
            .await
            .unwrap();
        assert!(records["records"][0].get("content_stored_at").is_none());
        // The right bytes are still welcome afterwards.
        let (status, _) = put(&sandbox, &staff, &path, content).await;
        assert_eq!(status, StatusCode::OK);
        sandbox.stop().await;
    }
}

/// The objects in the local record store holding (or left by) uploads of
/// a record's content.
pub(crate) fn stored_objects(
    sandbox: &Sandbox,
    case_id: &str,
    record_id: &str,
) -> Vec<std::path::PathBuf> {
    let dir = sandbox
        .settings
        .data_dir
        .join("records/cases")
        .join(case_id);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(record_id))
        })
        .collect()
}

#[tokio::test]
async fn content_changed_in_the_store_is_never_served() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let staff = sandbox.account("records.staff", &["staff"], TOWNSHIP).await;
        let content = video();
        let (case_id, record_id) = registered(&sandbox, &staff, &content).await;
        let path = format!("/api/v1/cases/{case_id}/records/{record_id}/content");
        let (status, _) = put(&sandbox, &staff, &path, content.clone()).await;
        assert_eq!(status, StatusCode::OK);

        let objects = stored_objects(&sandbox, &case_id, &record_id);
        assert_eq!(objects.len(), 1, "one object holds the content");
        let stored = &objects[0];
        let mut tampered = content.clone();
        tampered[42] ^= 0xff;
        std::fs::write(stored, &tampered).unwrap();
        let read = sandbox.get_as(&staff, &path).await;
        assert_eq!(read.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let problem: Value = read.json().await.unwrap();
        assert_eq!(problem["code"], "record_content_corrupt", "{problem}");

        std::fs::remove_file(stored).unwrap();
        let read = sandbox.get_as(&staff, &path).await;
        assert_eq!(read.status(), StatusCode::INTERNAL_SERVER_ERROR);
        sandbox.stop().await;
    }
}

/// With `FAZHI_TEST_S3_ENDPOINT` naming an S3-compatible server (`.ci/run`
/// starts one), content goes there and comes back checked.
#[tokio::test]
async fn content_goes_to_an_s3_compatible_store_named_by_url() {
    let Some(endpoint) = fazhi_testkit::optional(
        "an S3-compatible store (FAZHI_TEST_S3_ENDPOINT)",
        std::env::var("FAZHI_TEST_S3_ENDPOINT").ok(),
    ) else {
        return;
    };
    fazhi_gateway::install_tls_provider();
    let bucket = format!("fazhi-{}", std::process::id());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "{}", created.status());
    let sandbox = Sandbox::start_with(fazhi_e2e::Backend::Sqlite, |s| {
        s.records.store = Some(format!("s3://{bucket}/county/411624"));
        s.records.s3_endpoint = Some(endpoint.clone());
        s.records.s3_region = Some("us-east-1".into());
        s.records.s3_access_key_id = Some("fazhi".into());
        s.records.s3_secret_access_key = Some("fazhi-secret".into());
        s.records.s3_allow_http = true;
    })
    .await;
    let staff = sandbox.account("records.staff", &["staff"], TOWNSHIP).await;
    let content = video();
    let (case_id, record_id) = registered(&sandbox, &staff, &content).await;
    let path = format!("/api/v1/cases/{case_id}/records/{record_id}/content");
    let (status, record) = put(&sandbox, &staff, &path, content.clone()).await;
    assert_eq!(status, StatusCode::OK, "{record}");
    let read = sandbox.get_as(&staff, &path).await;
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(read.bytes().await.unwrap().as_ref(), content.as_slice());

    // The object sits under the prefix; changed there, it is refused.
    use object_store::{ObjectStore, ObjectStoreExt, path::Path};
    let s3 = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(&bucket)
        .with_endpoint(&endpoint)
        .with_region("us-east-1")
        .with_access_key_id("fazhi")
        .with_secret_access_key("fazhi-secret")
        .with_allow_http(true)
        .build()
        .unwrap();
    // Each upload writes an object of its own: the one stored is the
    // record's object under the case.
    use futures::TryStreamExt;
    let under_case = Path::from_iter(["county", "411624", "cases", &case_id]);
    let objects: Vec<_> = s3.list(Some(&under_case)).try_collect().await.unwrap();
    let keys: Vec<&Path> = objects
        .iter()
        .map(|o| &o.location)
        .filter(|k| {
            k.filename()
                .is_some_and(|n| n.starts_with(record_id.as_str()))
        })
        .collect();
    assert_eq!(keys.len(), 1, "one object holds the content: {keys:?}");
    let key = keys[0].clone();
    let stored = s3.get(&key).await.unwrap().bytes().await.unwrap();
    assert_eq!(stored.as_ref(), content.as_slice());
    s3.put(&key, content[..10].to_vec().into()).await.unwrap();
    let read = sandbox.get_as(&staff, &path).await;
    assert_eq!(read.status(), StatusCode::INTERNAL_SERVER_ERROR);
    sandbox.stop().await;
}
