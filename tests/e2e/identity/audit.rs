//! Unmasked reads and the audit log.

use fazhi_e2e::{COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP, backends, complaint_body};
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn unmasked_reads_are_for_handling_roles_and_audited_for_the_admin_only() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let created: Value = sandbox
            .post_complaint(&complaint_body())
            .await
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap();
        let staff = sandbox
            .account("laocheng.staff", &["staff"], TOWNSHIP)
            .await;
        let overseer = sandbox
            .account("county.overseer", &["county_overseer"], COUNTY)
            .await;
        let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;

        let masked: Value = sandbox
            .get_as(&staff, &format!("/api/v1/complaints/{id}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(masked["complainant_name"], "张*");
        let revealed: Value = sandbox
            .get_as(&staff, &format!("/api/v1/complaints/{id}?reveal=true"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(revealed["complainant_name"], "张三", "{backend:?}");
        assert_eq!(revealed["complainant_phone"], "13812341234");

        let (status, code) = problem_code(
            sandbox
                .get_as(&overseer, &format!("/api/v1/complaints/{id}?reveal=true"))
                .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden")
        );
        let (status, _) = problem_code(
            sandbox
                .get_as(&staff, &format!("/api/v1/complaints/{id}?reveal=maybe"))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let events: Value = sandbox
            .get_as(&admin, "/api/v1/audit-events")
            .await
            .json()
            .await
            .unwrap();
        let reads: Vec<&Value> = events["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "complaint.read_personal")
            .collect();
        assert_eq!(
            reads.len(),
            1,
            "{backend:?}: one unmasked read, one entry: {events}"
        );
        assert_eq!(reads[0]["actor"], "account:laocheng.staff");
        assert_eq!(reads[0]["resource_id"], id);
        assert_eq!(reads[0]["division_code"], TOWNSHIP);
        assert!(
            !events.to_string().contains("13812341234"),
            "the log holds no personal data"
        );

        for reader in [&staff, &overseer] {
            let status = sandbox
                .get_as(reader, "/api/v1/audit-events")
                .await
                .status();
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        sandbox.stop().await;
    }
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed_or_deleted_in_the_database() {
    for backend in backends() {
        let sandbox = Sandbox::start(backend).await;
        let admin = sandbox.account("county.admin", &["admin"], COUNTY).await;
        let created = sandbox
            .post_as(
                &admin,
                "/api/v1/accounts",
                &json!({ "username": "new.staff", "password": PASSWORD, "roles": ["staff"], "division_code": OTHER_TOWNSHIP }),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let pool = sandbox.gate().store.database().pool().clone();
        let update = sqlx::query("UPDATE audit_events SET actor = 'someone else'")
            .execute(&pool)
            .await;
        assert!(update.is_err(), "{backend:?}: an update is refused");
        let delete = sqlx::query("DELETE FROM audit_events").execute(&pool).await;
        assert!(delete.is_err(), "{backend:?}: a delete is refused");
        let events: Value = sandbox
            .get_as(&admin, "/api/v1/audit-events")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(events["events"][0]["action"], "account.create");
        assert_eq!(events["events"][0]["actor"], "account:county.admin");
        sandbox.stop().await;
    }
}
