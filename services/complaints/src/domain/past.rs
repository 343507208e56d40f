//! Records entered after the fact (a step taken on paper while the network
//! was down, a township bringing its ledger in): each carries the time it
//! happened, never in the future, never before the step it follows (or the
//! receipt), never before the window the county keeps open for the past.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_platform::{Code, Error, ErrorKind, time};

/// The earliest time a record may be entered for: 1 January of the year
/// `years_back` before the year of the division's go-live day, or of `now`
/// where none is set (China time).
pub fn earliest(go_live: Option<NaiveDate>, now: DateTime<Utc>, years_back: u32) -> DateTime<Utc> {
    let from = go_live.unwrap_or_else(|| time::china_date(now)).year();
    let year = from - i32::try_from(years_back).unwrap_or(i32::MAX);
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    time::start_of_china_day(first)
}

fn refused(code: Code, message: String) -> Error {
    Error::new(ErrorKind::RuleViolation, code, message).with_field("occurred_at")
}

/// Whether `at` may be the time a record entered at `now` happened: not
/// after `now`, not before `follows` (the step it follows, or the receipt),
/// not before `earliest`.
pub fn check(
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    follows: Option<DateTime<Utc>>,
    earliest: DateTime<Utc>,
) -> Result<(), Error> {
    if at > now {
        return Err(refused(
            Code::OccurredInFuture,
            format!("occurred_at {} is in the future", time::to_rfc3339(at)),
        ));
    }
    if let Some(follows) = follows.filter(|f| at < *f) {
        return Err(refused(
            Code::OccurredOutOfOrder,
            format!(
                "occurred_at {} is before the step it follows ({})",
                time::to_rfc3339(at),
                time::to_rfc3339(follows)
            ),
        ));
    }
    if at < earliest {
        return Err(refused(
            Code::OccurredBeforeWindow,
            format!(
                "occurred_at {} is before {}, the earliest a record may be entered for \
                 (rules.complaints.record_past_years, rules.complaints.go_live)",
                time::to_rfc3339(at),
                time::to_rfc3339(earliest)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_past_is_open_from_the_first_of_january_of_last_year() {
        let now = at("2026-06-15T10:00:00+08:00");
        let from = earliest(None, now, 1);
        assert_eq!(time::to_rfc3339(from), "2025-01-01T00:00:00+08:00");
        // A township live since June 2026 keeps 2025 open through 2027.
        let live = NaiveDate::from_ymd_opt(2026, 6, 1);
        let next_year = at("2027-11-30T10:00:00+08:00");
        assert_eq!(
            time::to_rfc3339(earliest(live, next_year, 1)),
            "2025-01-01T00:00:00+08:00"
        );
        assert_eq!(
            time::to_rfc3339(earliest(None, next_year, 1)),
            "2026-01-01T00:00:00+08:00"
        );
        assert!(check(from, now, None, from).is_ok());
        let before = from - chrono::Duration::seconds(1);
        assert_eq!(
            check(before, now, None, from).unwrap_err().code,
            Code::OccurredBeforeWindow
        );
        assert_eq!(
            check(now + chrono::Duration::seconds(1), now, None, from)
                .unwrap_err()
                .code,
            Code::OccurredInFuture
        );
        let previous = at("2026-03-02T09:00:00+08:00");
        let err = check(at("2026-03-02T08:59:59+08:00"), now, Some(previous), from).unwrap_err();
        assert_eq!(
            (err.code, err.field.as_deref()),
            (Code::OccurredOutOfOrder, Some("occurred_at"))
        );
        assert!(check(previous, now, Some(previous), from).is_ok());
    }
}
