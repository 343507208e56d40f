//! Running totals per division, China calendar day and figure, kept in the
//! same transaction as the intake or step they count — so a period's
//! figures are a sum over its days, never a scan of its complaints.
//!
//! Each figure is counted on the day that puts it in its cohort: a dispatch
//! and its timely signing on the dispatch day (响应率), a reply on time on
//! the day the reply was due (按时办结率), a follow-up and its outcome on the
//! follow-up day (解决率, 满意率), a duplicate on the day the repeat came in.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_platform::{Error, time};
use sqlx::{AnyConnection, Row};

use super::Store;
use crate::domain::{Complaint, Satisfaction, Step};

/// (division, day, figure) → amount to add.
#[derive(Debug, Default)]
pub struct Bumps(BTreeMap<(String, NaiveDate, String), i64>);

impl Bumps {
    fn add(&mut self, c: &Complaint, at: DateTime<Utc>, figure: impl Into<String>, n: i64) {
        *self
            .0
            .entry((
                c.division_code.as_str().to_owned(),
                time::china_date(at),
                figure.into(),
            ))
            .or_default() += n;
    }

    /// What a new complaint adds: received, and by channel, type and category;
    /// urgent; one reply due on its due day.
    pub fn received(&mut self, c: &Complaint) {
        let at = c.received_at;
        self.add(c, at, "received", 1);
        self.add(c, at, format!("channel:{}", c.channel.code()), 1);
        self.add(c, at, format!("type:{}", c.request_type.code()), 1);
        self.add(c, at, format!("category:{}", c.category), 1);
        if c.urgent {
            self.add(c, at, "urgent", 1);
        }
        self.add(c, c.reply_due, "due", 1);
    }

    /// Takes back what [`Bumps::received`] added for `c` (a pushed ticket
    /// replaced by its update).
    pub fn withdrawn(&mut self, c: &Complaint) {
        let mut undo = Bumps::default();
        undo.received(c);
        for (key, n) in undo.0 {
            *self.0.entry(key).or_default() -= n;
        }
    }

    /// What a workflow step adds, from the complaint before and after it.
    pub fn step(&mut self, before: &Complaint, after: &Complaint, step: &Step, at: DateTime<Utc>) {
        let h = &after.handling;
        match step {
            Step::Dispatch { .. } => self.add(after, at, "dispatched", 1),
            Step::Accept => {
                self.add(after, at, "accepted", 1);
                let dispatched = h.dispatched_at.unwrap_or(at);
                if h.accept_due.is_none_or(|due| at <= due) {
                    self.add(after, dispatched, "accepted_on_time", 1);
                }
            }
            Step::Return { .. } => self.add(after, at, "returned", 1),
            Step::RequestExtension { .. } => self.add(after, at, "extension_requested", 1),
            Step::DecideExtension { approved } => {
                if *approved {
                    self.add(after, at, "extended", 1);
                    self.add(before, before.reply_due, "due", -1);
                    self.add(after, after.reply_due, "due", 1);
                }
            }
            Step::Reply { .. } => {
                self.add(after, at, "replied", 1);
                // 按时办结: the first reply, by the due day, counted on that day.
                if before.handling.replied_at.is_none() && at <= after.reply_due {
                    self.add(after, after.reply_due, "replied_on_time", 1);
                }
            }
            Step::FollowUp {
                resolved,
                satisfaction,
            } => {
                self.add(after, at, "visited", 1);
                if *resolved {
                    self.add(after, at, "resolved", 1);
                }
                let figure = match satisfaction {
                    Satisfaction::Satisfied => "satisfied",
                    Satisfaction::BasicallySatisfied => "basically_satisfied",
                    Satisfaction::Unsatisfied => "unsatisfied",
                };
                self.add(after, at, figure, 1);
            }
            Step::Close => self.add(after, at, "closed", 1),
            Step::Reopen => self.add(after, at, "reopened", 1),
            Step::MarkDuplicate { .. } => {
                self.add(after, after.received_at, "duplicates", 1);
                // A merged request owes no reply of its own.
                if before.handling.replied_at.is_none() {
                    self.add(before, before.reply_due, "due", -1);
                }
            }
            Step::HandOff { .. } => {
                self.add(after, at, "handed_off", 1);
                self.add(before, before.reply_due, "due", -1);
            }
            Step::Supervise => {
                let figure = if before.handling.supervised {
                    "reminders"
                } else {
                    "supervised"
                };
                self.add(after, at, figure, 1);
            }
            Step::Escalate { .. } => self.add(after, at, "escalated", 1),
        }
    }

    /// Adds these amounts to the running totals on `conn` (inside the
    /// caller's transaction), one statement per total.
    pub async fn write(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        for ((division, day, figure), n) in self.0 {
            if n == 0 {
                continue;
            }
            sqlx::query(
                "INSERT INTO complaint_figures (division_code, day, figure, n) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (division_code, day, figure) DO UPDATE SET n = complaint_figures.n + excluded.n",
            )
            .bind(division)
            .bind(day.to_string())
            .bind(figure)
            .bind(n)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

impl Store {
    /// Every figure of the divisions in `[low, high)` summed over the days
    /// `from..=to`.
    pub async fn figures(
        &self,
        low: &str,
        high: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<String, i64>, Error> {
        Ok(self.figures_settled(low, high, from, to, to).await?.0)
    }

    /// [`Store::figures`], and beside them the same sums over the days up
    /// to `settled_until` only (replies not yet due are not late), in one
    /// pass over the running totals.
    pub async fn figures_settled(
        &self,
        low: &str,
        high: &str,
        from: NaiveDate,
        to: NaiveDate,
        settled_until: NaiveDate,
    ) -> Result<(BTreeMap<String, i64>, BTreeMap<String, i64>), Error> {
        let rows = sqlx::query(
            "SELECT figure, CAST(SUM(n) AS BIGINT) AS n, \
               CAST(SUM(CASE WHEN day <= $5 THEN n ELSE 0 END) AS BIGINT) AS settled \
             FROM complaint_figures \
             WHERE division_code >= $1 AND division_code < $2 AND day >= $3 AND day <= $4 \
             GROUP BY figure",
        )
        .bind(low.to_owned())
        .bind(high.to_owned())
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(settled_until.to_string())
        .fetch_all(self.db.pool())
        .await?;
        let (mut all, mut settled) = (BTreeMap::new(), BTreeMap::new());
        for r in &rows {
            let figure: String = r.try_get("figure")?;
            settled.insert(figure.clone(), r.try_get::<i64, _>("settled")?);
            all.insert(figure, r.try_get::<i64, _>("n")?);
        }
        Ok((all, settled))
    }
}
