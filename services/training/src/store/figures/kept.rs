//! Figures kept per revision of the records. The training figures are a
//! function of the records alone (dated head counts, a period's sittings,
//! hours and outreach — never today's date), and the records change a few
//! times a day while dashboards ask for the same figures all day. Every
//! change to a table the figures read moves `figures_revision` in its own
//! transaction (by trigger, migration 0012), so an answer computed at a
//! revision stays true until it moves: it is kept and given again until
//! then, by every replica alike.
//!
//! An answer is computed from reads that see the revision read first or a
//! later one; kept under the first, it is never older than what a reader of
//! that revision may be told.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Mutex,
};

use chrono::NaiveDate;
use fazhi_platform::{Error, db::Grouping};

use super::{Counts, PeriodFigures};
use crate::store::Store;

/// Answers kept for one revision at most; past it the oldest go first.
const MOST_KEPT: usize = 512;

/// What was asked: the division range, the day or period, the grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(in crate::store) enum Ask {
    Counts {
        range: (String, String),
        as_of: NaiveDate,
        grouping: Grouping,
    },
    Period {
        range: (String, String),
        from: NaiveDate,
        to: NaiveDate,
        required_tenths: i64,
        grouping: Grouping,
    },
}

#[derive(Debug, Clone)]
pub(in crate::store) enum Answer {
    Counts(BTreeMap<String, Counts>),
    Period(BTreeMap<String, PeriodFigures>),
}

/// The answers of the latest revision seen, in the order they were kept.
#[derive(Debug, Default)]
pub(in crate::store) struct Kept {
    revision: i64,
    answers: HashMap<Ask, (u64, Answer)>,
    next: u64,
}

impl Kept {
    /// The answer to `ask` at `revision`, when kept.
    fn get(&mut self, revision: i64, ask: &Ask) -> Option<Answer> {
        if revision != self.revision {
            return None;
        }
        self.answers.get(ask).map(|(_, answer)| answer.clone())
    }

    /// Keeps `answer` for `revision`; the answers of any other one go.
    fn put(&mut self, revision: i64, ask: Ask, answer: Answer) {
        if revision < self.revision {
            return;
        }
        if revision > self.revision {
            self.revision = revision;
            self.answers.clear();
        }
        if self.answers.len() >= MOST_KEPT
            && let Some(oldest) = self
                .answers
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(ask, _)| ask.clone())
        {
            self.answers.remove(&oldest);
        }
        self.next += 1;
        self.answers.insert(ask, (self.next, answer));
    }
}

impl Store {
    /// The records' revision now.
    pub(super) async fn figures_revision(&self) -> Result<i64, Error> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT n FROM figures_revision WHERE one = 1")
                .fetch_one(self.db.pool())
                .await?,
        )
    }

    /// The answer to `ask`: kept for the records' revision, or computed by
    /// `compute` and kept.
    pub(super) async fn kept_or<F>(&self, ask: Ask, compute: F) -> Result<Answer, Error>
    where
        F: AsyncFnOnce() -> Result<Answer, Error>,
    {
        let revision = self.figures_revision().await?;
        if let Some(answer) = lock(&self.kept).get(revision, &ask) {
            return Ok(answer);
        }
        let answer = compute().await?;
        lock(&self.kept).put(revision, ask, answer.clone());
        Ok(answer)
    }
}

fn lock(kept: &Mutex<Kept>) -> std::sync::MutexGuard<'_, Kept> {
    // A panic while holding it left at worst a half-updated map of
    // answers that are each whole: still fit to read.
    kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(day: u32) -> Ask {
        Ask::Counts {
            range: (String::new(), "~".into()),
            as_of: NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
            grouping: Grouping::Whole,
        }
    }

    fn answer(people: i64) -> Answer {
        let counts = Counts {
            people,
            ..Counts::default()
        };
        Answer::Counts(BTreeMap::from([(String::new(), counts)]))
    }

    fn people(answer: Option<Answer>) -> Option<i64> {
        match answer? {
            Answer::Counts(c) => Some(c[""].people),
            Answer::Period(_) => None,
        }
    }

    #[test]
    fn an_answer_is_given_again_only_at_its_own_revision() {
        let mut kept = Kept::default();
        kept.put(3, ask(1), answer(7));
        assert_eq!(people(kept.get(3, &ask(1))), Some(7));
        assert_eq!(people(kept.get(3, &ask(2))), None, "another day");
        assert_eq!(people(kept.get(4, &ask(1))), None, "the records moved");
        // An answer computed at an older revision, finishing late, is not kept.
        kept.put(4, ask(2), answer(8));
        kept.put(3, ask(1), answer(7));
        assert_eq!(people(kept.get(3, &ask(1))), None);
        assert_eq!(people(kept.get(4, &ask(2))), Some(8));
    }

    #[test]
    fn past_the_limit_the_oldest_answer_goes() {
        let mut kept = Kept::default();
        for i in 0..=MOST_KEPT {
            let ask = Ask::Period {
                range: (String::new(), "~".into()),
                from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                required_tenths: i as i64,
                grouping: Grouping::Townships,
            };
            kept.put(1, ask, Answer::Period(BTreeMap::new()));
        }
        assert_eq!(kept.answers.len(), MOST_KEPT);
        let first = Ask::Period {
            range: (String::new(), "~".into()),
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            required_tenths: 0,
            grouping: Grouping::Townships,
        };
        assert!(kept.get(1, &first).is_none());
    }
}
