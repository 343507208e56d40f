//! Which days of a period are summed from the monthly roll-ups and which
//! from the daily totals: every whole month of the period from its month's
//! row, except the month `settled_until` falls inside (its days are settled
//! and not on either side of it), and the partial months at the ends day by
//! day. A year is twelve rows per division and figure instead of 365.

use chrono::{Datelike, Days, NaiveDate};

/// The parts of a period, each day in exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    /// Day ranges (inclusive) read from the daily totals.
    pub days: Vec<(NaiveDate, NaiveDate)>,
    /// Month ranges (`YYYY-MM`, inclusive) read from the monthly roll-ups.
    pub months: Vec<(String, String)>,
}

/// `YYYY-MM` of a day.
pub(super) fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn last_of_month(day: NaiveDate) -> NaiveDate {
    let first = first_of_month(day);
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.checked_sub_days(Days::new(1)))
        .unwrap_or(day)
}

/// The plan for `from..=to`, no month split by `settled_until` (a whole
/// month's row is settled when its last day is, else not at all).
pub(super) fn plan(from: NaiveDate, to: NaiveDate, settled_until: NaiveDate) -> Plan {
    let mut plan = Plan {
        days: Vec::new(),
        months: Vec::new(),
    };
    let mut day = from;
    while day <= to {
        let (first, last) = (first_of_month(day), last_of_month(day));
        let whole = first == day && last <= to;
        let split = first <= settled_until && settled_until < last;
        let end = last.min(to);
        if whole && !split {
            let month = month_of(day);
            match plan.months.last_mut() {
                Some((_, until)) if plan_follows(until, day) => *until = month,
                _ => plan.months.push((month.clone(), month)),
            }
        } else {
            match plan.days.last_mut() {
                Some((_, until)) if until.succ_opt() == Some(day) => *until = end,
                _ => plan.days.push((day, end)),
            }
        }
        match end.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    plan
}

/// Whether the month range ending `until` goes on with the month of `day`.
fn plan_follows(until: &str, day: NaiveDate) -> bool {
    day.checked_sub_days(Days::new(1))
        .is_some_and(|before| month_of(before) == until)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_past_year_is_twelve_months() {
        let p = plan(d("2025-01-01"), d("2025-12-31"), d("2025-12-31"));
        assert_eq!(p.months, vec![("2025-01".into(), "2025-12".into())]);
        assert!(p.days.is_empty());
    }

    #[test]
    fn the_month_settled_until_falls_in_is_read_by_day() {
        let p = plan(d("2026-01-01"), d("2026-12-31"), d("2026-12-06"));
        assert_eq!(p.months, vec![("2026-01".into(), "2026-11".into())]);
        assert_eq!(p.days, vec![(d("2026-12-01"), d("2026-12-31"))]);
        let p = plan(d("2026-01-01"), d("2026-12-31"), d("2026-06-15"));
        assert_eq!(
            p.months,
            vec![
                ("2026-01".into(), "2026-05".into()),
                ("2026-07".into(), "2026-12".into())
            ]
        );
        assert_eq!(p.days, vec![(d("2026-06-01"), d("2026-06-30"))]);
    }

    #[test]
    fn partial_months_at_the_ends_are_read_by_day() {
        let p = plan(d("2025-03-15"), d("2025-06-10"), d("2025-06-10"));
        assert_eq!(p.months, vec![("2025-04".into(), "2025-05".into())]);
        assert_eq!(
            p.days,
            vec![
                (d("2025-03-15"), d("2025-03-31")),
                (d("2025-06-01"), d("2025-06-10"))
            ]
        );
    }

    /// Every day of any period in exactly one part, and no month read whole
    /// whose days fall on both sides of `settled_until`.
    #[test]
    fn every_day_once_and_no_month_split() {
        let start = d("2023-11-20");
        for (a, b, s) in [
            (0, 500, 250),
            (3, 40, 0),
            (31, 31, 31),
            (10, 400, 9),
            (0, 800, 800),
        ] {
            let from = start + Days::new(a);
            let to = start + Days::new(b);
            let settled = start + Days::new(s);
            let p = plan(from, to, settled);
            let mut day = from;
            while day <= to {
                let by_day = p
                    .days
                    .iter()
                    .filter(|(x, y)| *x <= day && day <= *y)
                    .count();
                let m = month_of(day);
                let by_month = p
                    .months
                    .iter()
                    .filter(|(x, y)| x.as_str() <= m.as_str() && m.as_str() <= y.as_str())
                    .count();
                assert_eq!(by_day + by_month, 1, "{day} in {from}..{to}");
                if by_month == 1 {
                    let (first, last) = (first_of_month(day), last_of_month(day));
                    assert!(first >= from && last <= to);
                    assert!(!(first <= settled && settled < last), "{day}");
                }
                day = day.succ_opt().unwrap();
            }
        }
    }
}
