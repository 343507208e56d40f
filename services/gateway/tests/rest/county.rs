//! A county in one test: the gateway's router over a fresh SQLite store and
//! the three services built beside it on their own SQLite files, all in
//! this process and all reading one clock the test turns.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use fazhi_gateway::{AppState, Channels, Gate, Settings};
use fazhi_identity::manage;
use fazhi_platform::{
    DivisionCode,
    auth::{Caller, InternalKey, Role},
    clock::{ManualClock, SharedClock},
    config::{GrpcClientSettings, ServiceSettings},
    grpc,
};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

pub const COUNTY: &str = "411624";
pub const TOWNSHIP: &str = "411624100";
pub const OTHER_TOWNSHIP: &str = "411624101";

/// Monday 2 March 2026, 09:00 in China.
pub const MONDAY_MORNING: &str = "2026-03-02T01:00:00Z";

pub struct County {
    router: Router,
    gate: Arc<Gate>,
    /// The clock every part reads; a test turns it.
    pub clock: Arc<ManualClock>,
    _data: fazhi_testkit::TestDatabase,
}

impl County {
    pub async fn start() -> Self {
        fazhi_platform::telemetry::init_for_tests();
        let data = fazhi_testkit::sqlite();
        let dir = data.data_dir();
        let clock = ManualClock::new(MONDAY_MORNING.parse().unwrap());
        let shared: SharedClock = clock.clone();
        let internal = InternalKey::new(&[9u8; 32], Duration::from_secs(60))
            .unwrap()
            .with_clock(shared.clone());
        let calendar = Arc::new(fazhi_calendar::Calendar::official());
        let service = ServiceSettings::default();
        let client = GrpcClientSettings::default();
        let local = |built: grpc::Service| {
            let internal = internal.clone();
            async move { grpc::local(built.name, built.routes, internal).await }
        };

        let training = fazhi_training::build(
            &service,
            fazhi_training::TrainingRules::default(),
            dir,
            shared.clone(),
        )
        .await
        .unwrap();
        let training = grpc::connect_local("training", local(training).await, &client);
        let cases = fazhi_cases::build(
            &service,
            dir,
            &fazhi_cases::content::ContentSettings::default(),
            &fazhi_cases::HistorySettings::default(),
            fazhi_cases::Certifier::new(training.clone(), internal.clone()),
            calendar.clone(),
            fazhi_cases::domain::CaseRules::default(),
            shared.clone(),
        )
        .await
        .unwrap();
        let cases = grpc::connect_local("cases", local(cases).await, &client);
        let (complaints, _relay) = fazhi_complaints::build(
            &service,
            fazhi_complaints::ReplyRules::default(),
            calendar.clone(),
            dir,
            fazhi_complaints::Upstream {
                cases: cases.clone(),
                key: internal.clone(),
            },
            shared.clone(),
        )
        .await
        .unwrap();
        let complaints = grpc::connect_local("complaints", local(complaints).await, &client);

        let gate = Arc::new(
            Gate::open(&Settings::default(), dir, internal)
                .await
                .unwrap()
                .with_clock(shared),
        );
        let state = AppState::from_channels(
            Channels {
                complaints,
                record_content: cases.clone(),
                cases,
                training,
            },
            gate.clone(),
        )
        .with_calendar(calendar);
        Self {
            router: fazhi_gateway::router(state),
            gate,
            clock,
            _data: data,
        }
    }

    /// An account with `roles` at `division`, and its access token.
    pub async fn account(&self, username: &str, roles: &[&str], division: &str) -> String {
        let operator = Caller {
            subject: "test".into(),
            roles: vec![Role::Admin],
            scope: DivisionCode::parse(COUNTY).unwrap(),
            source: None,
        };
        let account = manage::create_account(
            &self.gate.store,
            &operator,
            manage::NewAccount {
                username: username.into(),
                password: "a long test password".into(),
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
                division_code: division.into(),
                person_id: None,
            },
        )
        .await
        .unwrap();
        self.gate.authn.issue(&account).unwrap().0
    }

    /// `method path` as `token`, with a JSON `body`: the status and the
    /// JSON answer (`Null` for none); a problem always comes as
    /// `application/problem+json`.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        if !status.is_success() {
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                "application/problem+json",
                "{method} {path}"
            );
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call("GET", path, token, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call("POST", path, token, Some(body)).await
    }
}
