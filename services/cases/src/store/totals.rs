//! The case figures' running totals per division and day ([`domain::tally`]):
//! each step adds what it changes in its own transaction, so a period's
//! figures are sums over its days instead of scans of the cases. A store
//! whose totals were never kept (or kept by other rules) rebuilds them once
//! from the cases at start, under a marker a second process waits on.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode, Error,
    db::{self, Grouping},
    time,
};
use sqlx::{AnyConnection, Row};

use super::Store;
use crate::domain::{self, Case, Tally, Total};

/// The rules the totals are kept by: a new basis rebuilds them.
const BASIS: &str = "tally_v2";
/// Cases read per page while rebuilding.
const PAGE: i64 = 1_000;

/// Whether an audio or video record of the case is registered.
pub(super) async fn recorded(tx: &mut AnyConnection, case_id: &str) -> Result<bool, Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM case_records WHERE case_id = $1 AND kind IN ('audio', 'video') LIMIT 1",
    )
    .bind(case_id.to_owned())
    .fetch_optional(&mut *tx)
    .await?;
    Ok(found.is_some())
}

/// Adds `delta` to the division's totals.
pub(super) async fn add(
    tx: &mut AnyConnection,
    division: &DivisionCode,
    delta: &[Tally],
) -> Result<(), Error> {
    // In one order, so transactions adding to the same days never wait on
    // each other in a circle (PostgreSQL commits several at once).
    let mut delta = delta.to_vec();
    delta.sort_by_key(|(day, total, _)| (*day, total.code()));
    for (day, total, amount) in &delta {
        sqlx::query(
            "INSERT INTO case_totals (division_code, day, total, value) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (division_code, day, total) DO UPDATE SET value = case_totals.value + excluded.value",
        )
        .bind(division.to_string())
        .bind(day.to_string())
        .bind(total.code())
        .bind(*amount)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Moves the totals by what the step from `before` to `after` changes.
pub(super) async fn step(tx: &mut AnyConnection, before: &Case, after: &Case) -> Result<(), Error> {
    let on_record = recorded(tx, &after.id).await?;
    let delta = domain::delta(
        &domain::tallies(before, on_record),
        &domain::tallies(after, on_record),
    );
    add(tx, &after.division, &delta).await
}

impl Store {
    /// The totals of `division` (and below) summed over the days `from` to
    /// `to`, inclusive, per group of divisions.
    pub(super) async fn sum_totals(
        &self,
        division: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, HashMap<Total, i64>>, Error> {
        let (low, high) = db::division_range(Some(division));
        let key = grouping.key("division_code");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {key} AS grp, total, CAST(SUM(value) AS BIGINT) AS value FROM case_totals \
             WHERE division_code >= $1 AND division_code < $2 AND day >= $3 AND day <= $4 \
             GROUP BY {key}, total"
        )))
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.db.pool())
        .await?;
        let mut groups: BTreeMap<String, HashMap<Total, i64>> = BTreeMap::new();
        for row in rows {
            let code: String = row.try_get("total")?;
            if let Some(total) = Total::from_code(&code) {
                groups
                    .entry(row.try_get("grp")?)
                    .or_default()
                    .insert(total, row.try_get::<i64, _>("value")?);
            }
        }
        Ok(groups)
    }

    /// Drops every total and the marker, as a store from before them had:
    /// for the test that the rebuild restores them.
    #[doc(hidden)]
    pub async fn forget_totals(&self) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query("DELETE FROM case_totals")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM case_totals_basis")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rebuilds every total from the cases unless they are kept by today's
    /// rules already; the cases counted, or `None`.
    pub async fn rebuild_totals_once(&self) -> Result<Option<usize>, Error> {
        let Some(mut tx) = db::claim_once(self.db.pool(), "case_totals_basis", BASIS).await? else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM case_totals")
            .execute(&mut *tx)
            .await?;
        let mut sums: HashMap<(String, NaiveDate, Total), i64> = HashMap::new();
        let (mut after, mut counted) = (String::new(), 0);
        loop {
            let sql = format!(
                "SELECT {}, lead_at, EXISTS (SELECT 1 FROM case_records r WHERE r.case_id = cases.id \
                   AND r.kind IN ('audio', 'video')) AS on_record \
                 FROM cases WHERE id > $1 ORDER BY id LIMIT $2",
                super::cases::COLUMNS
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(after.clone())
                .bind(PAGE)
                .fetch_all(&mut *tx)
                .await?;
            for row in &rows {
                let case = super::cases::decode(row)?;
                let on_record = match row.try_get::<bool, _>("on_record") {
                    Ok(b) => b,
                    Err(_) => row.try_get::<i64, _>("on_record")? != 0,
                };
                let lead = time::china_date(time::from_micros(row.try_get("lead_at")?));
                let tallies = domain::tallies(&case, on_record);
                for (day, total, amount) in std::iter::once((lead, Total::Leads, 1)).chain(tallies)
                {
                    *sums
                        .entry((case.division.to_string(), day, total))
                        .or_default() += amount;
                }
                after = case.id;
                counted += 1;
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        for ((division, day, total), value) in sums {
            sqlx::query(
                "INSERT INTO case_totals (division_code, day, total, value) VALUES ($1, $2, $3, $4)",
            )
            .bind(division)
            .bind(day.to_string())
            .bind(total.code())
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(counted))
    }
}
