//! Layered configuration: built-in defaults, then a TOML file, then `FAZHI_*`
//! environment variables (`__` separates sections: `FAZHI_GATEWAY__LISTEN`).

use std::{net::SocketAddr, path::Path, time::Duration};

use figment::{
    Figment, Provider,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// Loads `T` from its defaults, an optional TOML file and the environment.
/// `overrides` (command-line flags) win over everything.
pub fn load<T>(
    defaults: &T,
    file: Option<&Path>,
    overrides: &[(&str, String)],
) -> Result<T, Box<figment::Error>>
where
    T: Serialize + DeserializeOwned,
{
    let mut figment = Figment::from(Serialized::defaults(defaults));
    if let Some(file) = file {
        if !file.exists() {
            let missing = format!("configuration file {} does not exist", file.display());
            return Err(Box::new(figment::Error::from(missing)));
        }
        figment = figment.merge(Toml::file(file));
    }
    // The settings' shape: which keys there are, and which are text.
    let shape = Figment::from(Serialized::defaults(defaults));
    // Only sections and keys the settings know: FAZHI_TEST_* and other
    // variables meant for tools are not configuration.
    let known: Vec<String> = match shape.data() {
        Ok(data) => data
            .values()
            .flat_map(|dict| dict.keys().cloned())
            .collect(),
        Err(_) => Vec::new(),
    };
    // `FAZHI_<SETTING>_FILE` names a file to read the setting from (below),
    // unless it is itself a setting.
    let settings = shape.clone();
    let env = Env::prefixed("FAZHI_").split("__").filter(move |key| {
        let top = key.as_str().split('.').next().unwrap_or_default();
        let lower = key.as_str().to_ascii_lowercase();
        let file_of_a_setting = lower.ends_with("_file") && settings.find_value(&lower).is_err();
        known.iter().any(|k| k.eq_ignore_ascii_case(top)) && !file_of_a_setting
    });
    figment = figment.merge(env);
    // A value that reads as a number or a truth value (a county code such
    // as 411624) stays text where the setting is text.
    for (name, raw) in std::env::vars() {
        let Some(rest) = name.strip_prefix("FAZHI_") else {
            continue;
        };
        let key = rest.replace("__", ".").to_ascii_lowercase();
        if matches!(
            shape.find_value(&key),
            Ok(figment::value::Value::String(..))
        ) {
            figment = figment.merge(Serialized::default(&key, raw));
        }
    }
    for (key, value) in secret_files(&figment)? {
        figment = figment.merge(Serialized::default(&key, value));
    }
    for (key, value) in overrides {
        figment = figment.merge(Serialized::default(key, value));
    }
    figment.extract().map_err(Box::new)
}

/// Settings read from files: `FAZHI_<SETTING>_FILE=/path` sets the setting
/// `FAZHI_<SETTING>` names to the file's content (its last line break
/// dropped), so secrets come from mounted files and never sit on a command
/// line or in the environment. A variable that is itself a setting
/// (`FAZHI_CALENDAR__FILE`) is left to mean that setting.
fn secret_files(figment: &Figment) -> Result<Vec<(String, String)>, Box<figment::Error>> {
    let key = |name: &str| name.to_ascii_lowercase().replace("__", ".");
    let mut found = Vec::new();
    for (name, path) in std::env::vars() {
        let Some(rest) = name.strip_prefix("FAZHI_") else {
            continue;
        };
        let Some(setting) = rest.strip_suffix("_FILE") else {
            continue;
        };
        if figment.find_value(&key(rest)).is_ok() || figment.find_value(&key(setting)).is_err() {
            continue;
        }
        let value = std::fs::read_to_string(&path)
            .map_err(|e| Box::new(figment::Error::from(format!("{name}: reading {path}: {e}"))))?;
        let value = value.strip_suffix('\n').unwrap_or(&value);
        let value = value.strip_suffix('\r').unwrap_or(value);
        found.push((key(setting), value.to_owned()));
    }
    Ok(found)
}

/// Where one service listens and keeps its data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceSettings {
    /// gRPC listen address.
    pub listen: SocketAddr,
    /// Where other processes reach this service; defaults to `http://{listen}`.
    pub endpoint: Option<String>,
    /// `postgres://…` to use PostgreSQL; unset means a SQLite file under the data directory.
    pub database_url: Option<String>,
    /// Connections the service's database pool opens at most.
    pub database_pool: u32,
}

impl ServiceSettings {
    pub fn on_port(port: u16) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], port)),
            endpoint: None,
            database_url: None,
            database_pool: crate::db::DEFAULT_POOL_SIZE,
        }
    }

    pub fn endpoint(&self) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }
}

impl Default for ServiceSettings {
    fn default() -> Self {
        Self::on_port(0)
    }
}

/// How this process calls other services.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct GrpcClientSettings {
    /// Deadline of every call, in milliseconds.
    pub deadline_ms: u64,
    /// How long to wait for a connection, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Services run in one process (`fazhi serve`) call each other in
    /// process: the same service traits and layers, no socket or HTTP/2
    /// framing. Off: over loopback gRPC, as separate processes do.
    pub in_process: bool,
}

impl GrpcClientSettings {
    pub fn deadline(&self) -> Duration {
        Duration::from_millis(self.deadline_ms)
    }

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
}

impl Default for GrpcClientSettings {
    fn default() -> Self {
        Self {
            deadline_ms: 5_000,
            connect_timeout_ms: 1_000,
            in_process: true,
        }
    }
}

/// How this process's gRPC servers treat their connections.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct GrpcServerSettings {
    /// Serve gRPC reflection (grpcurl without .proto files). On for local
    /// development; the deploy files turn it off.
    pub reflection: bool,
    /// Ping idle HTTP/2 connections this often, in seconds …
    pub keepalive_interval_secs: u64,
    /// … and close them when a ping is not answered within this, in seconds.
    pub keepalive_timeout_secs: u64,
    /// Longest a single call may run on the server, in seconds.
    pub request_timeout_secs: u64,
    /// Concurrent calls on one connection.
    pub max_concurrent_streams: u32,
}

impl Default for GrpcServerSettings {
    fn default() -> Self {
        Self {
            reflection: true,
            keepalive_interval_secs: 30,
            keepalive_timeout_secs: 10,
            request_timeout_secs: 300,
            max_concurrent_streams: 256,
        }
    }
}

/// How a process stops on SIGTERM (or Ctrl-C).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct ShutdownSettings {
    /// Milliseconds between the signal and refusing new work. Meanwhile
    /// health answers NOT_SERVING and readiness 503 while calls are still
    /// served, so balancers and other replicas move new calls elsewhere first.
    pub drain_ms: u64,
    /// Seconds after the signal by which the process has exited, whether
    /// or not in-flight work has finished.
    pub deadline_secs: u64,
}

impl ShutdownSettings {
    pub fn drain(&self) -> Duration {
        Duration::from_millis(self.drain_ms)
    }

    pub fn deadline(&self) -> Duration {
        Duration::from_secs(self.deadline_secs.max(1))
    }
}

impl Default for ShutdownSettings {
    fn default() -> Self {
        Self {
            drain_ms: 0,
            deadline_secs: 10,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Plain,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// `plain` for people, `json` for log collectors.
    pub format: LogFormat,
    /// A `tracing` filter, e.g. `info` or `info,fazhi_complaints=debug`; `RUST_LOG` wins when set.
    pub filter: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            format: LogFormat::Plain,
            filter: "info".into(),
        }
    }
}

/// `url` with its password, if it holds one, replaced by `***`: what may be
/// printed or logged of a database URL.
pub fn masked_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The authority ends at the first '/', '?' or '#'; its user part at its
    // last '@' (a password may hold '@' only percent-encoded, but be safe).
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let Some((user, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = match user.split_once(':') {
        Some((name, _)) => format!("{name}:***"),
        None => user.to_owned(),
    };
    format!("{scheme}://{user}@{host}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_urls_password_is_masked_and_nothing_else() {
        assert_eq!(
            masked_url("postgres://fazhi:s3cr@t@db.county:5432/cases?sslmode=require"),
            "postgres://fazhi:***@db.county:5432/cases?sslmode=require"
        );
        assert_eq!(
            masked_url("postgres://fazhi@db:5432/cases"),
            "postgres://fazhi@db:5432/cases"
        );
        assert_eq!(
            masked_url("sqlite:///srv/fazhi/cases.db?mode=rwc"),
            "sqlite:///srv/fazhi/cases.db?mode=rwc"
        );
        assert_eq!(masked_url("not a url"), "not a url");
        // An '@' after the host is not a password's end.
        assert_eq!(
            masked_url("postgres://db:5432/cases?application_name=a@b"),
            "postgres://db:5432/cases?application_name=a@b"
        );
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq, Default)]
    #[serde(deny_unknown_fields, default)]
    struct Sample {
        data_dir: String,
        service: ServiceSettings,
    }

    #[test]
    fn a_file_overrides_defaults_and_flags_override_the_file() {
        let dir = std::env::temp_dir().join(format!("fazhi-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("fazhi.toml");
        std::fs::write(
            &file,
            "data_dir = \"/srv/a\"\n[service]\nlisten = \"0.0.0.0:7000\"\n",
        )
        .unwrap();
        let loaded: Sample = load(
            &Sample::default(),
            Some(&file),
            &[("data_dir", "/srv/b".into())],
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(loaded.data_dir, "/srv/b");
        assert_eq!(loaded.service.listen, "0.0.0.0:7000".parse().unwrap());
    }

    #[test]
    fn an_unknown_key_in_the_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("fazhi-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("fazhi.toml");
        std::fs::write(&file, "[service]\nlisten_addr = \"0.0.0.0:7000\"\n").unwrap();
        let err = load(&Sample::default(), Some(&file), &[]).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        assert!(err.to_string().contains("listen_addr"), "{err}");
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let err = load(
            &Sample::default(),
            Some(Path::new("/nonexistent/fazhi.toml")),
            &[],
        )
        .unwrap_err();
        assert!(err.to_string().contains("does not exist"));
    }
}
