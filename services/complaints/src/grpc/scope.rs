//! Which complaints a call covers: the caller's scope narrowed to the
//! division and period asked for, and the reply due window a `due` filter
//! names.

use fazhi_platform::{Code, DivisionCode, Error, auth::Caller, time};
use fazhi_proto::common::v1::TimeRange;

use super::ComplaintsApi;
use crate::store::Filter;

/// Replies due from the first time up to the second, both included (a
/// reply due at the end of a day, 23:59:59, is due that day).
pub(super) type DueWindow = (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>);

impl ComplaintsApi {
    /// The reply due window a `due` filter names.
    pub(super) fn due_between(&self, due: &str) -> Result<Option<DueWindow>, Error> {
        let now = self.clock.now();
        match due.trim() {
            "" => Ok(None),
            "overdue" => Ok(Some((
                now - chrono::Duration::days(365 * 100),
                now - chrono::Duration::microseconds(1),
            ))),
            "near" => {
                let next = self.calendar.add_working_days(time::china_date(now), 1);
                Ok(Some((now, time::end_of_china_day(next))))
            }
            _ => Err(Error::invalid_field(
                "due",
                Code::UnknownCode,
                "due must be one of overdue, near",
            )),
        }
    }
}

/// The caller's scope narrowed to the division asked for, and the period.
pub(super) fn filter(
    caller: &Caller,
    division: &str,
    range: Option<&TimeRange>,
    field: &str,
) -> Result<Filter, Error> {
    let period = time::period_from_proto(range, field)?;
    let asked = DivisionCode::parse_optional_field("division_code", division)?;
    Ok(Filter {
        division: Some(caller.narrow("division_code", asked)?),
        received_from: period.start,
        received_to: period.end,
        due_between: None,
        viewer: Some(crate::domain::Viewer::of(caller)),
        ticket: None,
    })
}
