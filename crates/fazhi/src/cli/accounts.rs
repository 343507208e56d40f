//! `fazhi user` and `fazhi apikey`: accounts and county systems' keys,
//! changed on the gateway's database while the server may run.

use clap::Subcommand;
use fazhi_identity::{manage, store::Store};
use fazhi_platform::{
    DivisionCode,
    auth::{self, Caller},
};

use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(super) enum UserCommand {
    /// Create an account. The password is read from stdin with
    /// --password-stdin, otherwise generated and printed once.
    Add {
        username: String,
        /// A role: staff, officer, legal_reviewer, leader, county_overseer, admin (repeatable).
        #[arg(long = "role", required = true, value_name = "ROLE")]
        roles: Vec<String>,
        /// Division code the account acts for.
        #[arg(long)]
        division: String,
        /// The person record this account belongs to.
        #[arg(long)]
        person_id: Option<String>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Disable an account; its tokens stop working at once.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
}

#[derive(Debug, Subcommand)]
pub(super) enum ApiKeyCommand {
    /// Create a key; it is printed once and stored only as a hash.
    Create {
        /// What the key is for.
        #[arg(long)]
        name: String,
        /// A role (repeatable); not admin.
        #[arg(long = "role", required = true, value_name = "ROLE")]
        roles: Vec<String>,
        /// Division code the key acts for.
        #[arg(long)]
        division: String,
        /// When the key stops working (RFC 3339).
        #[arg(long)]
        expires_at: Option<String>,
        /// The platform an integration key acts for (a pushed ticket's source).
        #[arg(long)]
        source: Option<String>,
    },
    /// List keys.
    List,
    /// Revoke a key by id.
    Revoke { id: String },
}

/// The gateway's store and the identity changes from this command are made as.
pub(crate) async fn identity_store(settings: &Settings) -> anyhow::Result<(Store, Caller)> {
    let county = DivisionCode::parse(&settings.gateway.county)
        .map_err(|e| anyhow::anyhow!("gateway.county {:?} {e}", settings.gateway.county))?;
    let store = Store::open(settings.gateway.database_url.as_deref(), &settings.data_dir).await?;
    let operator = Caller {
        subject: "cli".into(),
        roles: vec![auth::Role::Admin],
        scope: county,
        source: None,
    };
    Ok((store, operator))
}

fn refused(err: fazhi_platform::Error) -> anyhow::Error {
    match err.field {
        Some(field) => anyhow::anyhow!("{field}: {}", err.message),
        None => anyhow::anyhow!("{}", err.message),
    }
}

fn codes(roles: &[auth::Role]) -> String {
    auth::roles_to_codes(roles)
}

pub(super) async fn user(settings: Settings, command: UserCommand) -> anyhow::Result<()> {
    let (store, operator) = identity_store(&settings).await?;
    match command {
        UserCommand::Add {
            username,
            roles,
            division,
            person_id,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (fazhi_identity::accounts::generate_password(), true)
            };
            let account = manage::create_account(
                &store,
                &operator,
                manage::NewAccount {
                    username,
                    password: password.clone(),
                    roles,
                    division_code: division,
                    person_id,
                },
            )
            .await
            .map_err(refused)?;
            println!(
                "created account {} ({}) in {}",
                account.username,
                codes(&account.roles),
                account.division
            );
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List => {
            let mut after = String::new();
            println!(
                "{:<24} {:<40} {:<12} STATE",
                "USERNAME", "ROLES", "DIVISION"
            );
            loop {
                let page = store
                    .list_accounts(&operator.scope, &after, 200)
                    .await
                    .map_err(refused)?;
                for a in &page {
                    let state = if a.disabled { "disabled" } else { "active" };
                    println!(
                        "{:<24} {:<40} {:<12} {state}",
                        a.username,
                        codes(&a.roles),
                        a.division.as_str()
                    );
                }
                match page.last() {
                    Some(last) if page.len() == 200 => after = last.username.clone(),
                    _ => break,
                }
            }
        }
        UserCommand::Disable { username } => {
            manage::set_disabled(&store, &operator, &username, true)
                .await
                .map_err(refused)?;
            println!("disabled {username}");
        }
        UserCommand::Enable { username } => {
            manage::set_disabled(&store, &operator, &username, false)
                .await
                .map_err(refused)?;
            println!("enabled {username}");
        }
    }
    store.database().close().await;
    Ok(())
}

pub(super) async fn apikey(settings: Settings, command: ApiKeyCommand) -> anyhow::Result<()> {
    let (store, operator) = identity_store(&settings).await?;
    match command {
        ApiKeyCommand::Create {
            name,
            roles,
            division,
            expires_at,
            source,
        } => {
            let expires_at = expires_at
                .map(|text| {
                    chrono::DateTime::parse_from_rfc3339(&text)
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .map_err(|_| anyhow::anyhow!("--expires-at must be an RFC 3339 time"))
                })
                .transpose()?;
            let (api_key, key) = manage::create_api_key(
                &store,
                &operator,
                manage::NewApiKey {
                    name,
                    roles,
                    division_code: division,
                    expires_at,
                    source,
                    id: None,
                },
            )
            .await
            .map_err(refused)?;
            println!(
                "created API key {} ({}) in {}; it is shown this once:",
                api_key.id,
                codes(&api_key.roles),
                api_key.division
            );
            println!("{key}");
        }
        ApiKeyCommand::List => {
            let mut after = String::new();
            println!(
                "{:<18} {:<28} {:<30} {:<12} STATE",
                "ID", "NAME", "ROLES", "DIVISION"
            );
            loop {
                let page = store
                    .list_api_keys(&operator.scope, &after, 200)
                    .await
                    .map_err(refused)?;
                let now = fazhi_platform::time::now();
                for k in &page {
                    let state = if k.revoked_at.is_some() {
                        "revoked"
                    } else if k.expires_at.is_some_and(|at| at <= now) {
                        "expired"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<18} {:<28} {:<30} {:<12} {state}",
                        k.id,
                        k.name,
                        codes(&k.roles),
                        k.division.as_str()
                    );
                }
                match page.last() {
                    Some(last) if page.len() == 200 => after = last.id.clone(),
                    _ => break,
                }
            }
        }
        ApiKeyCommand::Revoke { id } => {
            manage::revoke_api_key(&store, &operator, &id)
                .await
                .map_err(refused)?;
            println!("revoked {id}");
        }
    }
    store.database().close().await;
    Ok(())
}
