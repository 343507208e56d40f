//! Command-line interface.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::{
    cluster::{self, Role},
    settings::{self, Settings},
};

#[derive(Debug, Parser)]
#[command(
    name = "fazhi",
    version,
    about = "Fazhi (法治): rule-of-law government work for counties and townships"
)]
#[command(after_help = settings::help_text())]
pub struct Cli {
    /// TOML configuration file.
    #[arg(long, global = true, env = "FAZHI_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the SQLite databases (overrides data_dir).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the services: all of them in one process (the default), or one.
    Serve {
        #[arg(value_enum, default_value = "all")]
        service: Role,
    },
    /// Print the effective configuration as TOML.
    Config,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("fazhi: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn load(cli: &Cli) -> anyhow::Result<Settings> {
    let mut overrides = Vec::new();
    if let Some(dir) = &cli.data_dir {
        overrides.push(("data_dir", dir.display().to_string()));
    }
    Ok(fazhi_platform::config::load(
        &Settings::default(),
        cli.config.as_deref(),
        &overrides,
    )?)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = load(&cli)?;
    match cli.command {
        Command::Config => {
            print!("{}", toml::to_string(&settings)?);
            Ok(())
        }
        Command::Serve { service } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            runtime.block_on(serve(settings, service))
        }
    }
}

async fn serve(settings: Settings, role: Role) -> anyhow::Result<()> {
    let service_name = match role {
        Role::All => "fazhi",
        Role::Gateway => "fazhi-gateway",
        Role::Cases => "fazhi-cases",
        Role::Complaints => "fazhi-complaints",
        Role::Training => "fazhi-training",
    };
    let _telemetry = fazhi_platform::telemetry::init(&settings.log, service_name)?;
    let shutdown = fazhi_platform::shutdown::on_signal();
    let running = cluster::start(&settings, role, shutdown).await?;
    if let Some(addr) = running.gateway {
        tracing::info!(%addr, data_dir = %settings.data_dir.display(), "fazhi is ready: REST on http://{addr}");
    }
    running.wait().await
}
