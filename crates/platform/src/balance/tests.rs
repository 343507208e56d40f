use super::*;

fn make() -> MakeEndpoint {
    Arc::new(|url: &str| Ok(Endpoint::from_shared(url.to_owned())?))
}

#[test]
fn an_endpoint_setting_names_one_or_more_replicas() {
    assert_eq!(addresses("http://a:1"), ["http://a:1"]);
    assert_eq!(
        addresses(" http://a:1 , http://b:1,"),
        ["http://a:1", "http://b:1"]
    );
    assert_eq!(
        host_name("http://cases:50051"),
        Some(("http".into(), "cases".into(), 50051))
    );
    assert_eq!(host_name("http://10.0.0.5:50051"), None);
    assert_eq!(host_name("http://[::1]:50051"), None);
}

#[tokio::test]
async fn calls_go_round_robin_and_skip_a_replica_not_serving() {
    let urls = [
        "http://127.0.0.1:1",
        "http://127.0.0.1:2",
        "http://127.0.0.1:3",
    ];
    let balanced = Balanced::unwatched(&urls, &make()).unwrap();
    let members = balanced.members();
    let picked: Vec<String> = (0..3).map(|_| balanced.pick().address.clone()).collect();
    assert_eq!(picked.len(), 3);
    assert_ne!(picked[0], picked[1]);
    assert_ne!(picked[1], picked[2]);
    members[1].serving.store(false, Ordering::Relaxed);
    for _ in 0..6 {
        assert_ne!(balanced.pick().address, members[1].address);
    }
    for member in members.iter() {
        member.serving.store(false, Ordering::Relaxed);
    }
    // None serving: all are tried in turn rather than none.
    let tried: std::collections::HashSet<String> =
        (0..3).map(|_| balanced.pick().address.clone()).collect();
    assert_eq!(tried.len(), 3);
}

#[tokio::test]
async fn a_call_to_a_replica_that_is_gone_is_unavailable_and_its_gauge_drops() {
    crate::metrics::install();
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let balanced = Balanced::unwatched(&[url.as_str()], &make()).unwrap();
    let gauge = format!("{SERVING_GAUGE}{{replica=\"{url}\"}}");
    assert!(crate::metrics::render().contains(&format!("{gauge} 1")));
    let mut client = tonic_health::pb::health_client::HealthClient::new(balanced.clone());
    let refused = client
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unavailable, "{refused:?}");
    assert!(refused.message().contains(&url), "{refused:?}");
    assert!(!balanced.members()[0].serving.load(Ordering::Relaxed));
    assert!(
        crate::metrics::render().contains(&format!("{gauge} 0")),
        "{}",
        crate::metrics::render()
    );
}

/// A replica that answers (a health server) and one that is gone (a port
/// nothing listens on any more): their URLs.
async fn alive_and_gone() -> (String, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let alive = format!("http://{}", listener.local_addr().unwrap());
    let (_reporter, health) = tonic_health::server::health_reporter();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(health)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    let gone = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );
    (alive, gone)
}

#[tokio::test]
async fn a_read_that_does_not_reach_its_replica_is_asked_of_another() {
    let (alive, gone) = alive_and_gone().await;
    let balanced = Balanced::unwatched(&[gone.as_str(), alive.as_str()], &make()).unwrap();
    let mut client = tonic_health::pb::health_client::HealthClient::new(balanced.clone());
    // The first call goes to the first replica, the gone one.
    let answer = client
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .expect("asked of the other replica");
    assert_eq!(
        answer.into_inner().status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    let members = balanced.members();
    assert!(
        !members[0].serving.load(Ordering::Relaxed),
        "the gone one is marked"
    );
    assert!(is_read("/fazhi.cases.v1.CaseService/GetCase"));
    assert!(is_read(
        "/fazhi.complaints.v1.ComplaintService/ListComplaints"
    ));
    assert!(!is_read("/fazhi.cases.v1.CaseService/FileCase"));
    assert!(!is_read(
        "/fazhi.complaints.v1.ComplaintService/CreateComplaint"
    ));
}

/// A call to `path` with an empty message, through `balanced`: the
/// `grpc-status` it is answered with.
async fn status_of(balanced: &Balanced, path: &str) -> String {
    let mut request = http::Request::new(Body::new(http_body_util::Full::new(
        bytes::Bytes::from_static(&[0, 0, 0, 0, 0]),
    )));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = format!("http://replica{path}").parse().unwrap();
    request
        .headers_mut()
        .insert("content-type", "application/grpc".parse().unwrap());
    request
        .headers_mut()
        .insert("te", "trailers".parse().unwrap());
    let response = balanced.clone().oneshot(request).await.unwrap();
    response
        .headers()
        .get("grpc-status")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_else(|| "0".into())
}

#[tokio::test]
async fn a_write_goes_to_another_replica_only_when_its_own_refused_the_connection() {
    let (alive, gone) = alive_and_gone().await;
    let write = "/grpc.health.v1.Health/CreateThing";
    let unimplemented = (tonic::Code::Unimplemented as i32).to_string();
    let unavailable = (tonic::Code::Unavailable as i32).to_string();
    // Refused by the first: sent once, to the other, which answers it (its
    // health server knows no such method).
    let balanced = Balanced::unwatched(&[gone.as_str(), alive.as_str()], &make()).unwrap();
    assert_eq!(status_of(&balanced, write).await, unimplemented);
    assert!(!balanced.members()[0].serving.load(Ordering::Relaxed));
    // An upload is never held to send again: refused, it is unavailable.
    let balanced = Balanced::unwatched(&[gone.as_str(), alive.as_str()], &make()).unwrap();
    assert_eq!(
        status_of(&balanced, "/grpc.health.v1.Health/UploadThing").await,
        unavailable
    );
    assert!(is_upload("/fazhi.cases.v1.CaseService/UploadRecordContent"));
    assert!(!is_upload("/fazhi.cases.v1.CaseService/FileCase"));
}

#[tokio::test]
async fn a_host_name_stands_for_the_addresses_it_resolves_to() {
    let balanced = Balanced::new(&["http://localhost:50999"], make()).unwrap();
    assert_eq!(balanced.members()[0].address, "http://localhost:50999");
    let mut resolved = Vec::new();
    for _ in 0..100 {
        resolved = balanced
            .members()
            .iter()
            .map(|m| m.address.clone())
            .collect();
        if resolved.iter().all(|a| !a.contains("localhost")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        resolved.contains(&"http://127.0.0.1:50999".to_owned()),
        "{resolved:?}"
    );
}
