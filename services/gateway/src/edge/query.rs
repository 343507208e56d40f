//! Query parameters shared by list and statistics routes, checked at the edge
//! under their REST names (`division`, `received_from`, …) with the same rules
//! the services apply again on their side.

use chrono::{DateTime, Utc};
use fazhi_platform::Code;
use fazhi_platform::{DivisionCode, auth::Caller, time};
use fazhi_proto::common::v1::TimeRange;

use crate::edge::problem::Problem;

/// A division code parameter; absent or empty means "no division filter".
pub fn division(name: &str, value: Option<&str>) -> Result<Option<DivisionCode>, Problem> {
    Ok(DivisionCode::parse_optional_field(
        name,
        value.unwrap_or_default(),
    )?)
}

/// A division filter the caller may use: inside their own scope (403 otherwise).
pub fn scoped_division(
    caller: &Caller,
    name: &str,
    value: Option<&str>,
) -> Result<Option<DivisionCode>, Problem> {
    let asked = division(name, value)?;
    if let Some(division) = &asked {
        caller.check_writes(name, division)?;
    }
    Ok(asked)
}

/// A period from two RFC 3339 parameters, each given as (name, value).
pub fn period(
    start: (&str, Option<&str>),
    end: (&str, Option<&str>),
) -> Result<Option<TimeRange>, Problem> {
    let start_at = instant(start.0, start.1)?;
    let end_at = instant(end.0, end.1)?;
    if let (Some(s), Some(e)) = (start_at, end_at)
        && e < s
    {
        return Err(Problem::bad_field(
            end.0,
            Code::InvalidTimeRange,
            format!("{} is before {}", end.0, start.0),
        ));
    }
    if start_at.is_none() && end_at.is_none() {
        return Ok(None);
    }
    Ok(Some(TimeRange {
        start: start_at.map(time::to_timestamp),
        end: end_at.map(time::to_timestamp),
    }))
}

fn instant(name: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, Problem> {
    match value {
        None | Some("") => Ok(None),
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| {
                Problem::bad_field(
                    name,
                    Code::InvalidTime,
                    format!("{name} must be an RFC 3339 time, e.g. 2023-01-01T00:00:00+08:00"),
                )
            }),
    }
}

/// A boolean parameter: `true`/`false` (or `1`/`0`); absent means false.
pub fn flag(name: &str, value: Option<&str>) -> Result<bool, Problem> {
    match value {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(Problem::bad_field(
            name,
            Code::InvalidFlag,
            format!("{name} must be true or false"),
        )),
    }
}

/// A `page_size` parameter: 0 (the default) when absent, else a whole number
/// the service checks against its range.
pub fn page_size(value: Option<&str>) -> Result<i32, Problem> {
    match value {
        None | Some("") => Ok(0),
        Some(text) => text.parse::<i32>().map_err(|_| {
            Problem::bad_field(
                "page_size",
                Code::InvalidPageSize,
                "page_size must be a whole number",
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_ending_before_it_starts_names_the_end_parameter() {
        let problem = period(
            ("from", Some("2024-01-01T00:00:00+08:00")),
            ("to", Some("2023-01-01T00:00:00+08:00")),
        )
        .unwrap_err();
        assert_eq!(
            (problem.field.as_deref(), problem.code.as_str()),
            (Some("to"), "invalid_time_range")
        );
    }

    #[test]
    fn a_malformed_division_names_the_parameter() {
        let problem = division("division", Some("12")).unwrap_err();
        assert_eq!(
            (problem.field.as_deref(), problem.code.as_str()),
            (Some("division"), "invalid_division_code")
        );
        assert_eq!(division("division", Some("")).unwrap(), None);
    }
}
