//! The transports' own ceilings, driven like the system: an axum server on
//! loopback answering the intake's POST with 201 and a small JSON body,
//! reading the body and doing nothing else; and a tonic server answering
//! the standard health check, called through Fazhi's own client channel.
//! What the system adds on top of these is its work.

use std::sync::Arc;

use axum::{Json, Router, http::StatusCode, routing::post};
use fazhi_platform::{config::GrpcClientSettings, grpc};
use tonic::transport::{Server, server::TcpIncoming};

use crate::{Run, drive, post_created};

/// `clients` posting `body` to a bare axum route for `seconds`.
pub async fn axum_post(clients: usize, seconds: u64, body: Vec<u8>) -> anyhow::Result<Run> {
    let app = Router::new().route(
        "/api/v1/complaints",
        post(|body: axum::body::Bytes| async move {
            (
                StatusCode::CREATED,
                Json(serde_json::json!({ "received_bytes": body.len(), "status": "received" })),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/v1/complaints", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let body = Arc::new(body);
    let run = drive(clients, seconds, move || {
        let (client, url, body) = (client.clone(), url.clone(), body.clone());
        async move { post_created(&client, &url, None, body.as_ref().clone()).await }
    })
    .await;
    server.abort();
    Ok(run)
}

/// `clients` asking a bare tonic server's health service for `seconds`.
pub async fn tonic_check(clients: usize, seconds: u64) -> anyhow::Result<Run> {
    let (_health, service) = tonic_health::server::health_reporter();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move {
        Server::builder()
            .add_service(service)
            .serve_with_incoming(TcpIncoming::from(listener).with_nodelay(Some(true)))
            .await
    });
    let channel = grpc::connect_lazy(&endpoint, &GrpcClientSettings::default())?;
    let run = drive(clients, seconds, move || {
        let channel = channel.clone();
        async move {
            grpc::check_health(channel, "")
                .await
                .ok()
                .filter(|serving| *serving)
                .map(|_| ())
                .ok_or(())
        }
    })
    .await;
    server.abort();
    Ok(run)
}
