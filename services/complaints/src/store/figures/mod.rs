//! Running totals per division, China calendar day and figure, kept in the
//! same transaction as the intake or step they count — so a period's
//! figures are a sum over its days, never a scan of its complaints. Which
//! step counts toward which figure, on which day, is the domain's
//! (`domain::figures`). Each total is also added to its month's roll-up,
//! so a period's whole months are a row each (`months`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_platform::{Error, db::Grouping};
use sqlx::{AnyConnection, Row};

use super::Store;
use crate::domain::figures::{self, Count};

mod months;
use crate::domain::{Complaint, Step};

/// (division, day, figure) → amount to add; and what the amounts rest on
/// that only the transaction can read (the duplicates merged into a
/// complaint, the original a duplicate is merged into as it was read).
#[derive(Debug, Default)]
pub struct Bumps {
    totals: BTreeMap<(String, NaiveDate, String), i64>,
    /// A step on an original whose figures reach its merged duplicates.
    original: Option<Box<OriginalStep>>,
    /// The original a duplicate was merged into, as read: (id, version).
    merged_into: Option<(String, i64)>,
}

#[derive(Debug)]
struct OriginalStep {
    before: Complaint,
    after: Complaint,
    step: Step,
    at: DateTime<Utc>,
}

impl Bumps {
    fn take(&mut self, counts: Vec<Count>, sign: i64) {
        for c in counts {
            *self
                .totals
                .entry((c.division.as_str().to_owned(), c.day, c.figure.key()))
                .or_default() += sign * c.n;
        }
    }

    /// Adds counts made elsewhere (a ledger's complaints, built whole).
    pub fn add(&mut self, counts: Vec<Count>) {
        self.take(counts, 1);
    }

    /// What a new complaint adds ([`figures::on_intake`]).
    pub fn received(&mut self, c: &Complaint) {
        self.take(figures::on_intake(c), 1);
    }

    /// Takes back what [`Bumps::received`] added for `c` (a pushed ticket
    /// replaced by its update).
    pub fn withdrawn(&mut self, c: &Complaint) {
        self.take(figures::on_intake(c), -1);
    }

    /// What a workflow step adds ([`figures::on_step`]).
    /// A step on an original also counts for the duplicates merged into it,
    /// found in the step's own transaction ([`figures::with_original`]).
    pub fn step(&mut self, before: &Complaint, after: &Complaint, step: &Step, at: DateTime<Utc>) {
        self.take(figures::on_step(before, after, step, at), 1);
        if figures::reaches_duplicates(before, step) {
            self.original = Some(Box::new(OriginalStep {
                before: before.clone(),
                after: after.clone(),
                step: step.clone(),
                at,
            }));
        }
    }

    /// A duplicate merged into `original` as read: counted with it
    /// ([`figures::on_merge`]), written only while the original is
    /// unchanged.
    pub fn merged(&mut self, before: &Complaint, duplicate: &Complaint, original: &Complaint) {
        self.take(figures::on_merge(before, duplicate, original), 1);
        self.merged_into = Some((original.id.clone(), original.version));
    }

    /// Adds these amounts to the running totals on `conn` (inside the
    /// caller's transaction), one statement per total.
    pub async fn write(mut self, conn: &mut AnyConnection) -> Result<(), Error> {
        if let Some((id, version)) = self.merged_into.take() {
            // Takes the original's row lock: its own step waits, or this
            // merge is refused as stale and read again.
            let unchanged = sqlx::query(
                "UPDATE complaints SET version = version WHERE id = $1 AND version = $2",
            )
            .bind(id)
            .bind(version)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if unchanged == 0 {
                return Err(super::workflow::stale());
            }
        }
        if let Some(o) = self.original.take() {
            let rows = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                " FROM complaints WHERE duplicate_of = $1"
            ))
            .bind(o.before.id.clone())
            .fetch_all(&mut *conn)
            .await?;
            for row in &rows {
                let duplicate = super::decode(row)?;
                let counts = figures::with_original(&duplicate, &o.before, &o.after, &o.step, o.at);
                self.take(counts, 1);
            }
        }
        Ok(self.write_totals(conn).await?)
    }

    /// Adds the amounts alone, one statement per total, and each to its
    /// month's roll-up.
    pub async fn write_totals(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let mut monthly: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        for ((division, day, figure), n) in &self.totals {
            *monthly
                .entry((division.clone(), months::month_of(*day), figure.clone()))
                .or_default() += n;
        }
        let daily = self
            .totals
            .into_iter()
            .map(|((division, day, figure), n)| ("day", (division, day.to_string(), figure), n));
        let monthly = monthly.into_iter().map(|(key, n)| ("month", key, n));
        for (column, (division, period, figure), n) in daily.chain(monthly) {
            if n == 0 {
                continue;
            }
            let table = if column == "day" {
                "complaint_figures"
            } else {
                "complaint_figures_monthly"
            };
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO {table} (division_code, {column}, figure, n) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (division_code, {column}, figure) DO UPDATE SET n = {table}.n + excluded.n"
            )))
            .bind(division)
            .bind(period)
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
    ) -> Result<(Sums, Sums), Error> {
        let mut groups = self
            .figures_grouped(low, high, from, to, settled_until, Grouping::Whole)
            .await?;
        Ok(groups.remove("").unwrap_or_default())
    }

    /// [`Store::figures_settled`] for each group of divisions in
    /// `[low, high)` (every township at once), keyed by the group's code.
    pub async fn figures_grouped(
        &self,
        low: &str,
        high: &str,
        from: NaiveDate,
        to: NaiveDate,
        settled_until: NaiveDate,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, (Sums, Sums)>, Error> {
        let key = grouping.key("division_code");
        // Whole months from their roll-ups, the rest day by day ($1..$4 the
        // division range and the settled day and month, then each part's
        // bounds).
        let plan = months::plan(from, to, settled_until);
        let mut parts = Vec::new();
        let mut bounds = Vec::new();
        let days = plan.days.iter().map(|(first, last)| {
            (
                "complaint_figures",
                "day",
                "$3",
                first.to_string(),
                last.to_string(),
            )
        });
        let months = plan.months.iter().map(|(first, last)| {
            (
                "complaint_figures_monthly",
                "month",
                "$4",
                first.clone(),
                last.clone(),
            )
        });
        for (table, column, settled, first, last) in days.chain(months) {
            let n = 5 + bounds.len();
            parts.push(format!(
                "SELECT {key} AS grp, figure, n, CASE WHEN {column} <= {settled} THEN n ELSE 0 END AS settled \
                 FROM {table} \
                 WHERE division_code >= $1 AND division_code < $2 AND {column} >= ${n} AND {column} <= ${}",
                n + 1
            ));
            bounds.extend([first, last]);
        }
        if parts.is_empty() {
            return Ok(BTreeMap::new());
        }
        let sql = format!(
            "SELECT grp, figure, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(settled) AS BIGINT) AS settled \
             FROM ({}) parts GROUP BY grp, figure",
            parts.join(" UNION ALL ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low.to_owned())
            .bind(high.to_owned())
            .bind(settled_until.to_string())
            .bind(months::month_of(settled_until));
        for bound in bounds {
            query = query.bind(bound);
        }
        let rows = query.fetch_all(self.db.pool()).await?;
        let mut groups: BTreeMap<String, (Sums, Sums)> = BTreeMap::new();
        for r in &rows {
            let (all, settled) = groups.entry(r.try_get("grp")?).or_default();
            let figure: String = r.try_get("figure")?;
            settled.insert(figure.clone(), r.try_get::<i64, _>("settled")?);
            all.insert(figure, r.try_get::<i64, _>("n")?);
        }
        Ok(groups)
    }
}

/// Each figure's sum.
pub type Sums = BTreeMap<String, i64>;
