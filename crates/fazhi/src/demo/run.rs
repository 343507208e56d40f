//! The demo county from the command line: `fazhi serve --demo` and
//! `fazhi demo load`.

use fazhi_platform::DivisionCode;

use crate::{cli::identity_store, cluster, settings::Settings};

/// `serve --demo`: the demo county into this process's empty data directory.
pub(crate) async fn serve_demo(
    settings: &Settings,
    running: &cluster::Running,
) -> anyhow::Result<()> {
    let (Some(gate), Some(cases), Some(complaints), Some(training)) = (
        &running.gate,
        running.cases,
        running.complaints,
        running.training,
    ) else {
        anyhow::bail!("--demo needs every service in this process");
    };
    let county = DivisionCode::parse(&settings.gateway.county)
        .map_err(|e| anyhow::anyhow!("gateway.county {:?} {e}", settings.gateway.county))?;
    if !super::is_empty(&gate.store, &county).await? {
        println!("demo county: the data directory holds records already; not loaded again");
        return Ok(());
    }
    let endpoints = super::Endpoints {
        cases: format!("http://{}", loopback(cases)),
        complaints: format!("http://{}", loopback(complaints)),
        training: format!("http://{}", loopback(training)),
    };
    demo_report(
        super::load(
            &gate.store,
            &endpoints,
            &settings.grpc,
            settings.internal_key()?,
            gate.clock.now(),
        )
        .await?,
        running.gateway,
    );
    Ok(())
}

fn loopback(mut addr: std::net::SocketAddr) -> std::net::SocketAddr {
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    addr
}

/// `demo load`: the demo county through the running services.
pub(crate) async fn load_command(settings: Settings) -> anyhow::Result<()> {
    let (store, _) = identity_store(&settings).await?;
    let endpoints = super::Endpoints {
        cases: settings.cases.endpoint(),
        complaints: settings.complaints.endpoint(),
        training: settings.training.endpoint(),
    };
    let loaded = super::load(
        &store,
        &endpoints,
        &settings.grpc,
        settings.internal_key()?,
        fazhi_platform::time::now(),
    )
    .await?;
    demo_report(loaded, Some(settings.gateway.listen));
    Ok(())
}

fn demo_report(loaded: super::Loaded, gateway: Option<std::net::SocketAddr>) {
    println!(
        "demo county loaded: 5 townships, {} officers, {} complaints, {} cases",
        loaded.officers, loaded.complaints, loaded.cases
    );
    if let Some(addr) = gateway {
        println!("open http://{} and log in as:", loopback(addr));
    }
    for account in loaded.accounts {
        println!(
            "  {:<14} password {}  ({})",
            account.username, account.password, account.what
        );
    }
}
