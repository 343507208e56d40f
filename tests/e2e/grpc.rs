//! The gRPC side: health checking and reflection on every service,
//! statistics read straight from each service, and each service checking the
//! internal identity token and the caller's scope on its own.

use std::{net::SocketAddr, time::Duration};

use fazhi_e2e::{Backend, COUNTY, OTHER_TOWNSHIP, Sandbox, TOWNSHIP};
use fazhi_platform::{
    DivisionCode,
    auth::{Caller, InternalKey, Role},
    config::GrpcClientSettings,
    grpc,
};
use fazhi_proto::{cases::v1 as cases, complaints::v1 as complaints, training::v1 as training};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};

fn channel(addr: SocketAddr) -> grpc::Channel {
    grpc::connect_lazy(&format!("http://{addr}"), &GrpcClientSettings::default()).unwrap()
}

#[tokio::test]
async fn every_service_reports_serving() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    for (addr, name) in [
        (sandbox.cases, "fazhi.cases.v1.CaseService"),
        (sandbox.complaints, "fazhi.complaints.v1.ComplaintService"),
        (sandbox.training, "fazhi.training.v1.TrainingService"),
    ] {
        assert!(
            grpc::check_health(channel(addr), name).await.unwrap(),
            "{name}"
        );
        assert!(
            grpc::check_health(channel(addr), "").await.unwrap(),
            "{name} server as a whole"
        );
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn reflection_lists_each_services_api() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    for (addr, name) in [
        (sandbox.cases, "fazhi.cases.v1.CaseService"),
        (sandbox.complaints, "fazhi.complaints.v1.ComplaintService"),
        (sandbox.training, "fazhi.training.v1.TrainingService"),
    ] {
        let mut client = ServerReflectionClient::new(channel(addr));
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        };
        let mut responses = client
            .server_reflection_info(tokio_stream::iter([request]))
            .await
            .unwrap()
            .into_inner();
        let response = responses.message().await.unwrap().expect("one answer");
        let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
            panic!("unexpected reflection answer from {name}");
        };
        let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
        assert!(names.iter().any(|n| n == name), "{name} not in {names:?}");
        assert!(
            names.iter().any(|n| n == "grpc.health.v1.Health"),
            "{names:?}"
        );
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn statistics_come_from_each_services_own_rows() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let key = sandbox.settings.internal_key().unwrap();
    let overseer = Caller {
        subject: "account:overseer".into(),
        roles: vec![Role::CountyOverseer],
        scope: DivisionCode::parse(COUNTY).unwrap(),
        source: None,
    };
    let mut case_client =
        cases::case_service_client::CaseServiceClient::new(channel(sandbox.cases));
    let stats = case_client
        .get_stats(key.request(&overseer, cases::GetStatsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stats.total, 0);
    let mut training_client =
        training::training_service_client::TrainingServiceClient::new(channel(sandbox.training));
    let err = training_client
        .get_stats(key.request(
            &overseer,
            training::GetStatsRequest {
                division_code: "bogus".into(),
                period: None,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert_eq!(
        fazhi_platform::Error::from_status(&err).field.as_deref(),
        Some("division_code")
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn a_direct_call_without_a_valid_internal_token_is_unauthenticated() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let overseer = Caller {
        subject: "account:overseer".into(),
        roles: vec![Role::CountyOverseer],
        scope: DivisionCode::parse(COUNTY).unwrap(),
        source: None,
    };
    let forged = InternalKey::new(&[9u8; 32], Duration::from_secs(60)).unwrap();
    let mut client = complaints::complaint_service_client::ComplaintServiceClient::new(channel(
        sandbox.complaints,
    ));
    for request in [
        tonic::Request::new(complaints::GetStatsRequest::default()),
        forged.request(&overseer, complaints::GetStatsRequest::default()),
    ] {
        let err = client.get_stats(request).await.unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unauthenticated);
    }
    let mut cases = cases::case_service_client::CaseServiceClient::new(channel(sandbox.cases));
    let err = cases
        .get_stats(cases::GetStatsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated);
    sandbox.stop().await;
}

#[tokio::test]
async fn a_service_enforces_role_and_division_scope_itself() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let key = sandbox.settings.internal_key().unwrap();
    let created: serde_json::Value = sandbox
        .post_complaint(&fazhi_e2e::complaint_body())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let mut client = complaints::complaint_service_client::ComplaintServiceClient::new(channel(
        sandbox.complaints,
    ));
    let caller = |roles: Vec<Role>, scope: &str| Caller {
        subject: "account:x".into(),
        roles,
        scope: DivisionCode::parse(scope).unwrap(),
        source: None,
    };
    let get = |reveal| complaints::GetComplaintRequest {
        id: id.clone(),
        reveal_personal: reveal,
    };
    // Own township: found, masked.
    let own = client
        .get_complaint(key.request(&caller(vec![Role::Staff], TOWNSHIP), get(false)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(own.complainant.unwrap().phone, "138****1234");
    // Another township: the same NOT_FOUND as a missing id.
    let err = client
        .get_complaint(key.request(&caller(vec![Role::Staff], OTHER_TOWNSHIP), get(false)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::NotFound);
    // Unmasked only for roles that handle requests.
    let err = client
        .get_complaint(key.request(&caller(vec![Role::CountyOverseer], COUNTY), get(true)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::PermissionDenied);
    let revealed = client
        .get_complaint(key.request(&caller(vec![Role::Officer], TOWNSHIP), get(true)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(revealed.complainant.unwrap().phone, "13812341234");
    // Writing outside one's scope is refused.
    let err = client
        .create_complaint(key.request(
            &caller(vec![Role::Staff], OTHER_TOWNSHIP),
            complaints::CreateComplaintRequest {
                channel: complaints::Channel::Hotline12345 as i32,
                r#type: complaints::RequestType::Complaint as i32,
                category: "illegal_construction".into(),
                content: "违法建房".into(),
                address: "西关村".into(),
                division_code: TOWNSHIP.into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::PermissionDenied);
    // Roles without complaint.create cannot record one; citizens only over the web.
    let new_complaint = |channel: complaints::Channel| complaints::CreateComplaintRequest {
        channel: channel as i32,
        r#type: complaints::RequestType::Complaint as i32,
        category: "illegal_construction".into(),
        content: "违法建房".into(),
        address: "西关村".into(),
        division_code: TOWNSHIP.into(),
        complainant_phone: Some("13812341234".into()),
        ..Default::default()
    };
    let citizen = Caller::citizen(DivisionCode::parse(COUNTY).unwrap());
    for (who, channel, allowed) in [
        (
            caller(vec![Role::LegalReviewer], TOWNSHIP),
            complaints::Channel::Hotline12345,
            false,
        ),
        (citizen.clone(), complaints::Channel::Hotline12345, false),
        (citizen, complaints::Channel::Web, true),
        (
            caller(vec![Role::Staff], TOWNSHIP),
            complaints::Channel::Hotline12345,
            true,
        ),
    ] {
        let result = client
            .create_complaint(key.request(&who, new_complaint(channel)))
            .await;
        match allowed {
            true => assert!(result.is_ok(), "{who:?} {channel:?}: {result:?}"),
            false => assert_eq!(
                result.unwrap_err().code(),
                tonic::Code::PermissionDenied,
                "{who:?} {channel:?}"
            ),
        }
    }
    sandbox.stop().await;
}

#[tokio::test]
async fn a_token_captured_from_one_call_is_refused_by_another() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let key = sandbox.settings.internal_key().unwrap();
    let overseer = Caller {
        subject: "account:overseer".into(),
        roles: vec![Role::CountyOverseer],
        scope: DivisionCode::parse(COUNTY).unwrap(),
        source: None,
    };
    let mut client = complaints::complaint_service_client::ComplaintServiceClient::new(channel(
        sandbox.complaints,
    ));
    // Genuine, unexpired, but signed for the cases service's statistics.
    let token = key.sign(&overseer, "/fazhi.cases.v1.CaseService/GetStats");
    let mut request = tonic::Request::new(complaints::GetStatsRequest::default());
    request.metadata_mut().insert(
        fazhi_platform::auth::IDENTITY_HEADER,
        token.parse().unwrap(),
    );
    let err = client.get_stats(request).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unauthenticated);
    assert!(err.message().contains("another call"), "{err:?}");
    // Signed for the call it goes to, the same caller is served.
    client
        .get_stats(key.request(&overseer, complaints::GetStatsRequest::default()))
        .await
        .unwrap();
    sandbox.stop().await;
}

#[tokio::test]
async fn an_unmasked_read_called_directly_leaves_the_services_own_audit_entry() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let key = sandbox.settings.internal_key().unwrap();
    let created: serde_json::Value = sandbox
        .post_complaint(&fazhi_e2e::complaint_body())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let officer = Caller {
        subject: "account:direct.officer".into(),
        roles: vec![Role::Officer],
        scope: DivisionCode::parse(TOWNSHIP).unwrap(),
        source: None,
    };
    let mut client = complaints::complaint_service_client::ComplaintServiceClient::new(channel(
        sandbox.complaints,
    ));
    client
        .get_complaint(key.request(
            &officer,
            complaints::GetComplaintRequest {
                id: id.clone(),
                reveal_personal: true,
            },
        ))
        .await
        .unwrap();
    // Read back from the complaints service's own database, not the gateway's.
    let url = format!(
        "sqlite://{}?mode=ro",
        sandbox.settings.data_dir.join("complaints.db").display()
    );
    let mut db = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let entries: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT actor, action, division_code FROM audit_events WHERE resource_id = $1",
    )
    .bind(id.clone())
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(
        entries,
        [(
            "account:direct.officer".to_owned(),
            "complaint.read_personal".to_owned(),
            TOWNSHIP.to_owned()
        )]
    );
    sandbox.stop().await;
}

#[tokio::test]
async fn reflection_and_metrics_on_the_rest_port_are_settings() {
    let sandbox = Sandbox::start_with(Backend::Sqlite, |settings| {
        settings.grpc_server.reflection = false;
        settings.gateway.metrics_on_rest = false;
    })
    .await;
    let mut client = ServerReflectionClient::new(channel(sandbox.training));
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let err = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unimplemented, "{err:?}");
    assert!(
        grpc::check_health(channel(sandbox.training), "")
            .await
            .unwrap(),
        "health still answers"
    );

    assert_eq!(
        sandbox.get("/metrics").await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
    let metrics = sandbox.metrics.expect("metrics on a listener of their own");
    let scraped = sandbox
        .client
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), reqwest::StatusCode::OK);
    sandbox.stop().await;
}

#[tokio::test]
async fn leads_of_complaints_answer_within_the_callers_scope_and_bound() {
    let sandbox = Sandbox::start(Backend::Sqlite).await;
    let key = sandbox.settings.internal_key().unwrap();
    let staff = |division: &str| Caller {
        subject: "service:complaints".into(),
        roles: vec![Role::Staff],
        scope: DivisionCode::parse(division).unwrap(),
        source: None,
    };
    let mut client = cases::case_service_client::CaseServiceClient::new(channel(sandbox.cases));
    let mut leads = Vec::new();
    for (division, complaint) in [
        (TOWNSHIP, "complaint-here"),
        (OTHER_TOWNSHIP, "complaint-there"),
    ] {
        let lead = cases::Case {
            division_code: division.into(),
            source: cases::CaseSource::Complaint as i32,
            complaint_id: complaint.into(),
            party: Some(cases::Party {
                kind: cases::PartyKind::Person as i32,
                name: "王五".into(),
                ..Default::default()
            }),
            facts: "违法建房".into(),
            act_on: Some(fazhi_proto::common::v1::Date {
                year: 2026,
                month: 6,
                day: 1,
            }),
            continuing: true,
            ..Default::default()
        };
        let made = client
            .create_lead(key.request(
                &staff(division),
                cases::CreateLeadRequest {
                    lead: Some(lead),
                    request_id: String::new(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        leads.push(made.case.unwrap().id);
    }
    let ask = |ids: Vec<String>| cases::ListLeadsOfComplaintsRequest { complaint_ids: ids };
    let asked = [
        "complaint-here",
        "complaint-there",
        "never-escalated",
        &"x".repeat(100),
    ]
    .map(str::to_owned)
    .to_vec();
    let found = |answer: cases::ListLeadsOfComplaintsResponse| {
        let mut found: Vec<(String, String)> = answer
            .leads
            .into_iter()
            .map(|l| (l.complaint_id, l.case_id))
            .collect();
        found.sort();
        found
    };
    // The township's staff see their own township's lead only.
    let here = client
        .list_leads_of_complaints(key.request(&staff(TOWNSHIP), ask(asked.clone())))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        found(here),
        [("complaint-here".to_owned(), leads[0].clone())]
    );
    // The county's see both.
    let county = client
        .list_leads_of_complaints(key.request(&staff(COUNTY), ask(asked)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        found(county),
        [
            ("complaint-here".to_owned(), leads[0].clone()),
            ("complaint-there".to_owned(), leads[1].clone()),
        ]
    );
    let too_many = client
        .list_leads_of_complaints(key.request(
            &staff(COUNTY),
            ask((0..501).map(|n| format!("complaint-{n}")).collect()),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        too_many.code(),
        tonic::Code::InvalidArgument,
        "{too_many:?}"
    );
    // Citizens read no case.
    let citizen = Caller {
        roles: vec![Role::Citizen],
        ..staff(COUNTY)
    };
    let refused = client
        .list_leads_of_complaints(key.request(&citizen, ask(vec!["complaint-here".into()])))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::PermissionDenied, "{refused:?}");
    sandbox.stop().await;
}
