//! Fixed-window counters per key (a client address, an account): public
//! endpoints count every request, login counts failures only. A [`Limit`]
//! counts in this process, or in the gateway database when that is
//! PostgreSQL, so gateway replicas sharing it share one limit.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use chrono::{DateTime, Utc};
use fazhi_identity::store::Store;
use fazhi_platform::clock::SharedClock;

/// One limit: at most `max` events per key in each `window`.
pub struct Limit {
    bucket: &'static str,
    max: u32,
    window: Duration,
    local: WindowLimiter,
    /// The database counting for every gateway; `None` counts here alone.
    shared: Option<Store>,
}

impl Limit {
    /// Counted in `shared` when given (falling back to this process's count
    /// while the database does not answer), else here.
    pub fn new(bucket: &'static str, max: u32, window: Duration, shared: Option<Store>) -> Self {
        Self {
            bucket,
            max: max.max(1),
            window,
            local: WindowLimiter::new(max, window),
            shared,
        }
    }

    /// The limit reading `clock` for the windows it counts in this process
    /// (the shared database's windows follow its store's clock).
    pub fn set_clock(&mut self, clock: SharedClock) {
        self.local.clock = clock;
    }

    /// `Err(wait)` when `key` has used up its window.
    pub async fn check(&self, key: &str) -> Result<(), Duration> {
        match self.in_database(key, false).await {
            Some((count, start)) if count >= self.max => Err(self.wait(start)),
            Some(_) => Ok(()),
            None => self.local.check(key),
        }
    }

    /// Counts one event for `key`, refusing it when the window is used up.
    pub async fn hit(&self, key: &str) -> Result<(), Duration> {
        match self.in_database(key, true).await {
            Some((count, start)) if count > self.max => Err(self.wait(start)),
            Some(_) => Ok(()),
            None => self.local.hit(key),
        }
    }

    /// Counts one event for `key` whether or not over the limit; the count
    /// in the current window, this one included.
    pub async fn record(&self, key: &str) -> u32 {
        match self.in_database(key, true).await {
            Some((count, _)) => count,
            None => self.local.record(key),
        }
    }

    /// Events counted for `key` in the current window.
    pub async fn count(&self, key: &str) -> u32 {
        match self.in_database(key, false).await {
            Some((count, _)) => count,
            None => self.local.count(key),
        }
    }

    /// Forgets `key`.
    pub async fn clear(&self, key: &str) {
        self.local.clear(key);
        if let Some(store) = &self.shared
            && let Err(err) = store.clear_events(self.bucket, key).await
        {
            unshared(self.bucket, &err);
        }
    }

    /// The count of `key`'s current window in the database and when the
    /// window started, after counting one event when `add`; `None` when it
    /// is counted in this process (no shared database, or it did not answer).
    async fn in_database(&self, key: &str, add: bool) -> Option<(u32, DateTime<Utc>)> {
        let store = self.shared.as_ref()?;
        let now = store.now();
        let answer = if add {
            store
                .count_event(self.bucket, key, now, self.window)
                .await
                .map(Some)
        } else {
            store.events(self.bucket, key, now, self.window).await
        };
        match answer {
            Ok(found) => Some(found.unwrap_or((0, now))),
            Err(err) => {
                unshared(self.bucket, &err);
                None
            }
        }
    }

    /// How long until the window that started at `start` is over.
    fn wait(&self, start: DateTime<Utc>) -> Duration {
        // Only a window counted in the database has a start to wait from.
        let now = self
            .shared
            .as_ref()
            .map_or_else(|| self.local.clock.now(), Store::now);
        let passed = (now - start).to_std().unwrap_or_default();
        self.window
            .saturating_sub(passed)
            .max(Duration::from_secs(1))
    }
}

fn unshared(bucket: &str, err: &fazhi_platform::Error) {
    metrics::counter!("fazhi_rate_limit_unshared_total").increment(1);
    tracing::warn!(bucket, error = %err, "the shared rate limit did not answer; counting in this gateway alone");
}

/// Entries kept before expired ones are swept out.
const SWEEP_AT: usize = 10_000;

pub struct WindowLimiter {
    max: u32,
    window: Duration,
    entries: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
    clock: SharedClock,
}

impl WindowLimiter {
    /// At most `max` events per key in each `window`.
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max: max.max(1),
            window,
            entries: Mutex::new(HashMap::new()),
            clock: fazhi_platform::clock::system(),
        }
    }

    /// How long after `start` it is at `now` (nothing, for a start ahead).
    fn since(start: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
        (now - start).to_std().unwrap_or_default()
    }

    /// `Err(wait)` when `key` has used up its window.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.at(key, self.clock.now(), false)
    }

    /// Counts one event for `key`, refusing it when the window is used up.
    pub fn hit(&self, key: &str) -> Result<(), Duration> {
        self.at(key, self.clock.now(), true)
    }

    /// Counts one event for `key` (a failure), whether or not over the
    /// limit; the count in the current window, this one included.
    pub fn record(&self, key: &str) -> u32 {
        let now = self.clock.now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= SWEEP_AT {
            let window = self.window;
            entries.retain(|_, (start, _)| Self::since(*start, now) < window);
        }
        let entry = entries.entry(key.to_owned()).or_insert((now, 0));
        if Self::since(entry.0, now) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        entry.1
    }

    /// Events counted for `key` in the current window.
    pub fn count(&self, key: &str) -> u32 {
        let now = self.clock.now();
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((start, n)) if Self::since(*start, now) < self.window => *n,
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

    fn at(&self, key: &str, now: DateTime<Utc>, count: bool) -> Result<(), Duration> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= SWEEP_AT {
            let window = self.window;
            entries.retain(|_, (start, _)| Self::since(*start, now) < window);
        }
        match entries.get_mut(key) {
            Some((start, n)) if Self::since(*start, now) < self.window => {
                if *n >= self.max {
                    return Err(self.window - Self::since(*start, now));
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
        let clock =
            fazhi_platform::clock::ManualClock::new("2026-03-02T08:00:00Z".parse().unwrap());
        let mut limiter = WindowLimiter::new(1, Duration::from_secs(60));
        limiter.clock = clock.clone();
        assert!(limiter.hit("k").is_ok());
        clock.advance(chrono::Duration::seconds(59));
        assert!(limiter.hit("k").is_err());
        clock.advance(chrono::Duration::seconds(1));
        assert!(limiter.hit("k").is_ok());
    }
}

/// Work in progress bounded in total and per caller (a record's content
/// upload): a slot is taken before the work starts and given back when its
/// [`Slot`] is dropped.
pub struct Slots {
    total: usize,
    per_caller: usize,
    open: Mutex<HashMap<String, usize>>,
}

/// One taken slot; dropping it gives it back.
pub struct Slot {
    slots: std::sync::Arc<Slots>,
    caller: String,
}

impl Slots {
    pub fn new(total: usize, per_caller: usize) -> Self {
        Self {
            total: total.max(1),
            per_caller: per_caller.max(1),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// A slot for `caller`, unless the caller or everyone has all there are.
    pub fn take(self: &std::sync::Arc<Self>, caller: &str) -> Option<Slot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let everyone: usize = open.values().sum();
        let theirs = open.get(caller).copied().unwrap_or(0);
        if everyone >= self.total || theirs >= self.per_caller {
            return None;
        }
        *open.entry(caller.to_owned()).or_insert(0) += 1;
        Some(Slot {
            slots: self.clone(),
            caller: caller.to_owned(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.caller) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.caller);
            }
        }
    }
}

#[cfg(test)]
mod slot_tests {
    use super::*;

    #[test]
    fn slots_are_bounded_per_caller_and_in_total_and_come_back() {
        let slots = std::sync::Arc::new(Slots::new(3, 2));
        let a1 = slots.take("a").unwrap();
        let _a2 = slots.take("a").unwrap();
        assert!(slots.take("a").is_none(), "two per caller");
        let _b1 = slots.take("b").unwrap();
        assert!(slots.take("c").is_none(), "three in all");
        drop(a1);
        assert!(slots.take("c").is_some());
    }
}
