//! Reading JSON request bodies with errors that name the field at fault.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request, rejection::BytesRejection},
    http::{StatusCode, header},
};
use fazhi_platform::Code;
use fazhi_platform::{Error, ErrorKind};
use serde::de::DeserializeOwned;

use crate::edge::problem::Problem;

/// A JSON body of type `T`; any failure becomes a problem document.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime.eq_ignore_ascii_case("application/json")
                    || mime.to_ascii_lowercase().ends_with("+json")
            });
        if !is_json {
            return Err(Problem::from(Error::new(
                ErrorKind::UnsupportedMediaType,
                Code::UnsupportedMediaType,
                "the request body must be JSON (Content-Type: application/json)",
            )));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_problem)?;
        parse(&bytes).map(JsonBody)
    }
}

fn body_problem(rejection: BytesRejection) -> Problem {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Problem::from(Error::new(
            ErrorKind::PayloadTooLarge,
            Code::BodyTooLarge,
            "the request body is larger than the limit",
        ))
    } else {
        Problem::from(Error::new(
            ErrorKind::InvalidArgument,
            Code::UnreadableBody,
            "the request body could not be read",
        ))
    }
}

/// Parses `bytes` as `T`, naming the offending field in the error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    // serde would also read a struct from an array; requests are objects only.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => Problem::from(Error::new(
                    ErrorKind::InvalidArgument,
                    Code::InvalidBody,
                    "the body must be a JSON object",
                )),
                Err(_) => Problem::from(Error::new(
                    ErrorKind::InvalidArgument,
                    Code::MalformedJson,
                    "the body is not valid JSON",
                )),
            },
        );
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = strip_position(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Syntax
            | serde_json::error::Category::Eof
            | serde_json::error::Category::Io => Problem::from(Error::new(
                ErrorKind::InvalidArgument,
                Code::MalformedJson,
                format!("the body is not valid JSON: {message}"),
            )),
            serde_json::error::Category::Data => {
                if let Some(field) = backticked(&message, "missing field `") {
                    Problem::bad_field(&field, Code::Required, format!("{field} is required"))
                } else if let Some(field) = backticked(&message, "unknown field `") {
                    Problem::bad_field(
                        &field,
                        Code::UnknownField,
                        format!("{field} is not a field of this request"),
                    )
                } else if path == "." {
                    Problem::from(Error::new(
                        ErrorKind::InvalidArgument,
                        Code::InvalidBody,
                        message,
                    ))
                } else {
                    Problem::bad_field(&path, Code::InvalidType, format!("{path}: {message}"))
                }
            }
        }
    })?;
    deserializer.end().map_err(|_| {
        Problem::from(Error::new(
            ErrorKind::InvalidArgument,
            Code::MalformedJson,
            "trailing characters after the JSON body",
        ))
    })?;
    Ok(value)
}

fn backticked(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next().map(str::to_owned)
}

/// serde_json appends " at line 1 column 5"; callers get the reason alone.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: i32,
    }

    #[test]
    fn a_missing_field_is_named() {
        let problem = parse::<Body>(br#"{"name": "a"}"#).unwrap_err();
        assert_eq!(
            (problem.field.as_deref(), problem.code.as_str()),
            (Some("count"), "required")
        );
    }

    #[test]
    fn a_wrong_type_is_named() {
        let problem = parse::<Body>(br#"{"name": "a", "count": "many"}"#).unwrap_err();
        assert_eq!(
            (problem.field.as_deref(), problem.code.as_str()),
            (Some("count"), "invalid_type")
        );
    }

    #[test]
    fn an_unknown_field_is_named() {
        let problem = parse::<Body>(br#"{"name": "a", "count": 1, "colour": 2}"#).unwrap_err();
        assert_eq!(
            (problem.field.as_deref(), problem.code.as_str()),
            (Some("colour"), "unknown_field")
        );
    }

    #[test]
    fn broken_json_is_malformed() {
        assert_eq!(
            parse::<Body>(br#"{"name": "#).unwrap_err().code,
            "malformed_json"
        );
        assert_eq!(
            parse::<Body>(br#"{"name": "a", "count": 1} x"#)
                .unwrap_err()
                .code,
            "malformed_json"
        );
    }
}
