//! The cases whose deadlines are near or passed (预警), read earliest first
//! by the day each case's first deadline comes near (`watch_from`, kept
//! with every step), so the warnings read a page of the cases that matter
//! instead of every open case of the county.

use chrono::NaiveDate;
use fazhi_platform::{DivisionCode, Error, db};
use sha2::Digest;
use sqlx::Row;

use super::cases::{COLUMNS, decode};
use super::{Store, date};
use crate::domain::{self, Case, CaseRules, CaseStatus};

/// Cases recomputed per statement when the rules or calendar change.
const PAGE: i64 = 1_000;

/// Where a page of watched cases ends: the next page starts after it.
type WatchMark = (NaiveDate, String);

/// Cases one answer reads at most, and how many each statement reads.
const MOST_CASES: usize = 10_000;
const WATCH_PAGE: i64 = 500;

/// The statuses of a case under way ([`CaseStatus::UNDER_WAY`]), quoted
/// for an `IN (…)` list.
fn under_way() -> String {
    CaseStatus::UNDER_WAY
        .iter()
        .map(|s| format!("'{}'", s.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The deadlines of `scope`'s cases near or passed `today` (each with
    /// its case), the earliest due first, at most `most` of them, and
    /// whether there were more. Cases are read by the day their first
    /// deadline comes near, a page at a time, until no case left can hold
    /// a deadline earlier than the last one kept: every case after that is
    /// watched from a later day, and each of its deadlines falls on or
    /// after it.
    pub async fn near_deadlines(
        &self,
        scope: &DivisionCode,
        today: NaiveDate,
        rules: &CaseRules,
        most: usize,
    ) -> Result<(Vec<(Case, domain::Deadline)>, bool), Error> {
        let mut near: Vec<(Case, domain::Deadline)> = Vec::new();
        let (mut after, mut read, mut more) = (None, 0, false);
        loop {
            let page = self
                .watched_page(scope, today, after.as_ref(), WATCH_PAGE)
                .await?;
            let Some((last, _, last_from)) = page.last() else {
                break;
            };
            let mark = (*last_from, last.id.clone());
            let full = page.len() as i64 == WATCH_PAGE;
            read += page.len();
            for (case, published, _) in page {
                for d in domain::deadlines(&case, published, rules, &self.calendar, today) {
                    let until = today + chrono::Days::new(d.near_days);
                    if fazhi_platform::warning::level(d.due_on, today, until).is_some() {
                        near.push((case.clone(), d));
                    }
                }
            }
            near.sort_by(|a, b| (a.1.due_on, &a.0.id).cmp(&(b.1.due_on, &b.0.id)));
            if !full {
                break;
            }
            // Once the next case is watched from after the last due kept,
            // none left can come before it.
            if near.len() > most && mark.0 > near[most].1.due_on {
                more = true;
                break;
            }
            if read >= MOST_CASES {
                more = true;
                break;
            }
            after = Some(mark);
        }
        more |= near.len() > most;
        near.truncate(most);
        Ok((near, more))
    }

    /// Up to `limit` cases of `scope` whose first deadline is near by
    /// `today`, by that day and then id, after `after`; each with whether its
    /// decision is published and the day it is watched from.
    async fn watched_page(
        &self,
        scope: &DivisionCode,
        today: NaiveDate,
        after: Option<&WatchMark>,
        limit: i64,
    ) -> Result<Vec<(Case, bool, NaiveDate)>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let (after_day, after_id) = after
            .map(|(day, id)| (day.to_string(), id.clone()))
            .unwrap_or_default();
        let sql = format!(
            "SELECT {COLUMNS}, watch_from, CAST(CASE WHEN EXISTS (SELECT 1 FROM publications p \
             WHERE p.case_id = cases.id) THEN 1 ELSE 0 END AS BIGINT) AS published \
             FROM cases WHERE watch_from IS NOT NULL AND watch_from <= $1 \
             AND (watch_from > $2 OR (watch_from = $2 AND id > $3)) \
             AND division_code >= $4 AND division_code < $5 \
             AND status IN ({}) ORDER BY watch_from, id LIMIT $6",
            under_way()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(today.to_string())
            .bind(after_day)
            .bind(after_id)
            .bind(low)
            .bind(high)
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let published: i64 = row.try_get("published")?;
                let from: String = row.try_get("watch_from")?;
                Ok((decode(row)?, published != 0, date(&from)?))
            })
            .collect()
    }

    /// Recomputes every open case's `watch_from` once under `rules` and the
    /// store's calendar (the first start after either changed, or after the
    /// column was added); `None` when it was done under them before.
    pub async fn rewatch_once(&self, rules: &CaseRules) -> Result<Option<usize>, Error> {
        let basis = self.watch_basis(rules)?;
        let Some(mut tx) = db::claim_once(self.db.pool(), "case_watch_basis", &basis).await? else {
            return Ok(None);
        };
        let (mut after, mut counted) = (String::new(), 0);
        loop {
            let sql = format!(
                "SELECT {COLUMNS} FROM cases WHERE id > $1 \
                 AND status IN ({}) ORDER BY id LIMIT $2",
                under_way()
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(after.clone())
                .bind(PAGE)
                .fetch_all(&mut *tx)
                .await?;
            for row in &rows {
                let case = decode(row)?;
                let from = domain::watch_from(&case, rules, &self.calendar);
                sqlx::query("UPDATE cases SET watch_from = $1 WHERE id = $2")
                    .bind(from.map(|d| d.to_string()))
                    .bind(case.id.clone())
                    .execute(&mut *tx)
                    .await?;
                after = case.id;
                counted += 1;
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        tx.commit().await?;
        Ok(Some(counted))
    }

    /// What the watch days are computed under: the rules and every working
    /// day of the years the calendar knows, hashed.
    fn watch_basis(&self, rules: &CaseRules) -> Result<String, Error> {
        let rules = serde_json::to_string(rules).map_err(Error::internal)?;
        let mut hash = sha2::Sha256::new();
        hash.update(b"watch_v1\0");
        hash.update(rules.as_bytes());
        for year in self.calendar.years() {
            hash.update(year.to_le_bytes());
            let (Some(first), Some(last)) = (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) else {
                continue;
            };
            for day in first.iter_days().take_while(|d| *d <= last) {
                hash.update([u8::from(self.calendar.is_working_day(day))]);
            }
        }
        Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}
