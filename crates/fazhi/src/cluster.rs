//! Starting services: all four in one process (each on its own port for
//! other processes, calling each other in process) or any one alone. The
//! end-to-end tests start the same way, on port 0.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::Arc,
};

use anyhow::Context;
use fazhi_calendar::Calendar;
use fazhi_platform::{config::ServiceSettings, shutdown::CancellationToken};
use tokio::{net::TcpListener, task::JoinSet};

use crate::settings::Settings;

/// What `fazhi serve` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// Every service in one process.
    All,
    Gateway,
    Cases,
    Complaints,
    Training,
}

impl Role {
    fn runs(self, other: Role) -> bool {
        self == Role::All || self == other
    }
}

/// The running servers and their actual addresses.
pub struct Running {
    pub gateway: Option<SocketAddr>,
    pub cases: Option<SocketAddr>,
    pub complaints: Option<SocketAddr>,
    pub training: Option<SocketAddr>,
    pub metrics: Option<SocketAddr>,
    /// The gateway's identity store and authenticator, when it runs here.
    pub gate: Option<Arc<fazhi_gateway::Gate>>,
    /// The complaints service's outbox relay and overdue sweep, when it
    /// runs here (a test sweeps at the moment it chooses).
    pub complaints_relay: Option<fazhi_complaints::relay::Relay>,
    tasks: JoinSet<anyhow::Result<()>>,
    shutdown: CancellationToken,
}

impl Running {
    /// One line naming every address bound, printed once ready:
    /// `listening rest=127.0.0.1:8080 cases=127.0.0.1:50051 …` (what runs
    /// here only), so a process started on port 0 tells where it is.
    pub fn listening(&self) -> String {
        let mut line = String::from("listening");
        for (name, addr) in [
            ("rest", self.gateway),
            ("cases", self.cases),
            ("complaints", self.complaints),
            ("training", self.training),
            ("metrics", self.metrics),
        ] {
            if let Some(addr) = addr {
                line.push_str(&format!(" {name}={addr}"));
            }
        }
        line
    }

    /// Waits until every server has stopped (after `shutdown`, or when one fails,
    /// which stops the others).
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut first_error = None;
        while let Some(joined) = self.tasks.join_next().await {
            let result = joined.map_err(anyhow::Error::from).and_then(|r| r);
            if let Err(err) = result {
                tracing::error!(error = %format!("{err:#}"), "a server failed; stopping the others");
                self.shutdown.cancel();
                first_error.get_or_insert(err);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Stops every server and waits for them.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        self.wait().await
    }
}

/// Binds, opens databases and starts the servers of `role`.
pub async fn start(
    settings: &Settings,
    role: Role,
    shutdown: CancellationToken,
) -> anyhow::Result<Running> {
    start_with_clock(settings, role, shutdown, fazhi_platform::clock::system()).await
}

/// [`start`], every service and the gateway reading `clock` for "now" (a
/// test turns a manual one instead of sleeping).
pub async fn start_with_clock(
    settings: &Settings,
    role: Role,
    shutdown: CancellationToken,
    clock: fazhi_platform::clock::SharedClock,
) -> anyhow::Result<Running> {
    fazhi_platform::db::set_wal_limit(settings.database.wal_limit_mib.saturating_mul(1 << 20));
    settings.apply_pool_sizes();
    let calendar = Arc::new(match &settings.calendar.file {
        Some(path) => Calendar::official_with_overrides(path)?,
        None => Calendar::official(),
    });
    let internal = settings.internal_key()?.with_clock(clock.clone());
    let mut tasks = JoinSet::new();
    let mut running = Running {
        gateway: None,
        cases: None,
        complaints: None,
        training: None,
        metrics: None,
        gate: None,
        complaints_relay: None,
        tasks: JoinSet::new(),
        shutdown: shutdown.clone(),
    };

    // Every port is bound first, so each service knows where the others are.
    let (mut cases_listener, mut complaints_listener, mut training_listener) = (None, None, None);
    for (runs, service, name, listener, addr) in [
        (
            Role::Cases,
            &settings.cases,
            "cases",
            &mut cases_listener,
            &mut running.cases,
        ),
        (
            Role::Complaints,
            &settings.complaints,
            "complaints",
            &mut complaints_listener,
            &mut running.complaints,
        ),
        (
            Role::Training,
            &settings.training,
            "training",
            &mut training_listener,
            &mut running.training,
        ),
    ] {
        if role.runs(runs) {
            let bound = bind(service, name).await?;
            *addr = Some(bound.local_addr()?);
            *listener = Some(bound);
        }
    }
    // All in one process: the services call each other in process, and
    // still serve their ports for other processes. A service given an
    // endpoint of its own is called there.
    let in_process = role == Role::All && settings.grpc.in_process;
    let local = |service: &fazhi_platform::grpc::Service, settings: &ServiceSettings| {
        let here = in_process && settings.endpoint.is_none();
        let (name, routes, internal) = (service.name, service.routes.clone(), internal.clone());
        async move {
            match here {
                true => Some(fazhi_platform::grpc::local(name, routes, internal).await),
                false => None,
            }
        }
    };
    // A channel to `name`: in process when it runs here, else over gRPC.
    let channel = |name: &'static str,
                   local: Option<&fazhi_platform::balance::LocalService>,
                   endpoint: String,
                   client: &fazhi_platform::config::GrpcClientSettings|
     -> anyhow::Result<fazhi_platform::grpc::Channel> {
        Ok(match local {
            Some(service) => fazhi_platform::grpc::connect_local(name, service.clone(), client),
            None => fazhi_platform::grpc::connect_lazy(&endpoint, client)?,
        })
    };
    let serve = |service: fazhi_platform::grpc::Service, listener: TcpListener| {
        service.run(
            listener,
            internal.clone(),
            settings.grpc_server.clone(),
            settings.shutdown.drain(),
            shutdown.clone(),
        )
    };

    let mut local_training = None;
    if let Some(listener) = training_listener {
        let service = fazhi_training::build(
            &settings.training,
            settings.rules.training.clone(),
            &settings.data_dir,
            clock.clone(),
        )
        .await?;
        local_training = local(&service, &settings.training).await;
        tasks.spawn(serve(service, listener));
    }

    let mut local_cases = None;
    if let Some(listener) = cases_listener {
        // Every officer action asks the training service.
        let training = channel(
            "training",
            local_training.as_ref(),
            endpoint(&settings.training, running.training),
            &settings.grpc,
        )?;
        let certifier = fazhi_cases::Certifier::new(training, internal.clone());
        let service = fazhi_cases::build(
            &settings.cases,
            &settings.data_dir,
            &settings.records,
            &settings.case_history,
            certifier,
            calendar.clone(),
            settings.rules.cases.clone(),
            clock.clone(),
        )
        .await?;
        local_cases = local(&service, &settings.cases).await;
        tasks.spawn(serve(service, listener));
    }

    let mut local_complaints = None;
    if let Some(listener) = complaints_listener {
        // Escalations go to the cases service.
        let upstream = fazhi_complaints::Upstream {
            cases: channel(
                "cases",
                local_cases.as_ref(),
                endpoint(&settings.cases, running.cases),
                &settings.grpc,
            )?,
            key: internal.clone(),
        };
        let (service, relay) = fazhi_complaints::build(
            &settings.complaints,
            settings.rules.complaints.clone(),
            calendar.clone(),
            &settings.data_dir,
            upstream,
            clock.clone(),
        )
        .await?;
        running.complaints_relay = Some(relay.clone());
        tasks.spawn(relay.run(shutdown.clone()));
        local_complaints = local(&service, &settings.complaints).await;
        tasks.spawn(serve(service, listener));
    }

    if role.runs(Role::Gateway) {
        let transfer = fazhi_gateway::transfer(&settings.grpc, &settings.gateway);
        let cases = endpoint(&settings.cases, running.cases);
        let channels = fazhi_gateway::Channels {
            complaints: channel(
                "complaints",
                local_complaints.as_ref(),
                endpoint(&settings.complaints, running.complaints),
                &settings.grpc,
            )?,
            cases: channel("cases", local_cases.as_ref(), cases.clone(), &settings.grpc)?,
            record_content: channel("cases", local_cases.as_ref(), cases, &transfer)?,
            training: channel(
                "training",
                local_training.as_ref(),
                endpoint(&settings.training, running.training),
                &settings.grpc,
            )?,
        };
        let fazhi_gateway::Gateway {
            gate,
            state,
            router,
        } = fazhi_gateway::build(
            &settings.gateway,
            &settings.data_dir,
            internal.clone(),
            channels,
            calendar.clone(),
            clock.clone(),
        )
        .await?;
        running.gate = Some(gate.clone());
        let stop = shutdown.clone();
        tasks.spawn(async move {
            gate.housekeeping(stop).await;
            Ok(())
        });
        let (draining, stop) = (running.gate.clone(), shutdown.clone());
        tasks.spawn(async move {
            stop.cancelled().await;
            draining.iter().for_each(|gate| gate.start_draining());
            Ok(())
        });
        if settings.gateway.oversight_metrics_secs > 0 {
            let (state, stop) = (state.clone(), shutdown.clone());
            let every = std::time::Duration::from_secs(settings.gateway.oversight_metrics_secs);
            tasks.spawn(async move {
                fazhi_gateway::refresh_oversight_metrics(state, every, stop).await;
                Ok(())
            });
        }
        let listener = TcpListener::bind(settings.gateway.listen)
            .await
            .with_context(|| format!("binding the gateway to {}", settings.gateway.listen))?;
        running.gateway = Some(listener.local_addr()?);
        let stop = shutdown.clone();
        let rest = settings.gateway.clone();
        let drain = settings.shutdown.drain();
        tasks.spawn(async move {
            fazhi_gateway::serve(listener, router, &rest, drain, stop)
                .await
                .map_err(Into::into)
        });
    }
    if !role.runs(Role::Gateway) || !settings.gateway.metrics_on_rest {
        let listener = TcpListener::bind(settings.metrics.listen)
            .await
            .with_context(|| format!("binding metrics to {}", settings.metrics.listen))?;
        running.metrics = Some(listener.local_addr()?);
        let stop = shutdown.clone();
        tasks.spawn(async move {
            fazhi_platform::metrics::serve(listener, stop)
                .await
                .map_err(Into::into)
        });
    }

    running.tasks = tasks;
    Ok(running)
}

async fn bind(settings: &ServiceSettings, name: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("binding the {name} service to {}", settings.listen))
}

fn endpoint(settings: &ServiceSettings, bound: Option<SocketAddr>) -> String {
    match (bound, &settings.endpoint) {
        (Some(mut addr), None) => {
            if addr.ip().is_unspecified() {
                addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
            }
            format!("http://{addr}")
        }
        _ => settings.endpoint(),
    }
}
