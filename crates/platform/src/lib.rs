//! What every Fazhi process shares: configuration, telemetry, database access,
//! gRPC server and client bootstrap, metrics, the error vocabulary, and the few
//! domain primitives every service speaks (division codes, masking, time).

pub mod auth;
pub mod config;
pub mod db;
pub mod division;
pub mod error;
pub mod grpc;
pub mod metrics;
pub mod paging;
pub mod privacy;
pub mod shutdown;
pub mod telemetry;
pub mod time;

pub use division::DivisionCode;
pub use error::{Error, ErrorKind};
