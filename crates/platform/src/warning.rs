//! The one rule for how urgent a deadline is (预警): red once it has passed,
//! yellow while it is near, nothing before. Every service's warnings are
//! levelled by it, whatever their deadlines count in (instants, days).

/// How urgent a warning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Near.
    Yellow,
    /// Passed.
    Red,
}

impl Level {
    /// The contract's value.
    pub fn to_proto(self) -> i32 {
        use fazhi_proto::common::v1::WarningLevel;
        match self {
            Level::Yellow => WarningLevel::Yellow as i32,
            Level::Red => WarningLevel::Red as i32,
        }
    }
}

/// The level of a deadline `due` seen at `now`: red when it has passed
/// (`due` before `now`), yellow when it falls by `near_until`, none when it
/// is further off.
pub fn level<T: Ord>(due: T, now: T, near_until: T) -> Option<Level> {
    if due < now {
        Some(Level::Red)
    } else if due <= near_until {
        Some(Level::Yellow)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_is_red_once_passed_yellow_while_near_and_nothing_before() {
        assert_eq!(level(9, 10, 15), Some(Level::Red));
        assert_eq!(level(10, 10, 15), Some(Level::Yellow));
        assert_eq!(level(15, 10, 15), Some(Level::Yellow));
        assert_eq!(level(16, 10, 15), None);
    }
}
