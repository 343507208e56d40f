//! The rules of DOMAIN.md "Enforcement cases". No I/O here: no database, no
//! transport (a check in `.ci/run` keeps it so); the store and the gRPC
//! adapter call in.

mod case;
mod coercion;
mod enforcement;
mod filing;
mod history;
mod power;
mod procedure;
mod publicity;
mod record;
mod recusal;
mod simple;
mod tally;
mod watch;

pub use case::*;
pub use coercion::*;
pub use enforcement::*;
pub use filing::*;
pub use history::*;
pub use power::*;
pub use procedure::*;
pub use publicity::*;
pub use record::*;
pub use recusal::*;
pub use simple::*;
pub use tally::*;
pub use watch::*;

use fazhi_platform::{Code, Error, ErrorKind};

/// A refusal by one of the rules, naming the field it concerns.
fn rule(code: Code, field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::RuleViolation, code, message).with_field(field)
}

#[cfg(test)]
pub(crate) mod fixtures;
