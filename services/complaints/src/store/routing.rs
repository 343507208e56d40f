//! Routing lists: every version kept; the latest of the nearest division
//! holding one routes a request.

use fazhi_platform::{DivisionCode, Error, time};
use sqlx::{Row, any::AnyRow};

use super::Store;
use crate::domain::{Route, RoutingList};

fn decode(row: &AnyRow) -> Result<RoutingList, Error> {
    let division: String = row.try_get("division_code")?;
    let routes: String = row.try_get("routes")?;
    Ok(RoutingList {
        division: DivisionCode::parse(&division)
            .map_err(|_| Error::internal(format!("stored routing division {division:?}")))?,
        version: row.try_get("version")?,
        routes: serde_json::from_str(&routes)
            .map_err(|_| Error::internal("a stored routing list is unreadable"))?,
    })
}

impl Store {
    /// The latest version of `division`'s own list.
    pub async fn routing_list(
        &self,
        division: &DivisionCode,
    ) -> Result<Option<RoutingList>, Error> {
        let row = sqlx::query(
            "SELECT division_code, version, routes FROM routing_lists WHERE division_code = $1 \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(division.as_str().to_owned())
        .fetch_optional(self.db.pool())
        .await?;
        row.as_ref().map(decode).transpose()
    }

    /// The list that routes requests about `place`: the latest version of
    /// the nearest division (the place itself, then up) that has one.
    pub async fn routing_for(&self, place: &DivisionCode) -> Result<Option<RoutingList>, Error> {
        let mut chain = vec![place.clone()];
        while let Some(parent) = chain.last().and_then(DivisionCode::parent) {
            chain.push(parent);
        }
        for division in &chain {
            if let Some(list) = self.routing_list(division).await? {
                return Ok(Some(list));
            }
        }
        Ok(None)
    }

    /// Records `routes` as the next version of `division`'s list, if the
    /// latest is still `expected` (0 for none yet); ABORTED otherwise.
    pub async fn put_routing_list(
        &self,
        division: &DivisionCode,
        expected: i64,
        routes: &[Route],
        actor: &str,
    ) -> Result<RoutingList, Error> {
        let json = serde_json::to_string(routes).map_err(Error::internal)?;
        // One statement: the next version is written only while the latest
        // is still `expected` (a read first, then a write, would let two
        // editors race past each other).
        let inserted = sqlx::query(
            "INSERT INTO routing_lists (division_code, version, routes, created_by, created_at) \
             SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM routing_lists \
             WHERE division_code = $1 HAVING COALESCE(MAX(version), 0) = $5",
        )
        .bind(division.as_str().to_owned())
        .bind(json)
        .bind(actor.to_owned())
        .bind(time::to_micros(self.clock.now()))
        .bind(expected)
        .execute(self.db.pool())
        .await;
        let written = match inserted {
            Ok(done) => done.rows_affected() == 1,
            Err(err) if fazhi_platform::db::is_unique_violation(&err) => false,
            Err(err) => return Err(err.into()),
        };
        if !written {
            let current = self.routing_list(division).await?.map_or(0, |l| l.version);
            return Err(Error::stale_version("routing list", current, expected));
        }
        let current = expected;
        Ok(RoutingList {
            division: division.clone(),
            version: current + 1,
            routes: routes.to_vec(),
        })
    }
}
