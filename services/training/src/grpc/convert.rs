//! Reading proto fields into checked values, and domain records into proto.

use chrono::NaiveDate;
use fazhi_platform::Code;
use fazhi_platform::{Error, ErrorKind, privacy, time};
use fazhi_proto::training::v1 as pb;

use crate::domain::{Certificate, Person};

/// ABORTED (409) unless the version the caller read is the current one.
pub(super) fn check_version(what: &str, current: i64, read: i64) -> Result<(), Error> {
    if current == read {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Conflict,
        Code::VersionConflict,
        format!("the {what} is at version {current}, not {read}"),
    ))
}

/// Records (training, exams, certificates, outreach) are dated from this
/// day on; an earlier date is a typing slip (year 0001), not a record. Dates
/// after today are refused where a record cannot lie ahead.
pub(super) const EARLIEST_DATE: (i32, u32, u32) = (1990, 1, 1);

pub(super) fn parse_date(field: &str, text: &str) -> Result<NaiveDate, Error> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        Error::invalid_field(
            field,
            Code::InvalidDate,
            format!("{field} must be a date like 2023-11-20"),
        )
    })?;
    let (y, m, d) = EARLIEST_DATE;
    let earliest = NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    if date < earliest {
        return Err(Error::invalid_field(
            field,
            Code::DateOutOfRange,
            format!("{field} must not be before {earliest}"),
        ));
    }
    Ok(date)
}

pub(super) fn today() -> NaiveDate {
    time::china_date(time::now())
}

pub(super) fn date_or_today(field: &str, text: &str) -> Result<NaiveDate, Error> {
    if text.is_empty() {
        Ok(today())
    } else {
        parse_date(field, text)
    }
}

/// A number with at most one decimal, in tenths.
pub(super) fn tenths(field: &str, value: f64) -> Result<i64, Error> {
    let scaled = value * 10.0;
    let rounded = scaled.round();
    if !value.is_finite() || (scaled - rounded).abs() > 1e-6 || rounded.abs() > 1e9 {
        return Err(Error::invalid_field(
            field,
            Code::InvalidNumber,
            format!("{field} must be a number with at most one decimal"),
        ));
    }
    Ok(rounded as i64)
}

pub(super) fn from_tenths(value: i64) -> f64 {
    value as f64 / 10.0
}

pub(super) fn text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    fazhi_platform::text::required(field, value, max, fazhi_platform::text::Lines::One)
}

pub(super) fn code<T>(
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    codes: &str,
) -> Result<T, Error> {
    parse(value).ok_or_else(|| {
        Error::invalid_field(
            field,
            Code::UnknownCode,
            format!("{field} must be one of {codes}"),
        )
    })
}

/// A person as `held_for` names it to the caller: the register's record a
/// held registration waits on, or empty.
pub(super) fn person_proto(p: &Person, held_for: String) -> pb::Person {
    pb::Person {
        held_for,
        id: p.id.clone(),
        division_code: p.division.to_string(),
        name: p.name.clone(),
        id_number: privacy::mask_id_number(&p.id_number),
        unit: p.unit.clone(),
        employment: p.employment.code().into(),
        rank: p.rank.clone(),
        section_level: p.section_level,
        enforcement_post: p.enforcement_post,
        version: p.version,
    }
}

pub(super) fn certificate_proto(c: &Certificate) -> pb::Certificate {
    pb::Certificate {
        id: c.id.clone(),
        number: c.number.clone(),
        person_id: c.person_id.clone(),
        issued_on: c.issued_on.to_string(),
        valid_until: c.valid_until.to_string(),
        status: c.status.code().into(),
        status_since: c.status_since.to_string(),
        version: c.version,
    }
}

pub(super) fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

pub(super) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
