//! The gRPC side: health checking and reflection on every service, and
//! statistics read straight from each service.

use std::net::SocketAddr;

use fazhi_e2e::{Backend, Sandbox};
use fazhi_platform::{config::GrpcClientSettings, grpc};
use fazhi_proto::{cases::v1 as cases, training::v1 as training};
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
    let mut case_client =
        cases::case_service_client::CaseServiceClient::new(channel(sandbox.cases));
    let stats = case_client
        .get_stats(cases::GetStatsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stats.total, 0);
    let mut training_client =
        training::training_service_client::TrainingServiceClient::new(channel(sandbox.training));
    let err = training_client
        .get_stats(training::GetStatsRequest {
            division_code: "bogus".into(),
            period: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert_eq!(
        fazhi_platform::Error::from_status(&err).field.as_deref(),
        Some("division_code")
    );
    sandbox.stop().await;
}
