//! Cases and their hash-chained history.

use fazhi_platform::category::EnforcementCategory;
use fazhi_platform::{DivisionCode, Error, db};
use sqlx::{AnyConnection, Row, any::AnyRow};

use super::{Store, corrupt, date};
use crate::domain::{Case, CaseSource, CaseStatus, Event, Party, PartyKind};

pub(super) const COLUMNS: &str = "id, division_code, status, version, source, complaint_id, party_kind, party_name, \
     party_id_number, party_address, facts, act_on, continuing, act_ended_on, serious_harm, discovered_on, \
     power_item_code, category, officers, filed_on, proceedings";

/// The lead a complaint became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadOfComplaint {
    pub complaint_id: String,
    pub case_id: String,
    pub division: DivisionCode,
}

/// What a step records beside the case's new state.
pub struct Step<'a> {
    pub actor: &'a str,
    pub kind: &'a str,
    /// Canonical JSON of what the step recorded.
    pub detail: String,
}

impl Store {
    pub async fn case(&self, id: &str) -> Result<Option<Case>, Error> {
        self.case_where("id", id).await
    }

    pub(super) async fn case_where(
        &self,
        column: &str,
        value: &str,
    ) -> Result<Option<Case>, Error> {
        let key = if column == "complaint_id" {
            "complaint_id"
        } else {
            "id"
        };
        let sql = format!("SELECT {COLUMNS} FROM cases WHERE {key} = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value.to_owned())
            .fetch_optional(self.db.pool())
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// Cases of `scope` (with `status` when given), by id, `limit` at most
    /// after `after`.
    pub async fn list_cases(
        &self,
        scope: &DivisionCode,
        status: Option<CaseStatus>,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Case>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let sql = format!(
            "SELECT {COLUMNS} FROM cases WHERE division_code >= $1 AND division_code < $2 \
             AND ($3 = '' OR status = $3) AND id > $4 ORDER BY id LIMIT $5"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(low)
            .bind(high)
            .bind(status.map_or("", CaseStatus::code).to_owned())
            .bind(after.to_owned())
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(decode).collect()
    }

    /// The leads (cases begun as leads) `complaints` became, of those that
    /// have one here.
    pub async fn leads_of_complaints(
        &self,
        complaints: &[String],
    ) -> Result<Vec<LeadOfComplaint>, Error> {
        let mut leads = Vec::new();
        // Bounded batches keep each statement's parameters well under the limits.
        for batch in complaints.chunks(500) {
            let sql = format!(
                "SELECT complaint_id, id, division_code FROM cases WHERE complaint_id IN ({})",
                db::placeholders(1, batch.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for id in batch {
                query = query.bind(id.clone());
            }
            for row in query.fetch_all(self.db.pool()).await? {
                let division: String = row.try_get("division_code")?;
                leads.push(LeadOfComplaint {
                    complaint_id: row.try_get("complaint_id")?,
                    case_id: row.try_get("id")?,
                    division: DivisionCode::parse(&division)
                        .map_err(|_| corrupt("division_code", &division))?,
                });
            }
        }
        Ok(leads)
    }

    /// Whether `reviewer` has reviewed a case other than `case_id` before.
    pub async fn has_reviewed(&self, reviewer: &str, case_id: &str) -> Result<bool, Error> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE reviewer = $1 AND id <> $2")
                .bind(reviewer.to_owned())
                .bind(case_id.to_owned())
                .fetch_one(self.db.pool())
                .await?;
        Ok(n > 0)
    }

    /// Penalty decisions on record against the party `id_number` other than
    /// in `case_id` (its prior violations, for 首违不罚).
    pub async fn prior_penalties(&self, id_number: &str, case_id: &str) -> Result<i64, Error> {
        if id_number.is_empty() {
            return Ok(0);
        }
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases WHERE party_id_number = $1 AND id <> $2 AND decision_kind = 'penalty'",
        )
        .bind(id_number.to_owned())
        .bind(case_id.to_owned())
        .fetch_one(self.db.pool())
        .await?)
    }

    /// Seals every case history whose last event was hashed before the
    /// chain was keyed and that has no seal yet; how many were sealed.
    pub async fn seal_unkeyed_histories(&self) -> Result<usize, Error> {
        let rows = sqlx::query(
            "SELECT case_id, seq, at, actor, kind, from_status, to_status, detail, prev_hash, hash \
             FROM case_events e \
             WHERE seq = (SELECT MAX(seq) FROM case_events l WHERE l.case_id = e.case_id) \
               AND hash NOT LIKE 'hmac-sha256:%' \
               AND NOT EXISTS (SELECT 1 FROM case_history_seals s WHERE s.case_id = e.case_id)",
        )
        .fetch_all(self.db.pool())
        .await?;
        let mut sealed = 0;
        for row in &rows {
            let last = decode_event(row)?;
            let seal = crate::domain::Seal::over(&self.history_key, &last);
            sealed += sqlx::query(
                "INSERT INTO case_history_seals (case_id, seq, hash, seal) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (case_id) DO NOTHING",
            )
            .bind(seal.case_id)
            .bind(seal.seq)
            .bind(seal.hash)
            .bind(seal.seal)
            .execute(self.db.pool())
            .await?
            .rows_affected() as usize;
        }
        Ok(sealed)
    }

    /// The seal over a case's unkeyed history, if it has one.
    pub async fn history_seal(&self, case_id: &str) -> Result<Option<crate::domain::Seal>, Error> {
        let row = sqlx::query(
            "SELECT case_id, seq, hash, seal FROM case_history_seals WHERE case_id = $1",
        )
        .bind(case_id.to_owned())
        .fetch_optional(self.db.pool())
        .await?;
        row.map(|r| {
            Ok(crate::domain::Seal {
                case_id: r.try_get("case_id")?,
                seq: r.try_get("seq")?,
                hash: r.try_get("hash")?,
                seal: r.try_get("seal")?,
            })
        })
        .transpose()
    }

    /// The key the history is chained with.
    pub fn history_key(&self) -> &crate::domain::HistoryKey {
        &self.history_key
    }

    /// A case's history, oldest first.
    pub async fn events(&self, case_id: &str) -> Result<Vec<Event>, Error> {
        let rows = sqlx::query(
            "SELECT case_id, seq, at, actor, kind, from_status, to_status, detail, prev_hash, hash \
             FROM case_events WHERE case_id = $1 ORDER BY seq",
        )
        .bind(case_id.to_owned())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(decode_event).collect()
    }
}

/// Appends the step after the case's last event, chained to its hash.
pub(super) async fn append(
    tx: &mut AnyConnection,
    key: &crate::domain::HistoryKey,
    case: &Case,
    from: CaseStatus,
    step: Step<'_>,
    at: i64,
) -> Result<(), Error> {
    let last = sqlx::query(
        "SELECT case_id, seq, at, actor, kind, from_status, to_status, detail, prev_hash, hash \
         FROM case_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(case.id.clone())
    .fetch_optional(&mut *tx)
    .await?
    .as_ref()
    .map(decode_event)
    .transpose()?;
    let from = if last.is_none() { "" } else { from.code() };
    let event = Event::next(
        key,
        last.as_ref(),
        &case.id,
        at,
        step.actor,
        step.kind,
        from,
        case.status.code(),
        step.detail,
    );
    sqlx::query(
        "INSERT INTO case_events (case_id, seq, at, actor, kind, from_status, to_status, detail, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(event.case_id)
    .bind(event.seq)
    .bind(event.at)
    .bind(event.actor)
    .bind(event.kind)
    .bind(event.from_status)
    .bind(event.to_status)
    .bind(event.detail)
    .bind(event.prev_hash)
    .bind(event.hash)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn decode_event(r: &AnyRow) -> Result<Event, Error> {
    Ok(Event {
        case_id: r.try_get("case_id")?,
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        kind: r.try_get("kind")?,
        from_status: r.try_get("from_status")?,
        to_status: r.try_get("to_status")?,
        detail: r.try_get("detail")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

pub(super) fn decode(r: &AnyRow) -> Result<Case, Error> {
    let text = |column: &str| r.try_get::<String, _>(column);
    let division = text("division_code")?;
    let status = text("status")?;
    let source = text("source")?;
    let party_kind = text("party_kind")?;
    let category = text("category")?;
    let optional_day = |column: &str| -> Result<_, Error> {
        match text(column)?.as_str() {
            "" => Ok(None),
            day => Ok(Some(date(day)?)),
        }
    };
    Ok(Case {
        id: text("id")?,
        division: DivisionCode::parse(&division).map_err(|_| corrupt("division", &division))?,
        source: CaseSource::from_code(&source).ok_or_else(|| corrupt("source", &source))?,
        complaint_id: r.try_get("complaint_id")?,
        party: Party {
            kind: PartyKind::from_code(&party_kind)
                .ok_or_else(|| corrupt("party kind", &party_kind))?,
            name: text("party_name")?,
            id_number: text("party_id_number")?,
            address: text("party_address")?,
        },
        facts: text("facts")?,
        act_on: date(&text("act_on")?)?,
        continuing: r.try_get::<i64, _>("continuing")? != 0,
        act_ended_on: optional_day("act_ended_on")?,
        serious_harm: r.try_get::<i64, _>("serious_harm")? != 0,
        discovered_on: date(&text("discovered_on")?)?,
        power_item_code: Some(text("power_item_code")?).filter(|c| !c.is_empty()),
        category: match category.as_str() {
            "" => None,
            code => Some(
                EnforcementCategory::from_code(code).ok_or_else(|| corrupt("category", code))?,
            ),
        },
        officers: text("officers")?
            .split_ascii_whitespace()
            .map(str::to_owned)
            .collect(),
        filed_on: optional_day("filed_on")?,
        proceedings: {
            let text = text("proceedings")?;
            serde_json::from_str(&text).map_err(|_| corrupt("proceedings", &text))?
        },
        status: CaseStatus::from_code(&status).ok_or_else(|| corrupt("status", &status))?,
        version: r.try_get("version")?,
    })
}
