//! The one REST mapping of the contracts, for every service: a proto enum
//! value is written as its name in lower case without the enum's prefix
//! (`CHANNEL_HOTLINE_12345` is `hotline_12345`; the `_UNSPECIFIED` value is
//! never a valid code), a day (`fazhi.common.v1.Date`) as `YYYY-MM-DD`, an
//! instant as RFC 3339 in China Standard Time.

use fazhi_platform::{Code, time};
use fazhi_proto::common::v1::Date;

use crate::edge::problem::Problem;

/// Reads a lower-case REST code (`hotline_12345`) as the proto enum value
/// named `{prefix}{CODE}`; the unspecified value is never a valid code.
pub fn enum_from_code(
    field: &str,
    code: &str,
    prefix: &str,
    from_name: impl Fn(&str) -> Option<i32>,
) -> Result<i32, Problem> {
    let unknown = || {
        Problem::bad_field(
            field,
            Code::UnknownCode,
            format!("{field} {code:?} is not a known code"),
        )
    };
    if code.is_empty()
        || code.contains(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        return Err(unknown());
    }
    match from_name(&format!("{prefix}{}", code.to_ascii_uppercase())) {
        Some(0) | None => Err(unknown()),
        Some(value) => Ok(value),
    }
}

/// The REST code of a proto enum name: `CHANNEL_HOTLINE_12345` → `hotline_12345`.
pub fn code_from_name(name: &str, prefix: &str) -> String {
    name.strip_prefix(prefix)
        .unwrap_or(name)
        .to_ascii_lowercase()
}

/// A proto time as RFC 3339 in China Standard Time.
pub fn instant(ts: Option<fazhi_proto::Timestamp>) -> Option<String> {
    ts.as_ref()
        .and_then(time::from_timestamp)
        .map(time::to_rfc3339)
}

/// A REST day (`2023-11-20`) as a proto date; empty is absent (the
/// service's default, or its refusal where the day is required).
pub fn date_from_rest(field: &str, text: &str) -> Result<Option<Date>, Problem> {
    if text.is_empty() {
        return Ok(None);
    }
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Problem::bad_field(
            field,
            Code::InvalidDate,
            format!("{field} must be a date like 2023-11-20"),
        )
    })?;
    use chrono::Datelike;
    Ok(Some(Date {
        year: day.year(),
        month: day.month() as i32,
        day: day.day() as i32,
    }))
}

/// An RFC 3339 time as a proto timestamp; empty is absent.
pub fn instant_from_rest(
    field: &str,
    text: &str,
) -> Result<Option<fazhi_proto::Timestamp>, Problem> {
    if text.is_empty() {
        return Ok(None);
    }
    let at = chrono::DateTime::parse_from_rfc3339(text).map_err(|_| {
        Problem::bad_field(
            field,
            Code::InvalidTime,
            format!("{field} must be an RFC 3339 time like 2024-03-28T09:30:00+08:00"),
        )
    })?;
    Ok(Some(time::to_timestamp(at.with_timezone(&chrono::Utc))))
}

/// A proto date as REST writes it (`2023-11-20`), empty when absent.
pub fn date_to_rest(date: Option<&Date>) -> String {
    date.map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
        .unwrap_or_default()
}

/// A contract enum read from and written as its REST code, one way for
/// every area: `required` reads refuse an empty code (400 naming the
/// field), `optional` reads take it as not given (0); `write` turns the
/// unset value into an empty code.
///
/// `rest_enum!(required read, write, pb::Kind, "KIND_")` defines both
/// functions; `rest_enum!(optional read, …)` reads an optional field;
/// `rest_enum!(read required read, …)` or `rest_enum!(write write, …)`
/// defines one.
#[macro_export]
macro_rules! rest_enum {
    (@read required $read:ident, $proto:ty, $prefix:literal) => {
        pub fn $read(field: &str, code: &str) -> Result<i32, $crate::edge::problem::Problem> {
            $crate::edge::mapping::enum_from_code(field, code, $prefix, |name| {
                <$proto>::from_str_name(name).map(|v| v as i32)
            })
        }
    };
    (@read optional $read:ident, $proto:ty, $prefix:literal) => {
        pub fn $read(field: &str, code: &str) -> Result<i32, $crate::edge::problem::Problem> {
            if code.is_empty() {
                return Ok(0);
            }
            $crate::rest_enum!(@read required inner, $proto, $prefix);
            inner(field, code)
        }
    };
    (write $write:ident, $proto:ty, $prefix:literal) => {
        pub fn $write(value: i32) -> String {
            <$proto>::try_from(value)
                .ok()
                .filter(|v| *v as i32 != 0)
                .map(|v| $crate::edge::mapping::code_from_name(v.as_str_name(), $prefix))
                .unwrap_or_default()
        }
    };
    (read $how:ident $read:ident, $proto:ty, $prefix:literal) => {
        $crate::rest_enum!(@read $how $read, $proto, $prefix);
    };
    ($how:ident $read:ident, $write:ident, $proto:ty, $prefix:literal) => {
        $crate::rest_enum!(@read $how $read, $proto, $prefix);
        $crate::rest_enum!(write $write, $proto, $prefix);
    };
}

#[cfg(test)]
mod tests {
    use fazhi_proto::complaints::v1::Channel;

    use super::*;

    #[test]
    fn rest_codes_map_to_proto_enums_and_back() {
        let value = enum_from_code("channel", "hotline_12345", "CHANNEL_", |n| {
            Channel::from_str_name(n).map(|c| c as i32)
        });
        assert_eq!(value.unwrap(), Channel::Hotline12345 as i32);
        assert_eq!(
            code_from_name(Channel::PetitionHall.as_str_name(), "CHANNEL_"),
            "petition_hall"
        );
    }

    #[test]
    fn unknown_upper_case_and_unspecified_codes_are_refused() {
        for bad in ["fax", "HOTLINE_12345", "unspecified", "", "hotline 12345"] {
            let result = enum_from_code("channel", bad, "CHANNEL_", |n| {
                Channel::from_str_name(n).map(|c| c as i32)
            });
            assert_eq!(result.unwrap_err().code, "unknown_code", "{bad:?}");
        }
    }

    #[test]
    fn days_are_written_as_iso_dates_both_ways() {
        let date = date_from_rest("held_on", "2023-06-05").unwrap();
        assert_eq!(
            date,
            Some(Date {
                year: 2023,
                month: 6,
                day: 5
            })
        );
        assert_eq!(date_to_rest(date.as_ref()), "2023-06-05");
        assert_eq!(date_from_rest("held_on", "").unwrap(), None);
        assert_eq!(date_to_rest(None), "");
        for bad in ["2023-02-30", "20230605", "yesterday"] {
            let problem = date_from_rest("held_on", bad).unwrap_err();
            assert_eq!(
                (problem.code.as_str(), problem.field.as_deref()),
                ("invalid_date", Some("held_on"))
            );
        }
    }
}
