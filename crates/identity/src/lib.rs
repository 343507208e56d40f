//! Who may call Fazhi: accounts (argon2id passwords, roles, a division, a
//! token version), API keys (stored as hashes), and the append-only audit
//! log of what was changed or revealed. The gateway authenticates against
//! this; `fazhi user` and `fazhi apikey` manage it directly, without the REST
//! server.

pub mod accounts;
pub mod manage;
pub mod store;

pub use store::{AuditEvent, Store};
