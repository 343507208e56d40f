//! Time as Fazhi keeps it: instants in UTC, stored as integer microseconds,
//! shown in China Standard Time (UTC+8, no daylight saving), where every
//! deadline's calendar day is decided.

use chrono::Datelike;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat, TimeZone, Utc};
use fazhi_proto::common::v1::{Date, TimeRange};
pub use prost_types::Timestamp;

use crate::error::Error;

/// China Standard Time.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The current instant at the microsecond precision Fazhi stores, so what a
/// create call returns equals what a later read returns: the wall clock's
/// reading, for what runs outside a service (the command line, tests).
/// Services and the gateway read their [`crate::clock::Clock`] instead.
pub fn now() -> DateTime<Utc> {
    use crate::clock::Clock;
    crate::clock::SystemClock.now()
}

/// The calendar date in China at `instant`.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&china()).date_naive()
}

/// The last second of `date` in China: a deadline "by day D" is met at any
/// instant up to and including this one.
pub fn end_of_china_day(date: NaiveDate) -> DateTime<Utc> {
    let last = NaiveTime::from_hms_opt(23, 59, 59).expect("valid time");
    china()
        .from_local_datetime(&date.and_time(last))
        .single()
        .expect("fixed offsets are unambiguous")
        .with_timezone(&Utc)
}

/// RFC 3339 in China time, e.g. `2023-10-25T23:59:59+08:00`.
pub fn to_rfc3339(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&china())
        .to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

pub fn to_micros(instant: DateTime<Utc>) -> i64 {
    instant.timestamp_micros()
}

pub fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

pub fn to_timestamp(instant: DateTime<Utc>) -> Timestamp {
    Timestamp {
        seconds: instant.timestamp(),
        nanos: instant.timestamp_subsec_nanos() as i32,
    }
}

/// `None` for a timestamp outside chrono's range.
pub fn from_timestamp(ts: &Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(ts.seconds, u32::try_from(ts.nanos).ok()?)
}

/// The instant `field` gives, or an error naming it.
pub fn from_timestamp_field(field: &str, ts: &Timestamp) -> Result<DateTime<Utc>, Error> {
    from_timestamp(ts).ok_or_else(|| {
        Error::invalid_field(
            field,
            crate::Code::InvalidArgument,
            format!("{field} is not a valid instant"),
        )
    })
}

/// The first instant of a China calendar day.
pub fn start_of_china_day(date: NaiveDate) -> DateTime<Utc> {
    china()
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .expect("fixed offsets are unambiguous")
        .with_timezone(&Utc)
}

/// Records are dated from this day on; an earlier date is a typing slip
/// (year 0001), not a record.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// A day from a contract, checked: a real calendar day, not before
/// [`EARLIEST_DATE`]. Absent is `invalid_date`, as an unreadable one is.
pub fn date_from_proto(field: &str, given: Option<&Date>) -> Result<NaiveDate, Error> {
    let invalid = || {
        Error::invalid_field(
            field,
            crate::Code::InvalidDate,
            format!("{field} must be a date like 2023-11-20"),
        )
    };
    let given = given.ok_or_else(invalid)?;
    let date = u32::try_from(given.month)
        .ok()
        .zip(u32::try_from(given.day).ok())
        .and_then(|(month, day)| NaiveDate::from_ymd_opt(given.year, month, day))
        .ok_or_else(invalid)?;
    if date < EARLIEST_DATE {
        return Err(Error::invalid_field(
            field,
            crate::Code::DateOutOfRange,
            format!("{field} must not be before {EARLIEST_DATE}"),
        ));
    }
    Ok(date)
}

/// A day as a contract carries it.
pub fn date_to_proto(date: NaiveDate) -> Option<Date> {
    Some(Date {
        year: date.year(),
        month: date.month() as i32,
        day: date.day() as i32,
    })
}

/// A checked [`TimeRange`]: `start` inclusive, `end` exclusive, either open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// Reads a request's time range; errors name `{field}.start` / `{field}.end`.
pub fn period_from_proto(range: Option<&TimeRange>, field: &str) -> Result<Period, Error> {
    let Some(range) = range else {
        return Ok(Period::default());
    };
    let bound = |ts: Option<&Timestamp>, name: &str| {
        ts.map(|ts| {
            from_timestamp(ts).ok_or_else(|| {
                Error::invalid_field(
                    format!("{field}.{name}"),
                    crate::Code::InvalidTime,
                    format!("{field}.{name} is out of range"),
                )
            })
        })
        .transpose()
    };
    let period = Period {
        start: bound(range.start.as_ref(), "start")?,
        end: bound(range.end.as_ref(), "end")?,
    };
    if let (Some(start), Some(end)) = (period.start, period.end)
        && end < start
    {
        return Err(Error::invalid_field(
            format!("{field}.end"),
            crate::Code::InvalidTimeRange,
            format!("{field} ends before it starts"),
        ));
    }
    Ok(period)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_already_the_next_day_in_china() {
        let instant: DateTime<Utc> = "2023-09-28T17:30:00Z".parse().unwrap();
        assert_eq!(
            china_date(instant),
            "2023-09-29".parse::<NaiveDate>().unwrap()
        );
    }

    #[test]
    fn the_end_of_a_china_day_is_shown_in_china_time() {
        let end = end_of_china_day("2023-10-25".parse().unwrap());
        assert_eq!(to_rfc3339(end), "2023-10-25T23:59:59+08:00");
    }

    #[test]
    fn a_period_ending_before_it_starts_is_refused() {
        let range = TimeRange {
            start: Some(Timestamp {
                seconds: 200,
                nanos: 0,
            }),
            end: Some(Timestamp {
                seconds: 100,
                nanos: 0,
            }),
        };
        let err = period_from_proto(Some(&range), "period").unwrap_err();
        assert_eq!(
            (err.field.as_deref(), err.code.as_str()),
            (Some("period.end"), "invalid_time_range")
        );
        assert_eq!(
            period_from_proto(None, "period").unwrap(),
            Period::default()
        );
    }

    #[test]
    fn an_out_of_range_bound_names_its_field() {
        let range = TimeRange {
            start: Some(Timestamp {
                seconds: i64::MAX,
                nanos: 0,
            }),
            end: None,
        };
        let err = period_from_proto(Some(&range), "received").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("received.start"));
    }

    #[test]
    fn micros_and_timestamps_round_trip() {
        let instant: DateTime<Utc> = "2024-02-18T01:02:03.456789Z".parse().unwrap();
        assert_eq!(from_micros(to_micros(instant)), instant);
        assert_eq!(from_timestamp(&to_timestamp(instant)), Some(instant));
    }
}
