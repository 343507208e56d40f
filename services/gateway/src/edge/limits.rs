//! Fixed-window counters per key (a client address, an account): public
//! endpoints count every request, login counts failures only.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// Entries kept before expired ones are swept out.
const SWEEP_AT: usize = 10_000;

pub struct WindowLimiter {
    max: u32,
    window: Duration,
    entries: Mutex<HashMap<String, (Instant, u32)>>,
}

impl WindowLimiter {
    /// At most `max` events per key in each `window`.
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max: max.max(1),
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when `key` has used up its window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.at(key, Instant::now(), false)
    }

    /// Counts one event for `key`, refusing it when the window is used up.
    pub fn hit(&self, key: &str) -> Result<(), Duration> {
        self.at(key, Instant::now(), true)
    }

    /// Counts one event for `key` (a failure), whether or not over the
    /// limit; the count in the current window, this one included.
    pub fn record(&self, key: &str) -> u32 {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= SWEEP_AT {
            let window = self.window;
            entries.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = entries.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1
    }

    /// Events counted for `key` in the current window.
    pub fn count(&self, key: &str) -> u32 {
        let now = Instant::now();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((start, n)) if now.duration_since(*start) < self.window => *n,
            _ => 0,
        }
    }

    /// Forgets `key` (a successful login clears its failures).
    pub fn clear(&self, key: &str) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    fn at(&self, key: &str, now: Instant, count: bool) -> Result<(), Duration> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= SWEEP_AT {
            let window = self.window;
            entries.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        match entries.get_mut(key) {
            Some((start, n)) if now.duration_since(*start) < self.window => {
                if *n >= self.max {
                    return Err(self.window - now.duration_since(*start));
                }
                if count {
                    *n += 1;
                }
            }
            _ if count => {
                entries.insert(key.to_owned(), (now, 1));
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_once_its_window_is_used_up_and_others_are_not() {
        let limiter = WindowLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.hit("10.0.0.1").is_ok());
        }
        let wait = limiter.hit("10.0.0.1").unwrap_err();
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(limiter.hit("10.0.0.2").is_ok());
    }

    #[test]
    fn failures_count_only_when_recorded_and_clear_on_success() {
        let limiter = WindowLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.check("li").is_ok());
        limiter.record("li");
        limiter.record("li");
        assert!(limiter.check("li").is_err());
        limiter.clear("li");
        assert!(limiter.check("li").is_ok());
    }

    #[test]
    fn a_window_resets_after_it_passes() {
        let limiter = WindowLimiter::new(1, Duration::from_millis(20));
        assert!(limiter.hit("k").is_ok());
        assert!(limiter.hit("k").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.hit("k").is_ok());
    }
}
