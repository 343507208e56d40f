//! Commands for operators: `fazhi migrate` (apply every pending migration
//! and exit), `fazhi probe URL` (a container's health check, with nothing
//! but the binary in the image) and `fazhi backup DIR` (a consistent copy of
//! every SQLite database while the server runs).

use std::{path::Path, time::Duration};

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::settings::Settings;

/// How long a probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Opens every service's database (which applies its pending migrations) and closes it.
pub(crate) async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let dir = &settings.data_dir;
    let cases = fazhi_cases::store::Store::open(settings.cases.database_url.as_deref(), dir)
        .await
        .context("the cases database")?;
    cases.database().close().await;
    let complaints =
        fazhi_complaints::store::Store::open(settings.complaints.database_url.as_deref(), dir)
            .await
            .context("the complaints database")?;
    complaints.database().close().await;
    let training =
        fazhi_training::store::Store::open(settings.training.database_url.as_deref(), dir)
            .await
            .context("the training database")?;
    training.database().close().await;
    let gateway = fazhi_identity::store::Store::open(settings.gateway.database_url.as_deref(), dir)
        .await
        .context("the gateway database")?;
    gateway.database().close().await;
    println!("migrated: cases, complaints, training, gateway");
    Ok(())
}

/// `http://host:port/path`: the answer is 2xx. `grpc://host:port`: the
/// server's gRPC health check answers SERVING.
pub(crate) async fn probe(target: &str) -> anyhow::Result<()> {
    tokio::time::timeout(PROBE_TIMEOUT, async {
        if let Some(rest) = target.strip_prefix("http://") {
            http_probe(rest).await
        } else if let Some(addr) = target.strip_prefix("grpc://") {
            grpc_probe(addr).await
        } else {
            anyhow::bail!("probe http://host:port/path or grpc://host:port")
        }
    })
    .await
    .map_err(|_| anyhow::anyhow!("{target} did not answer within {PROBE_TIMEOUT:?}"))?
}

async fn http_probe(rest: &str) -> anyhow::Result<()> {
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).await?;
    let line = String::from_utf8_lossy(&head[..n]);
    let status = line.split_whitespace().nth(1).unwrap_or_default();
    anyhow::ensure!(status.starts_with('2'), "http://{rest} answered {status:?}");
    Ok(())
}

async fn grpc_probe(addr: &str) -> anyhow::Result<()> {
    use fazhi_platform::{config::GrpcClientSettings, grpc};
    let channel = grpc::connect_lazy(&format!("http://{addr}"), &GrpcClientSettings::default())?;
    anyhow::ensure!(
        grpc::check_health(channel, "").await?,
        "grpc://{addr} is not serving"
    );
    Ok(())
}

/// The SQLite databases a data directory holds, by file name.
const DATABASES: &[(&str, &str)] = &[
    ("cases", "cases.db"),
    ("complaints", "complaints.db"),
    ("training", "training.db"),
    ("gateway", "gateway.db"),
];

/// Copies every SQLite database under the data directory into `target`
/// with `VACUUM INTO`: a consistent snapshot each, taken while the server
/// runs. Databases on PostgreSQL are left to `pg_dump`.
pub(crate) async fn backup(settings: &Settings, target: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(target).with_context(|| format!("creating {}", target.display()))?;
    let postgres = [
        settings.cases.database_url.is_some(),
        settings.complaints.database_url.is_some(),
        settings.training.database_url.is_some(),
        settings.gateway.database_url.is_some(),
    ];
    for ((name, file), on_postgres) in DATABASES.iter().zip(postgres) {
        if on_postgres {
            println!("{name}: on PostgreSQL, back it up with pg_dump");
            continue;
        }
        let source = settings.data_dir.join(file);
        if !source.exists() {
            println!("{name}: no database at {}", source.display());
            continue;
        }
        let copy = target.join(file);
        anyhow::ensure!(!copy.exists(), "{} exists already", copy.display());
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&source)
            .read_only(true)
            .busy_timeout(Duration::from_secs(30));
        let mut connection = sqlx::ConnectOptions::connect(&options).await?;
        let into = copy.to_string_lossy().replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{into}'")))
            .execute(&mut connection)
            .await
            .with_context(|| format!("copying {}", source.display()))?;
        let (live, log) = fazhi_platform::db::sqlite_file_sizes(&source);
        println!(
            "{name}: {} ({} bytes; the live file {live} bytes, its write-ahead log {log} bytes)",
            copy.display(),
            fazhi_platform::db::sqlite_file_sizes(&copy).0,
        );
    }
    for key in ["internal.key", "token.key", "history.key"] {
        let source = settings.data_dir.join(key);
        if source.exists() {
            std::fs::copy(&source, target.join(key))?;
        }
    }
    Ok(())
}
