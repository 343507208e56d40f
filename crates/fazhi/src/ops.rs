//! Commands for operators: `fazhi migrate` (apply every pending migration
//! and exit), `fazhi probe URL` (a container's health check, with nothing
//! but the binary in the image) and `fazhi backup DIR` (a consistent copy of
//! every SQLite database while the server runs), and `fazhi calendar check
//! FILE` (a holiday file read before it is set).

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

/// The databases, in the order a backup takes them: each caller before the
/// services it calls, so whatever a database says another holds was
/// written there before that one was copied. The gateway's idempotency
/// record names complaints and leads it was answered with; a complaint the
/// outbox marks delivered names its lead in the cases service; cases ask
/// training only questions.
const DATABASES: &[(&str, &str)] = &[
    ("gateway", "gateway.db"),
    ("complaints", "complaints.db"),
    ("cases", "cases.db"),
    ("training", "training.db"),
];

/// Files beside the databases a restore needs: the keys that sign tokens
/// and chain case histories.
const KEYS: [&str; 3] = ["internal.key", "token.key", "history.key"];

/// A database URL per service, where it is on PostgreSQL.
fn postgres_urls(settings: &Settings) -> Vec<(&'static str, &str)> {
    [
        ("gateway", settings.gateway.database_url.as_deref()),
        ("complaints", settings.complaints.database_url.as_deref()),
        ("cases", settings.cases.database_url.as_deref()),
        ("training", settings.training.database_url.as_deref()),
    ]
    .into_iter()
    .filter_map(|(name, url)| Some((name, url?)))
    .filter(|(_, url)| url.starts_with("postgres"))
    .collect()
}

/// Copies every database into `target`, in [`DATABASES`]' order, with the
/// key files and the records' content kept under the data directory: each
/// SQLite file with `VACUUM INTO` (a consistent snapshot, taken while the
/// server runs), each PostgreSQL database with `pg_dump -Fc`. `target` is
/// made readable by its owner alone (it holds names, phone numbers and the
/// keys), and so is every file in it.
pub(crate) async fn backup(settings: &Settings, target: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !target.exists() || std::fs::read_dir(target)?.next().is_none(),
        "{} is not empty: a backup goes into a new directory",
        target.display()
    );
    private_dir(target)?;
    let on_postgres = postgres_urls(settings);
    for (name, file) in DATABASES {
        if let Some((_, url)) = on_postgres.iter().find(|(n, _)| n == name) {
            let dump = target.join(format!("{name}.dump"));
            pg_dump(url, &dump)
                .await
                .with_context(|| format!("backing up the {name} database"))?;
            private_file(&dump)?;
            println!("{name}: {} (pg_dump -Fc)", dump.display());
            continue;
        }
        let source = settings.data_dir.join(file);
        if !source.exists() {
            println!("{name}: no database at {}", source.display());
            continue;
        }
        let copy = target.join(file);
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
        private_file(&copy)?;
        let (live, log) = fazhi_platform::db::sqlite_file_sizes(&source);
        println!(
            "{name}: {} ({} bytes; the live file {live} bytes, its write-ahead log {log} bytes)",
            copy.display(),
            fazhi_platform::db::sqlite_file_sizes(&copy).0,
        );
    }
    for key in KEYS {
        let source = settings.data_dir.join(key);
        if source.exists() {
            let copy = target.join(key);
            std::fs::copy(&source, &copy)?;
            private_file(&copy)?;
        }
    }
    // The records' content, when it is kept under the data directory (an
    // object store keeps its own copies).
    let records = settings.data_dir.join("records");
    if settings.records.store.is_none() && records.is_dir() {
        let copied = copy_tree(&records, &target.join("records"))?;
        println!("records: {copied} files");
    }
    Ok(())
}

/// Runs `pg_dump -Fc` of `url` into `dump`, or says what to run instead.
async fn pg_dump(url: &str, dump: &Path) -> anyhow::Result<()> {
    let ran = tokio::process::Command::new("pg_dump")
        .args(["-Fc", "--no-owner", "--file"])
        .arg(dump)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .output()
        .await;
    match ran {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => anyhow::bail!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(err) => anyhow::bail!(
            "pg_dump cannot be run here ({err}); install PostgreSQL's client tools, or dump each \
             database yourself in this order — gateway, complaints, cases, training — with \
             `pg_dump -Fc --no-owner --file NAME.dump URL`"
        ),
    }
}

/// Copies the files under `from` into `to`, keeping the tree; each copy
/// readable by its owner alone. Symbolic links are not followed.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<usize> {
    private_dir(to)?;
    let mut copied = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copied += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target)?;
            private_file(&target)?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// `dir` made (if missing) and restricted to its owner.
fn private_dir(dir: &Path) -> anyhow::Result<()> {
    fazhi_platform::owner_only::create_dir(dir)
        .and_then(|()| fazhi_platform::owner_only::restrict(dir))
        .with_context(|| format!("creating {}", dir.display()))
}

/// `file` restricted to its owner.
fn private_file(file: &Path) -> anyhow::Result<()> {
    fazhi_platform::owner_only::restrict(file)
        .with_context(|| format!("making {} private", file.display()))
}

/// What `fazhi calendar check FILE` prints, or the file's first mistake.
pub(crate) fn check_calendar(file: &std::path::Path) -> anyhow::Result<String> {
    use std::fmt::Write;
    /// A notice is a page; anything far larger is not one.
    const MOST_BYTES: u64 = 256 << 10;
    let size = std::fs::metadata(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?
        .len();
    anyhow::ensure!(
        size <= MOST_BYTES,
        "{} is {size} bytes; a holiday file is at most {MOST_BYTES}",
        file.display()
    );
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let given = fazhi_calendar::Calendar::from_toml(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let shipped: Vec<i32> = fazhi_calendar::Calendar::official().years().collect();
    let mut out = String::new();
    let notices = given.notices();
    anyhow::ensure!(!notices.is_empty(), "{} gives no [[year]]", file.display());
    for notice in notices {
        let _ = writeln!(
            out,
            "{}: published {}, {} days off, {} make-up working days{}",
            notice.year,
            notice.published.as_deref().unwrap_or("(not given)"),
            notice.days_off,
            notice.working_weekends.len(),
            if shipped.contains(&notice.year) {
                " — replaces the shipped notice"
            } else {
                ""
            }
        );
        for (name, from, to) in &notice.holidays {
            let _ = writeln!(out, "  {name}: {from} to {to}");
        }
        for day in &notice.working_weekends {
            let _ = writeln!(out, "  worked: {day}");
        }
    }
    Ok(out)
}
