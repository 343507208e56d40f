//! What the training warnings (预警) read: certificates running out, and
//! officers in an enforcement post short of the year's hours.

use chrono::NaiveDate;
use fazhi_platform::{DivisionCode, Error, db};

use super::Store;

/// A certificate in force whose last valid day is near or passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiring {
    pub id: String,
    pub number: String,
    pub valid_until: String,
    pub division_code: String,
}

/// An officer in an enforcement post with fewer hours than required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortOfHours {
    pub person_id: String,
    pub name: String,
    pub division_code: String,
    pub hours_tenths: i64,
}

impl Store {
    /// Certificates of people in `scope`, active or suspended, valid until
    /// `until` at the latest, the soonest first.
    pub async fn expiring_certificates(
        &self,
        scope: &DivisionCode,
        until: NaiveDate,
        limit: i64,
    ) -> Result<Vec<Expiring>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT c.id, c.number, c.valid_until, p.division_code FROM certificates c \
             JOIN people p ON p.id = c.person_id \
             WHERE p.division_code >= $1 AND p.division_code < $2 \
             AND c.status IN ('active', 'suspended') AND c.valid_until <= $3 \
             ORDER BY c.valid_until, c.id LIMIT $4",
        )
        .bind(low)
        .bind(high)
        .bind(until.to_string())
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, number, valid_until, division_code)| Expiring {
                id,
                number,
                valid_until,
                division_code,
            })
            .collect())
    }

    /// People in `scope` now in an enforcement post whose hours attended
    /// in `[from, to]` are below `required_tenths`, by id.
    pub async fn short_of_hours(
        &self,
        scope: &DivisionCode,
        (from, to): (NaiveDate, NaiveDate),
        required_tenths: i64,
        limit: i64,
    ) -> Result<Vec<ShortOfHours>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query_as::<_, (String, String, String, i64)>(
            "SELECT p.id, p.name, p.division_code, CAST(COALESCE(h.hours, 0) AS BIGINT) FROM people p \
             LEFT JOIN (SELECT person_id, SUM(hours_tenths) AS hours FROM attendance \
               WHERE held_on >= $3 AND held_on <= $4 GROUP BY person_id) h ON h.person_id = p.id \
             WHERE p.division_code >= $1 AND p.division_code < $2 AND p.enforcement_post = 1 \
             AND COALESCE(h.hours, 0) < $5 ORDER BY p.id LIMIT $6",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(required_tenths)
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(person_id, name, division_code, hours_tenths)| ShortOfHours {
                    person_id,
                    name,
                    division_code,
                    hours_tenths,
                },
            )
            .collect())
    }
}
