//! Command-line interface.

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

mod accounts;

pub(crate) use accounts::identity_store;
use accounts::{ApiKeyCommand, UserCommand, apikey, user};

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
        /// With every service in this process and an empty data directory:
        /// first fill it with the demo county (five townships, last year and
        /// this one) and print two accounts to log in with.
        #[arg(long)]
        demo: bool,
    },
    /// The demo county.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Print the effective configuration as TOML.
    Config,
    /// Apply every pending database migration of every service and exit
    /// (each `serve` also applies them when it starts).
    Migrate,
    /// Check a running process: `http://host:port/path` answers 2xx, or
    /// `grpc://host:port` answers SERVING to the gRPC health check. For
    /// container health checks.
    Probe { target: String },
    /// Back every database up into a new directory while the server runs —
    /// SQLite files copied consistently, PostgreSQL databases with pg_dump —
    /// callers before the services they call (gateway, complaints, cases,
    /// training), with the key files and the records kept under the data
    /// directory; readable by its owner alone.
    Backup { dir: PathBuf },
    /// Manage accounts (on the gateway's database; the server may be running).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys of county systems.
    Apikey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Import a list (CSV or .xlsx) into the running services: people,
    /// attendance and results into training, a complaint ledger into
    /// complaints. Every row is checked first; if any is rejected, nothing
    /// is imported.
    Import {
        #[command(subcommand)]
        list: ImportCommand,
    },
    /// The holiday calendar (`calendar.file`).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
}

#[derive(Debug, Subcommand)]
enum CalendarCommand {
    /// Check a holiday file before setting it as `calendar.file`: print each
    /// year it gives, its holidays and make-up working days, and the years
    /// it replaces in the shipped calendar; exit 1 naming the first mistake.
    Check { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// A complaint ledger or 12345 export (工单台账) with each request's dated
    /// workflow: 工单编号, 来源, 受理时间, 渠道, 类型, 分类, 诉求内容, 地址, 区划代码,
    /// 诉求人, 电话, 派单时间, 承办单位, 签收时间, 退单时间, 退单原因, 延期批准时间,
    /// 延期天数, 答复时间, 答复内容, 回访时间, 是否解决, 满意度, 办结时间, 重复件原工单编号.
    Complaints { file: PathBuf },
    /// People: 行政区划代码, 姓名, 身份证号, 单位, 人员类别, 职级, 科级以上, 执法岗位.
    People { file: PathBuf },
    /// A session's attendance: 身份证号, 学时.
    Attendance {
        file: PathBuf,
        #[arg(long)]
        division: String,
        #[arg(long)]
        topic: String,
        /// in_person, online or special_topic.
        #[arg(long)]
        kind: String,
        /// e.g. 2023-06-15.
        #[arg(long)]
        held_on: String,
    },
    /// An exam's results: 身份证号, 成绩 (blank or 缺考 for absent).
    ExamResults {
        file: PathBuf,
        #[arg(long)]
        division: String,
        /// qualification, annual_review, law_study or new_law.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        title: String,
        #[arg(long)]
        held_on: String,
        #[arg(long)]
        pass_mark: Option<f64>,
        #[arg(long)]
        excellent_mark: Option<f64>,
    },
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Fill an empty data directory with the demo county through the running
    /// services (started with `fazhi serve`), and print two accounts.
    Load,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Said already, as a log line in the log's own format.
        Err(err) if err.is::<Logged>() => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("fazhi: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// A failure written to the log already (a JSON line under JSON logging),
/// so it is not printed again as plain text.
#[derive(Debug)]
struct Logged;

impl std::fmt::Display for Logged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("written to the log")
    }
}

impl std::error::Error for Logged {}

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
    if matches!(
        cli.command,
        Command::Serve { .. } | Command::Demo { .. } | Command::Import { .. }
    ) {
        settings.apply_pool_sizes();
    } else {
        // A command that looks something up or changes one account leaves
        // the server's connection slots to the services.
        for name in settings::DATABASES {
            fazhi_platform::db::set_pool_size(name, fazhi_platform::db::COMMAND_POOL_SIZE);
        }
    }
    match cli.command {
        Command::Config => {
            print!("{}", settings.connection_budget());
            print!("{}", toml::to_string(&redacted(settings))?);
            Ok(())
        }
        Command::Migrate => runtime()?.block_on(crate::ops::migrate(&settings)),
        Command::Probe { target } => runtime()?.block_on(crate::ops::probe(&target)),
        Command::Backup { dir } => runtime()?.block_on(crate::ops::backup(&settings, &dir)),
        Command::Serve { service, demo } => runtime()?.block_on(serve(settings, service, demo)),
        Command::Demo {
            command: DemoCommand::Load,
        } => runtime()?.block_on(crate::demo::run::load_command(settings)),
        Command::User { command } => runtime()?.block_on(user(settings, command)),
        Command::Apikey { command } => runtime()?.block_on(apikey(settings, command)),
        Command::Import { list } => runtime()?.block_on(crate::import::run(settings, list)),
        Command::Calendar {
            command: CalendarCommand::Check { file },
        } => {
            print!("{}", crate::ops::check_calendar(&file)?);
            Ok(())
        }
    }
}

/// The settings with their secrets replaced by `(set)`.
fn redacted(mut settings: Settings) -> Settings {
    for secret in [
        &mut settings.internal_token.secret,
        &mut settings.gateway.auth.token_secret,
        &mut settings.records.s3_secret_access_key,
    ] {
        if secret.is_some() {
            *secret = Some("(set)".into());
        }
    }
    // A database URL may carry its password.
    for url in [
        &mut settings.gateway.database_url,
        &mut settings.cases.database_url,
        &mut settings.complaints.database_url,
        &mut settings.training.database_url,
    ]
    .into_iter()
    .flatten()
    {
        *url = fazhi_platform::config::masked_url(url);
    }
    settings
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn serve(settings: Settings, role: Role, demo: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        !demo || role == Role::All,
        "--demo runs with every service in one process (fazhi serve --demo)"
    );
    let service_name = match role {
        Role::All => "fazhi",
        Role::Gateway => "fazhi-gateway",
        Role::Cases => "fazhi-cases",
        Role::Complaints => "fazhi-complaints",
        Role::Training => "fazhi-training",
    };
    let _telemetry = fazhi_platform::telemetry::init(&settings.log, service_name)?;
    // From here on a failure is a log line, in the log's format.
    serve_logged(settings, role, demo).await.map_err(|err| {
        tracing::error!(error = format!("{err:#}"), "fazhi stopped");
        anyhow::Error::new(Logged)
    })
}

async fn serve_logged(settings: Settings, role: Role, demo: bool) -> anyhow::Result<()> {
    let shutdown = fazhi_platform::shutdown::on_signal();
    let running = cluster::start(&settings, role, shutdown.clone()).await?;
    if demo {
        crate::demo::run::serve_demo(&settings, &running).await?;
    }
    if let Some(addr) = running.gateway {
        tracing::info!(%addr, data_dir = %settings.data_dir.display(), "fazhi is ready: REST on http://{addr}");
    }
    // What was bound, for whoever started this process with port 0.
    println!("{}", running.listening());
    let deadline = settings.shutdown.deadline();
    let overdue = async move {
        shutdown.cancelled().await;
        tokio::time::sleep(deadline).await;
    };
    tokio::select! {
        finished = running.wait() => finished,
        () = overdue => {
            tracing::warn!(?deadline, "in-flight work did not finish by the shutdown deadline; exiting");
            Ok(())
        }
    }
}
