//! Public legal education (普法宣传活动): the events the report counts,
//! with the materials handed out and the people reached.

use chrono::NaiveDate;
use fazhi_platform::Code;
use fazhi_platform::{DivisionCode, Error, coded_enum};

coded_enum! {
    /// Whom an event was for.
    Audience {
        School => "school",
        Village => "village",
        Community => "community",
        Enterprise => "enterprise",
        Other => "other",
    }
}

/// A public legal-education event (普法宣传活动).
#[derive(Debug, Clone)]
pub struct Outreach {
    pub id: String,
    pub division: DivisionCode,
    pub held_on: NaiveDate,
    pub theme: String,
    pub audience: Audience,
    pub materials: i64,
    pub people_reached: i64,
}

/// The most any one event can hand out or reach: a county's population.
pub const MAX_OUTREACH_COUNT: i64 = 10_000_000;

/// Materials or people of one event: none to a county's population.
pub fn check_count(field: &str, value: i64) -> Result<i64, Error> {
    if (0..=MAX_OUTREACH_COUNT).contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid_field(
            field,
            Code::InvalidCount,
            format!("{field} must be between 0 and 10,000,000"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_run_from_none_to_a_countys_population() {
        assert_eq!(check_count("materials", 0).unwrap(), 0);
        assert_eq!(
            check_count("materials", MAX_OUTREACH_COUNT).unwrap(),
            MAX_OUTREACH_COUNT
        );
        for bad in [-1, MAX_OUTREACH_COUNT + 1] {
            let err = check_count("people_reached", bad).unwrap_err();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                ("invalid_count", Some("people_reached"))
            );
        }
    }
}
