//! Time as a dependency (InfluxDB 3's `iox_time` is the model): every
//! service and the gateway read "now" from the [`Clock`] they are given, so
//! a test turns a [`ManualClock`] instead of sleeping, and nothing but
//! [`SystemClock`] reads the wall clock.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::time;

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current instant, at the microsecond precision Fazhi stores.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China, where every deadline's day is decided.
    fn today(&self) -> NaiveDate {
        time::china_date(self.now())
    }
}

/// A clock shared by everything one process runs.
pub type SharedClock = Arc<dyn Clock>;

/// The wall clock: the one place Fazhi reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        time::from_micros(time::to_micros(Utc::now()))
    }
}

/// The wall clock, shared.
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that stands still until it is set or advanced (tests).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    pub fn new(now: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self {
            now: Mutex::new(time::from_micros(time::to_micros(now))),
        })
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) =
            time::from_micros(time::to_micros(now));
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|e| e.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_stands_still_until_it_is_turned() {
        let start: DateTime<Utc> = "2026-09-30T16:00:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        assert_eq!(clock.today().to_string(), "2026-10-01");
        clock.advance(Duration::hours(2));
        assert_eq!(clock.now(), start + Duration::hours(2));
        clock.set(start);
        assert_eq!(clock.now(), start);
    }
}
