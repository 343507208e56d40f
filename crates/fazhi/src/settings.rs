//! Every setting of a Fazhi process, with its default, in one place; `fazhi
//! --help` prints this table and a test keeps it complete.

use std::{net::SocketAddr, path::PathBuf};

use fazhi_complaints::ReplyRules;
use fazhi_platform::config::{
    GrpcClientSettings, GrpcServerSettings, LogSettings, ServiceSettings, ShutdownSettings,
};
use fazhi_training::TrainingRules;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub log: LogSettings,
    pub gateway: fazhi_gateway::Settings,
    pub cases: ServiceSettings,
    /// Where the cases service keeps full-process records' content.
    pub records: fazhi_cases::content::ContentSettings,
    /// The key of every case's history chain.
    pub case_history: fazhi_cases::HistorySettings,
    pub complaints: ServiceSettings,
    pub training: ServiceSettings,
    pub grpc: GrpcClientSettings,
    pub grpc_server: GrpcServerSettings,
    pub shutdown: ShutdownSettings,
    pub metrics: MetricsSettings,
    pub database: DatabaseSettings,
    pub calendar: CalendarSettings,
    pub rules: Rules,
    pub internal_token: InternalTokenSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            log: LogSettings::default(),
            gateway: fazhi_gateway::Settings::default(),
            cases: ServiceSettings::on_port(50051),
            records: Default::default(),
            case_history: Default::default(),
            complaints: ServiceSettings::on_port(50052),
            training: ServiceSettings::on_port(50053),
            grpc: GrpcClientSettings::default(),
            grpc_server: GrpcServerSettings::default(),
            shutdown: ShutdownSettings::default(),
            metrics: MetricsSettings::default(),
            database: DatabaseSettings::default(),
            calendar: CalendarSettings::default(),
            rules: Rules::default(),
            internal_token: InternalTokenSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSettings {
    pub listen: SocketAddr,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 9464)),
        }
    }
}

/// Every database of the process.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// The bound each SQLite write-ahead log is kept under, in MiB.
    pub wal_limit_mib: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            wal_limit_mib: fazhi_platform::db::DEFAULT_WAL_LIMIT_BYTES >> 20,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CalendarSettings {
    pub file: Option<PathBuf>,
}

/// The numbers of DOMAIN.md's rules that provinces and counties set differently.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    pub complaints: ReplyRules,
    pub training: TrainingRules,
    pub cases: fazhi_cases::domain::CaseRules,
}

/// The identity the gateway hands every service call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct InternalTokenSettings {
    /// Shared secret (32+ bytes) signing internal identity tokens; unset
    /// means one generated into `{data_dir}/internal.key`.
    pub secret: Option<String>,
    /// Lifetime of one internal token, in seconds.
    pub ttl_secs: u64,
}

impl Default for InternalTokenSettings {
    fn default() -> Self {
        Self {
            secret: None,
            ttl_secs: 60,
        }
    }
}

/// The databases of a Fazhi deployment, as their pools are named.
pub const DATABASES: [&str; 4] = ["gateway", "cases", "complaints", "training"];

impl Settings {
    /// Each database's pool size as the settings give it, for pools opened
    /// from now on.
    pub fn apply_pool_sizes(&self) {
        for (name, size) in self.pool_sizes() {
            fazhi_platform::db::set_pool_size(name, size);
        }
    }

    /// Each database's pool size (`{service}.database_pool`).
    pub fn pool_sizes(&self) -> [(&'static str, u32); 4] {
        [
            ("gateway", self.gateway.database_pool),
            ("cases", self.cases.database_pool),
            ("complaints", self.complaints.database_pool),
            ("training", self.training.database_pool),
        ]
    }

    /// What `fazhi config` says of the connections each kind of process
    /// opens at most, to add up against PostgreSQL's `max_connections`.
    pub fn connection_budget(&self) -> String {
        let sizes = self.pool_sizes();
        let all: u32 = sizes.iter().map(|(_, n)| n).sum();
        let each = sizes
            .iter()
            .map(|(name, n)| format!("`fazhi serve {name}` {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "# Connection budget: each process opens at most its databases' pools — \n\
             # `fazhi serve` (every service) {all}, {each}; `fazhi migrate`, `fazhi user`, \n\
             # `fazhi apikey` and `fazhi backup` {} per database. Add up the processes that \n\
             # share one PostgreSQL server and keep the sum under its max_connections (100 unless set).\n",
            fazhi_platform::db::COMMAND_POOL_SIZE
        )
    }

    /// The key signing and verifying internal identity tokens.
    pub fn internal_key(&self) -> anyhow::Result<fazhi_platform::auth::InternalKey> {
        fazhi_platform::auth::InternalKey::load(
            self.internal_token.secret.as_deref(),
            &self.data_dir,
            "internal.key",
            std::time::Duration::from_secs(self.internal_token.ttl_secs),
        )
    }
}

pub use crate::setting_docs::DOCS;

/// The settings table for `--help`: key, environment variable, default, meaning.
pub fn help_text() -> String {
    let defaults = serde_json::to_value(Settings::default()).unwrap_or_default();
    let mut out = String::from(
        "SETTINGS (defaults, overridden by --config FILE, then by FAZHI_* environment variables, then by flags):\n",
    );
    for (key, doc) in DOCS {
        let value = key.split('.').try_fold(&defaults, |v, part| v.get(part));
        let default = match value {
            Some(serde_json::Value::Null) | None => "(unset)".to_owned(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let env = format!("FAZHI_{}", key.to_ascii_uppercase().replace('.', "__"));
        out.push_str(&format!(
            "  {key}\n      {doc}\n      env {env}, default {default}\n"
        ));
    }
    out.push_str("\nOTEL_EXPORTER_OTLP_ENDPOINT, when set, exports traces over OTLP/gRPC.\n");
    out.push_str(
        "FAZHI_ADMIN_PASSWORD, on the first start only, is the password of the bootstrap account admin (else one is generated and printed once).\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf_keys(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            // An empty table is a map setting (keys of the operator's own).
            serde_json::Value::Object(map) if !map.is_empty() => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaf_keys(&key, v, out);
                }
            }
            _ => out.push(prefix.to_owned()),
        }
    }

    #[test]
    fn every_setting_is_documented_and_every_documented_key_exists() {
        let mut keys = Vec::new();
        leaf_keys(
            "",
            &serde_json::to_value(Settings::default()).unwrap(),
            &mut keys,
        );
        keys.sort();
        let mut documented: Vec<String> = DOCS.iter().map(|(k, _)| (*k).to_owned()).collect();
        documented.sort();
        assert_eq!(keys, documented);
    }
}
