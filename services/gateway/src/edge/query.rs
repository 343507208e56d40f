//! Query parameters shared by list and statistics routes, checked at the edge
//! under their REST names (`division`, `received_from`, …) with the same rules
//! the services apply again on their side.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
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

/// [`scoped_division`] as a proto request carries it: empty for all the
/// caller may see.
pub fn division_code(caller: &Caller, name: &str, value: Option<&str>) -> Result<String, Problem> {
    Ok(scoped_division(caller, name, value)?
        .map(String::from)
        .unwrap_or_default())
}

/// A period, the same way on every route: `year` (a whole China calendar
/// year), or `from` and/or `to`, each an RFC 3339 time or a day
/// (`2026-03-01`, China time; a `to` day is included). An offset's `+` sent
/// unencoded (read as a space) is taken as the `+` it was.
pub fn period(
    year: (&str, Option<&str>),
    start: (&str, Option<&str>),
    end: (&str, Option<&str>),
) -> Result<Option<TimeRange>, Problem> {
    let given = |value: Option<&str>| value.is_some_and(|v| !v.is_empty());
    if given(year.1) {
        if given(start.1) || given(end.1) {
            return Err(Problem::bad_field(
                year.0,
                Code::InvalidTimeRange,
                format!("give {} or {}/{}, not both", year.0, start.0, end.0),
            ));
        }
        let text = year.1.unwrap_or_default();
        let first = text
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=9998).contains(y))
            .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
            .ok_or_else(|| {
                Problem::bad_field(
                    year.0,
                    Code::InvalidYear,
                    format!("{} must be a year from 1990, e.g. 2026", year.0),
                )
            })?;
        let next = first.with_year(first.year() + 1).unwrap_or(first);
        return Ok(Some(TimeRange {
            start: Some(time::to_timestamp(start_of_china_day(first))),
            end: Some(time::to_timestamp(start_of_china_day(next))),
        }));
    }
    let start_at = bound(start.0, start.1, false)?;
    let end_at = bound(end.0, end.1, true)?;
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

fn start_of_china_day(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(time::china()).single())
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

/// One bound of a period: an instant, or a day's start (`is_end`: the next
/// day's start, so the day is included).
fn bound(name: &str, value: Option<&str>, is_end: bool) -> Result<Option<DateTime<Utc>>, Problem> {
    let Some(text) = value.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if is_end {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        return Ok(Some(start_of_china_day(day)));
    }
    // `2026-01-01T00:00:00+08:00` unencoded in a query arrives with a space.
    let text = match text.rsplit_once(' ') {
        Some((at, offset)) if offset.len() == 5 && offset.contains(':') => format!("{at}+{offset}"),
        _ => text.to_owned(),
    };
    DateTime::parse_from_rfc3339(&text)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|_| {
            Problem::bad_field(
                name,
                Code::InvalidTime,
                format!(
                    "{name} must be a day (2026-03-01) or an RFC 3339 time (2026-03-01T00:00:00+08:00)"
                ),
            )
        })
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
            ("year", None),
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

    fn at(range: &Option<TimeRange>) -> (String, String) {
        let range = range.as_ref().unwrap();
        let show = |ts: &Option<fazhi_proto::Timestamp>| {
            ts.as_ref()
                .and_then(time::from_timestamp)
                .map(time::to_rfc3339)
                .unwrap_or_default()
        };
        (show(&range.start), show(&range.end))
    }

    #[test]
    fn a_year_is_its_china_calendar_days() {
        let year = period(("year", Some("2026")), ("from", None), ("to", None)).unwrap();
        assert_eq!(
            at(&year),
            (
                "2026-01-01T00:00:00+08:00".into(),
                "2027-01-01T00:00:00+08:00".into()
            )
        );
        let both = period(
            ("year", Some("2026")),
            ("from", Some("2026-03-01")),
            ("to", None),
        );
        assert_eq!(both.unwrap_err().code, "invalid_time_range");
        let bad = period(("year", Some("26")), ("from", None), ("to", None));
        assert_eq!(bad.unwrap_err().code, "invalid_year");
    }

    #[test]
    fn days_are_inclusive_and_an_unencoded_plus_is_read_as_one() {
        let days = period(
            ("year", None),
            ("from", Some("2026-03-01")),
            ("to", Some("2026-03-31")),
        )
        .unwrap();
        assert_eq!(
            at(&days),
            (
                "2026-03-01T00:00:00+08:00".into(),
                "2026-04-01T00:00:00+08:00".into()
            )
        );
        let spaced = period(
            ("year", None),
            ("from", Some("2026-03-01T00:00:00 08:00")),
            ("to", None),
        )
        .unwrap();
        assert_eq!(at(&spaced).0, "2026-03-01T00:00:00+08:00");
        let bad = period(("year", None), ("from", Some("yesterday")), ("to", None));
        assert_eq!(bad.unwrap_err().code, "invalid_time");
    }
}
