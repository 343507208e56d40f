//! One error vocabulary for every service and both edges: a kind (which
//! decides the gRPC code and the HTTP status), a stable machine code, a
//! message for people, and the offending field when there is one.
//!
//! Services return [`Error`]; it travels as a `tonic::Status` carrying
//! `google.rpc.ErrorInfo` (the code) and `google.rpc.BadRequest` (the field),
//! and the gateway turns it back into an [`Error`] to write problem+json.

use std::collections::HashMap;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

const DOMAIN: &str = "fazhi";
const KIND_KEY: &str = "kind";
const OLDEST_KEY: &str = "oldest";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed input: wrong type, missing field, bad format (400).
    InvalidArgument,
    /// Well-formed input that a domain rule forbids (422).
    RuleViolation,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    /// Stale `version`: somebody else changed the resource first (409).
    Conflict,
    /// The resource is not in a state that allows this (409).
    FailedPrecondition,
    /// Rate limited (429).
    ResourceExhausted,
    /// A dependency is down (503).
    Unavailable,
    /// A dependency did not answer in time (504).
    DeadlineExceeded,
    /// A bug or an unexpected failure; details stay in the logs (500).
    Internal,
    /// Stored data no longer matches its recorded hash (500, said plainly).
    DataLoss,
    /// The REST edge only: the method is not served at this path (405).
    MethodNotAllowed,
    /// The REST edge only: the request was not complete in time (408).
    RequestTimeout,
    /// The REST edge only: the body is larger than the limit (413).
    PayloadTooLarge,
    /// The REST edge only: the body is not of a type the route reads (415).
    UnsupportedMediaType,
    /// What was asked for is no longer kept, e.g. an expired cursor (410).
    Gone,
}

impl ErrorKind {
    pub fn grpc_code(self) -> Code {
        match self {
            ErrorKind::InvalidArgument | ErrorKind::RuleViolation => Code::InvalidArgument,
            ErrorKind::Unauthenticated => Code::Unauthenticated,
            ErrorKind::PermissionDenied => Code::PermissionDenied,
            ErrorKind::NotFound => Code::NotFound,
            ErrorKind::AlreadyExists => Code::AlreadyExists,
            ErrorKind::Conflict => Code::Aborted,
            ErrorKind::FailedPrecondition => Code::FailedPrecondition,
            ErrorKind::ResourceExhausted => Code::ResourceExhausted,
            ErrorKind::Unavailable => Code::Unavailable,
            ErrorKind::DeadlineExceeded => Code::DeadlineExceeded,
            ErrorKind::Internal => Code::Internal,
            ErrorKind::DataLoss => Code::DataLoss,
            ErrorKind::MethodNotAllowed => Code::Unimplemented,
            ErrorKind::RequestTimeout => Code::DeadlineExceeded,
            ErrorKind::PayloadTooLarge => Code::ResourceExhausted,
            ErrorKind::UnsupportedMediaType => Code::InvalidArgument,
            ErrorKind::Gone => Code::OutOfRange,
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InvalidArgument => 400,
            ErrorKind::RuleViolation => 422,
            ErrorKind::Unauthenticated => 401,
            ErrorKind::PermissionDenied => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::AlreadyExists | ErrorKind::Conflict | ErrorKind::FailedPrecondition => 409,
            ErrorKind::ResourceExhausted => 429,
            ErrorKind::Unavailable => 503,
            ErrorKind::DeadlineExceeded => 504,
            ErrorKind::Internal | ErrorKind::DataLoss => 500,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::RequestTimeout => 408,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::UnsupportedMediaType => 415,
            ErrorKind::Gone => 410,
        }
    }

    fn from_grpc(code: Code) -> Self {
        match code {
            Code::InvalidArgument => ErrorKind::InvalidArgument,
            Code::OutOfRange => ErrorKind::Gone,
            Code::Unauthenticated => ErrorKind::Unauthenticated,
            Code::PermissionDenied => ErrorKind::PermissionDenied,
            Code::NotFound => ErrorKind::NotFound,
            Code::AlreadyExists => ErrorKind::AlreadyExists,
            Code::Aborted => ErrorKind::Conflict,
            Code::FailedPrecondition => ErrorKind::FailedPrecondition,
            Code::ResourceExhausted => ErrorKind::ResourceExhausted,
            Code::Unavailable | Code::Cancelled => ErrorKind::Unavailable,
            Code::DeadlineExceeded => ErrorKind::DeadlineExceeded,
            Code::DataLoss => ErrorKind::DataLoss,
            _ => ErrorKind::Internal,
        }
    }

    /// The code used when an error names none of its own.
    fn default_code(self) -> crate::Code {
        use crate::Code as C;
        match self {
            ErrorKind::InvalidArgument => C::InvalidArgument,
            ErrorKind::RuleViolation => C::RuleViolation,
            ErrorKind::Unauthenticated => C::Unauthenticated,
            ErrorKind::PermissionDenied => C::PermissionDenied,
            ErrorKind::NotFound => C::NotFound,
            ErrorKind::AlreadyExists => C::AlreadyExists,
            ErrorKind::Conflict => C::VersionConflict,
            ErrorKind::FailedPrecondition => C::FailedPrecondition,
            ErrorKind::ResourceExhausted => C::RateLimited,
            ErrorKind::Unavailable => C::ServiceUnavailable,
            ErrorKind::DeadlineExceeded => C::DeadlineExceeded,
            ErrorKind::Internal => C::Internal,
            ErrorKind::DataLoss => C::RecordContentCorrupt,
            ErrorKind::MethodNotAllowed => C::MethodNotAllowed,
            ErrorKind::RequestTimeout => C::RequestTimeout,
            ErrorKind::PayloadTooLarge => C::PayloadTooLarge,
            ErrorKind::UnsupportedMediaType => C::UnsupportedMediaType,
            ErrorKind::Gone => C::CursorExpired,
        }
    }
}

/// An error a caller can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    /// Stable code from the catalogue, e.g. `invalid_division_code`.
    pub code: crate::Code,
    pub message: String,
    /// The request field at fault, in the caller's naming (`division_code`).
    pub field: Option<String>,
    /// For an expired cursor: the oldest position still kept, to start
    /// again from.
    pub oldest: Option<i64>,
}

/// The longest id any record has (a UUID is 36 bytes; a code fewer).
pub const MAX_ID_LEN: usize = 64;

impl Error {
    pub fn new(kind: ErrorKind, code: crate::Code, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            field: None,
            oldest: None,
        }
    }

    /// A cursor at `after` older than the feed keeps: it begins after `oldest` now.
    pub fn cursor_expired(field: &str, after: i64, oldest: i64) -> Self {
        let mut err = Self::new(
            ErrorKind::Gone,
            crate::Code::CursorExpired,
            format!(
                "{field} {after} is older than the feed keeps; the oldest position to start from is {oldest}"
            ),
        )
        .with_field(field);
        err.oldest = Some(oldest);
        err
    }

    /// Malformed value of `field`.
    pub fn invalid_field(
        field: impl Into<String>,
        code: crate::Code,
        message: impl Into<String>,
    ) -> Self {
        Self::new(ErrorKind::InvalidArgument, code, message).with_field(field)
    }

    /// ABORTED (409 `version_conflict`): the caller read `what` at `read`,
    /// and it is at `current` now.
    pub fn stale_version(what: &str, current: i64, read: i64) -> Self {
        Self::new(
            ErrorKind::Conflict,
            crate::Code::VersionConflict,
            format!("the {what} is at version {current}, not {read}"),
        )
    }

    /// ABORTED (409 `version_conflict`): `what` changed between the read
    /// and the write.
    pub fn changed_meanwhile(what: &str) -> Self {
        Self::new(
            ErrorKind::Conflict,
            crate::Code::VersionConflict,
            format!("the {what} was changed by someone else; read it again"),
        )
    }

    /// `id`, when it could name a record: one of at most [`MAX_ID_LEN`]
    /// bytes. Anything else names none, and answers as a missing `what`
    /// would, before any lookup is spent on it.
    pub fn lookup_id<'a>(what: &str, id: &'a str) -> Result<&'a str, Self> {
        if id.is_empty() || id.len() > MAX_ID_LEN {
            Err(Self::not_found(what))
        } else {
            Ok(id)
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            ErrorKind::NotFound,
            crate::Code::NotFound,
            format!("{what} not found"),
        )
    }

    /// A bug or an infrastructure failure: logged here with its cause, shown
    /// to the caller only as "internal error".
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorKind::Internal, crate::Code::Internal, "internal error")
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Reads an error back from a status another service returned.
    pub fn from_status(status: &Status) -> Self {
        let details = status.get_error_details();
        let mut kind = ErrorKind::from_grpc(status.code());
        // The connection broke under the call (a replica killed mid-answer):
        // the status was made here from the transport's error, not sent by
        // the service, and the service is unavailable, not failing.
        if matches!(status.code(), tonic::Code::Unknown | tonic::Code::Internal)
            && std::error::Error::source(status).is_some()
        {
            kind = ErrorKind::Unavailable;
        }
        let mut code = None;
        if let Some(info) = details.error_info()
            && info.domain == DOMAIN
        {
            code = crate::Code::parse(&info.reason.to_ascii_lowercase());
            if kind == ErrorKind::InvalidArgument
                && info.metadata.get(KIND_KEY).is_some_and(|k| k == "rule")
            {
                kind = ErrorKind::RuleViolation;
            }
        }
        let field = details
            .bad_request()
            .and_then(|bad| bad.field_violations.first())
            .map(|violation| violation.field.clone());
        let message = match kind {
            ErrorKind::Internal => "internal error".to_owned(),
            ErrorKind::Unavailable if code.is_none() => {
                "a service this request needs is unavailable".to_owned()
            }
            ErrorKind::DeadlineExceeded if code.is_none() => {
                "a service this request needs did not answer in time".to_owned()
            }
            _ => status.message().to_owned(),
        };
        let oldest = details
            .error_info()
            .filter(|info| info.domain == DOMAIN)
            .and_then(|info| info.metadata.get(OLDEST_KEY))
            .and_then(|o| o.parse().ok());
        Self {
            kind,
            code: code.unwrap_or_else(|| kind.default_code()),
            message,
            field,
            oldest,
        }
    }
}

impl From<Error> for Status {
    fn from(err: Error) -> Self {
        let mut metadata = HashMap::new();
        if err.kind == ErrorKind::RuleViolation {
            metadata.insert(KIND_KEY.to_owned(), "rule".to_owned());
        }
        if let Some(oldest) = err.oldest {
            metadata.insert(OLDEST_KEY.to_owned(), oldest.to_string());
        }
        let mut details =
            ErrorDetails::with_error_info(err.code.as_str().to_ascii_uppercase(), DOMAIN, metadata);
        if let Some(field) = &err.field {
            details.add_bad_request_violation(field.clone(), err.message.clone());
        }
        Status::with_error_details(err.kind.grpc_code(), err.message, details)
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::PoolTimedOut => Error::new(
                ErrorKind::Unavailable,
                crate::Code::DatabaseBusy,
                "the database is busy; retry shortly",
            ),
            _ => Error::internal(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_violation_survives_the_trip_through_grpc() {
        let err = Error::new(
            ErrorKind::RuleViolation,
            crate::Code::AuxiliaryCannotHoldCertificate,
            "auxiliary staff cannot hold a certificate",
        )
        .with_field("person_id");
        let back = Error::from_status(&Status::from(err.clone()));
        assert_eq!(back, err);
        assert_eq!(back.kind.http_status(), 422);
    }

    #[test]
    fn a_plain_status_without_details_gets_a_default_code() {
        let back = Error::from_status(&Status::unavailable("tcp connect error"));
        assert_eq!(back.kind, ErrorKind::Unavailable);
        assert_eq!(back.code, "service_unavailable");
        assert!(
            !back.message.contains("tcp"),
            "transport details are not shown to callers"
        );
    }

    #[test]
    fn a_connection_broken_under_a_call_is_unavailable_and_a_services_own_failure_is_not() {
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset");
        let broken = Status::from_error(Box::new(reset));
        assert_eq!(Error::from_status(&broken).kind.http_status(), 503);
        // Sent by the service: its own failure, 500.
        let sent = Status::internal("a statement failed");
        assert_eq!(Error::from_status(&sent).kind.http_status(), 500);
    }

    #[test]
    fn a_stale_version_is_a_409() {
        let err = Error::new(ErrorKind::Conflict, crate::Code::VersionConflict, "stale");
        assert_eq!(Status::from(err).code(), Code::Aborted);
        assert_eq!(ErrorKind::from_grpc(Code::Aborted).http_status(), 409);
    }
}
