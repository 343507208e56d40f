//! How many connections each database's pool opens at most. Every process
//! against one PostgreSQL server shares its `max_connections` (100 unless
//! set), so the size is a setting per service (`cases.database_pool`, …,
//! `gateway.database_pool`), and commands that only look something up take
//! a small pool of their own.

use std::{
    collections::HashMap,
    sync::{OnceLock, RwLock},
};

/// A pool's size unless its setting says otherwise: the eight processes of
/// "two of everything" then hold at most 64 of PostgreSQL's default 100,
/// leaving room for `fazhi migrate`, `fazhi user`, a backup and a surge.
pub const DEFAULT_POOL_SIZE: u32 = 8;

/// The pool a one-off command (`fazhi migrate`, `fazhi user`, `fazhi
/// backup`) opens to each database it touches.
pub const COMMAND_POOL_SIZE: u32 = 2;

fn sizes() -> &'static RwLock<HashMap<String, u32>> {
    static SIZES: OnceLock<RwLock<HashMap<String, u32>>> = OnceLock::new();
    SIZES.get_or_init(Default::default)
}

/// Sets the pool size of the database `name` (`cases`, `complaints`,
/// `training`, `gateway`) for pools opened from now on; at least one.
pub fn set_pool_size(name: &str, size: u32) {
    sizes()
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(name.to_owned(), size.max(1));
}

/// The size the pool of database `name` opens with.
pub fn pool_size(name: &str) -> u32 {
    sizes()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(name)
        .copied()
        .unwrap_or(DEFAULT_POOL_SIZE)
}

/// What a refused first connection says, with PostgreSQL's own words and
/// what to do when its connection slots are spent.
pub(super) fn refused(name: &str, url: &str, err: &sqlx::Error) -> anyhow::Error {
    let code = match err {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    };
    let hint = match code.as_deref() {
        // too_many_connections, and the slots kept for superusers.
        Some("53300") | Some("53400") => format!(
            " — the server's connection slots are spent: lower the pools of the processes sharing it \
             (each opens at most its service's database_pool; this one {}) or raise PostgreSQL's max_connections",
            pool_size(name)
        ),
        _ => String::new(),
    };
    anyhow::anyhow!(
        "cannot connect to the {name} database at {}: {err}{}{hint}",
        crate::config::masked_url(url),
        code.map(|c| format!(" (SQLSTATE {c})")).unwrap_or_default(),
    )
}
