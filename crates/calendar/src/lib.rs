//! The official working-day calendar (工作日): weekends, public holidays and the
//! make-up working days (调休) the State Council announces each year.
//!
//! Deadlines in Fazhi are counted in working days (a complaint reply within 15
//! working days, publicity within 7), so every service counts them here, on data
//! shipped in `data/cn-official.toml` and replaceable per year by a deployment's
//! own file without a rebuild.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

const OFFICIAL: &str = include_str!("../data/cn-official.toml");

/// Longest run of days the counting loops will walk before giving up: far
/// beyond any legal deadline, it only guards against absurd inputs.
const MAX_SPAN_DAYS: u64 = 366 * 20;

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("cannot read calendar file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("calendar data is not valid TOML in the expected shape: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("calendar year {year}: {problem}")]
    Invalid { year: i32, problem: String },
}

/// One year's announcement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearNotice {
    year: i32,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    days_off: Vec<Holiday>,
    #[serde(default)]
    working_weekends: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Holiday {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    year: Vec<YearNotice>,
}

/// One year's notice, as `fazhi calendar check` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSummary {
    pub year: i32,
    /// The day the State Council published it.
    pub published: Option<String>,
    /// Each holiday: its name, first and last day off.
    pub holidays: Vec<(String, NaiveDate, NaiveDate)>,
    /// Days off in all.
    pub days_off: i64,
    /// Weekend days worked instead (调休).
    pub working_weekends: Vec<NaiveDate>,
}

/// Working days: Monday to Friday except public holidays, plus the weekend days
/// announced as make-up working days.
#[derive(Debug, Clone)]
pub struct Calendar {
    notices: BTreeMap<i32, YearNotice>,
    days_off: BTreeSet<NaiveDate>,
    working_weekends: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// The calendar shipped with Fazhi (2023 onwards).
    pub fn official() -> Self {
        Self::from_toml(OFFICIAL).expect("the shipped calendar data is valid")
    }

    /// The shipped calendar with every year in `path` replacing the shipped
    /// year of the same number (or adding it).
    pub fn official_with_overrides(path: &Path) -> Result<Self, CalendarError> {
        let text = std::fs::read_to_string(path).map_err(|source| CalendarError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mut calendar = Self::official();
        let overrides = Self::from_toml(&text)?;
        calendar.notices.extend(overrides.notices);
        Ok(calendar.reindexed())
    }

    /// A calendar from data in the shipped format.
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let file: CalendarFile = toml::from_str(text)?;
        let mut notices = BTreeMap::new();
        for notice in file.year {
            validate(&notice)?;
            let year = notice.year;
            if notices.insert(year, notice).is_some() {
                return Err(CalendarError::Invalid {
                    year,
                    problem: "listed twice".into(),
                });
            }
        }
        Ok(Self {
            notices,
            days_off: BTreeSet::new(),
            working_weekends: BTreeSet::new(),
        }
        .reindexed())
    }

    fn reindexed(mut self) -> Self {
        self.days_off.clear();
        self.working_weekends.clear();
        for notice in self.notices.values() {
            for holiday in &notice.days_off {
                self.days_off
                    .extend(holiday.from.iter_days().take_while(|d| *d <= holiday.to));
            }
            self.working_weekends
                .extend(notice.working_weekends.iter().copied());
        }
        self
    }

    /// Each year's notice as the calendar holds it, the earliest first.
    pub fn notices(&self) -> Vec<NoticeSummary> {
        self.notices
            .values()
            .map(|n| NoticeSummary {
                year: n.year,
                published: n.published.clone(),
                holidays: n
                    .days_off
                    .iter()
                    .map(|h| (h.name.clone(), h.from, h.to))
                    .collect(),
                days_off: n
                    .days_off
                    .iter()
                    .map(|h| (h.to - h.from).num_days() + 1)
                    .sum(),
                working_weekends: n.working_weekends.clone(),
            })
            .collect()
    }

    /// Whether the holiday arrangement of `year` is known. For other years only
    /// weekends are days off, and a deadline computed there may move once the
    /// year's notice is published.
    pub fn covers(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }

    /// The years whose arrangement is known, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.notices.keys().copied()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.working_weekends.contains(&date) {
            return true;
        }
        !is_weekend(date) && !self.days_off.contains(&date)
    }

    /// The `n`th working day after `start` (`start` itself never counts, so a
    /// request received on a holiday starts counting on the next working day).
    /// `n == 0` gives `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut date = start;
        let mut remaining = n;
        let mut walked = 0;
        while remaining > 0 && walked < MAX_SPAN_DAYS {
            date = date + Days::new(1);
            walked += 1;
            if self.is_working_day(date) {
                remaining -= 1;
            }
        }
        date
    }

    /// Working days in the half-open interval `(from, to]`, negative when `to`
    /// is before `from`: how many working days later `to` is than `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (low, high, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let count = low
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= high)
            .take(MAX_SPAN_DAYS as usize)
            .filter(|d| self.is_working_day(*d))
            .count();
        sign * count as i64
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn validate(notice: &YearNotice) -> Result<(), CalendarError> {
    let invalid = |problem: String| CalendarError::Invalid {
        year: notice.year,
        problem,
    };
    // A notice speaks of its own year; a holiday or make-up day may reach
    // a little into the next or the last (元旦 from 30 December).
    let near = |day: NaiveDate| {
        let from = NaiveDate::from_ymd_opt(notice.year - 1, 12, 1);
        let to = NaiveDate::from_ymd_opt(notice.year + 1, 1, 31);
        from.zip(to)
            .is_some_and(|(from, to)| from <= day && day <= to)
    };
    if let Some(published) = &notice.published
        && NaiveDate::parse_from_str(published, "%Y-%m-%d").is_err()
    {
        return Err(invalid(format!(
            "published {published:?} is not a date (YYYY-MM-DD)"
        )));
    }
    for day in notice
        .days_off
        .iter()
        .flat_map(|h| [h.from, h.to])
        .chain(notice.working_weekends.iter().copied())
    {
        if !near(day) {
            return Err(invalid(format!(
                "{day} is not in or next to {}",
                notice.year
            )));
        }
    }
    for holiday in &notice.days_off {
        if holiday.to < holiday.from {
            return Err(invalid(format!(
                "holiday {} ends before it starts",
                holiday.from
            )));
        }
        if (holiday.to - holiday.from).num_days() > 31 {
            return Err(invalid(format!(
                "holiday from {} is longer than a month",
                holiday.from
            )));
        }
    }
    for day in &notice.working_weekends {
        if !is_weekend(*day) {
            return Err(invalid(format!(
                "{day} is listed as a working weekend but is a weekday"
            )));
        }
        if notice
            .days_off
            .iter()
            .any(|h| h.from <= *day && *day <= h.to)
        {
            return Err(invalid(format!(
                "{day} is both a day off and a working day"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_2023_national_day_week_is_off_and_the_following_weekend_is_worked() {
        let cal = Calendar::official();
        for day in ["2023-09-29", "2023-10-02", "2023-10-06"] {
            assert!(!cal.is_working_day(d(day)), "{day} is a holiday");
        }
        assert!(
            cal.is_working_day(d("2023-10-07")),
            "Saturday 7 October 2023 is a make-up working day"
        );
        assert!(
            cal.is_working_day(d("2023-10-08")),
            "Sunday 8 October 2023 is a make-up working day"
        );
    }

    #[test]
    fn a_request_received_before_national_day_counts_from_the_make_up_weekend() {
        let cal = Calendar::official();
        // Thursday 28 Sep 2023 + 2 working days: 29 Sep – 6 Oct are off, 7 and 8 Oct are worked.
        assert_eq!(cal.add_working_days(d("2023-09-28"), 2), d("2023-10-08"));
        // 15 working days: 7, 8, 9–13 (5), 16–20 (5), 23, 24, 25.
        assert_eq!(cal.add_working_days(d("2023-09-28"), 15), d("2023-10-25"));
    }

    #[test]
    fn a_request_received_on_a_holiday_starts_counting_on_the_next_working_day() {
        let cal = Calendar::official();
        assert_eq!(cal.add_working_days(d("2023-10-01"), 1), d("2023-10-07"));
    }

    #[test]
    fn the_2024_spring_festival_spans_two_working_sundays() {
        let cal = Calendar::official();
        assert!(cal.is_working_day(d("2024-02-04")));
        assert!(!cal.is_working_day(d("2024-02-12")));
        assert!(cal.is_working_day(d("2024-02-18")));
        // Friday 9 Feb 2024: the next working day is Sunday 18 Feb.
        assert_eq!(cal.add_working_days(d("2024-02-09"), 1), d("2024-02-18"));
    }

    #[test]
    fn the_2026_spring_festival_is_nine_days_off() {
        let cal = Calendar::official();
        let off = d("2026-02-15")
            .iter_days()
            .take(9)
            .filter(|day| !cal.is_working_day(*day))
            .count();
        assert_eq!(off, 9);
        assert!(cal.is_working_day(d("2026-02-14")));
        assert!(cal.is_working_day(d("2026-02-28")));
    }

    #[test]
    fn an_ordinary_week_has_five_working_days() {
        let cal = Calendar::official();
        assert_eq!(
            cal.working_days_between(d("2023-11-05"), d("2023-11-12")),
            5
        );
    }

    #[test]
    fn working_days_between_counts_the_national_day_fortnight() {
        let cal = Calendar::official();
        // (28 Sep, 15 Oct 2023]: 7, 8, 9–13 Oct are working days.
        assert_eq!(
            cal.working_days_between(d("2023-09-28"), d("2023-10-15")),
            7
        );
        assert_eq!(
            cal.working_days_between(d("2023-10-15"), d("2023-09-28")),
            -7
        );
        assert_eq!(
            cal.working_days_between(d("2023-10-15"), d("2023-10-15")),
            0
        );
    }

    #[test]
    fn adding_then_counting_working_days_round_trips() {
        let cal = Calendar::official();
        let mut start = d("2023-01-01");
        while start < d("2026-12-31") {
            let due = cal.add_working_days(start, 15);
            assert_eq!(cal.working_days_between(start, due), 15, "from {start}");
            start = start + Days::new(3);
        }
    }

    #[test]
    fn years_outside_the_data_fall_back_to_weekends_only() {
        let cal = Calendar::official();
        assert!(cal.covers(2023) && cal.covers(2026));
        assert!(!cal.covers(2030));
        assert!(
            cal.is_working_day(d("2030-10-01")),
            "a Tuesday with no known notice"
        );
        assert!(!cal.is_working_day(d("2030-10-05")));
    }

    #[test]
    fn an_override_file_replaces_a_shipped_year() {
        let dir = std::env::temp_dir().join(format!("fazhi-calendar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("override.toml");
        std::fs::write(
            &path,
            r#"
            [[year]]
            year = 2026
            days_off = [{ name = "试验", from = "2026-03-02", to = "2026-03-02" }]
            working_weekends = []

            [[year]]
            year = 2027
            days_off = [{ name = "元旦", from = "2027-01-01", to = "2027-01-03" }]
            "#,
        )
        .unwrap();
        let cal = Calendar::official_with_overrides(&path).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert!(!cal.is_working_day(d("2026-03-02")));
        assert!(
            cal.is_working_day(d("2026-02-16")),
            "the shipped 2026 Spring Festival is replaced"
        );
        assert!(cal.covers(2027));
        assert!(
            cal.is_working_day(d("2023-10-07")),
            "other shipped years stay"
        );
    }

    #[test]
    fn a_weekday_listed_as_a_working_weekend_is_rejected() {
        let err =
            Calendar::from_toml("[[year]]\nyear = 2026\nworking_weekends = [\"2026-03-02\"]\n")
                .unwrap_err();
        assert!(err.to_string().contains("is a weekday"), "{err}");
    }

    #[test]
    fn a_holiday_ending_before_it_starts_is_rejected() {
        let text = "[[year]]\nyear = 2026\ndays_off = [{ name = \"x\", from = \"2026-03-05\", to = \"2026-03-02\" }]\n";
        assert!(Calendar::from_toml(text).is_err());
    }

    #[test]
    fn a_day_far_from_its_notices_year_is_rejected() {
        // 2027 typed for 2026: the notice would move no deadline of 2026.
        let text = "[[year]]\nyear = 2026\ndays_off = [{ name = \"元旦\", from = \"2027-01-01\", to = \"2027-01-03\" }, { name = \"春节\", from = \"2027-02-15\", to = \"2027-02-23\" }]\n";
        let err = Calendar::from_toml(text).unwrap_err();
        assert!(err.to_string().contains("2027-02-15"), "{err}");
        // 元旦 from the last days of December stays its year's.
        let text = "[[year]]\nyear = 2024\ndays_off = [{ name = \"元旦\", from = \"2023-12-30\", to = \"2024-01-01\" }]\n";
        assert!(Calendar::from_toml(text).is_ok());
        let text = "[[year]]\nyear = 2026\npublished = \"4 Nov\"\n";
        assert!(
            Calendar::from_toml(text)
                .unwrap_err()
                .to_string()
                .contains("published")
        );
    }

    #[test]
    fn a_notice_is_summed_up_as_written() {
        let notices = Calendar::official().notices();
        let y2026 = notices.iter().find(|n| n.year == 2026).unwrap();
        // 元旦 3, 春节 9, 清明 3, 劳动 5, 端午 3, 中秋 3, 国庆 7.
        assert_eq!(y2026.days_off, 3 + 9 + 3 + 5 + 3 + 3 + 7);
        assert_eq!(y2026.holidays.len(), 7);
        assert_eq!(y2026.working_weekends.len(), 6);
        assert_eq!(y2026.published.as_deref(), Some("2025-11-04"));
    }
}
