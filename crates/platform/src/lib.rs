//! What every Fazhi process shares: configuration, telemetry, database access,
//! gRPC server and client bootstrap, metrics, the error vocabulary, and the few
//! domain primitives every service speaks (division codes, masking, time).

pub mod auth;
pub mod balance;
pub mod category;
pub mod clock;
pub mod codes;
pub mod complaint_category;
pub mod config;
pub mod db;
pub mod division;
pub mod error;
pub mod grpc;
pub mod identity;
pub mod metrics;
pub mod owner_only;
pub mod paging;
pub mod privacy;
pub mod proto_enum;
pub mod shutdown;
pub mod telemetry;
pub mod text;
pub mod time;
pub mod warning;

pub use codes::Code;
pub use division::DivisionCode;
pub use error::{Error, ErrorKind};

#[macro_export]
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable lower-case code used in storage and at the REST edge.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::proto_enum::Coded for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn from_code(code: &str) -> Option<Self> {
                $name::from_code(code)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
