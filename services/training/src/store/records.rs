//! Training sessions, exams and outreach events, and the lists they export.

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode, Error,
    db::{self},
};
use sqlx::{Row, any::AnyRow};

use super::{Store, corrupt, date};
use crate::domain::{Audience, Exam, ExamKind, Outreach, Session, Sitting, TrainingKind};

impl Store {
    /// Records a session with its attendance, all or nothing.
    pub async fn insert_session(&self, s: &Session) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO training_sessions (id, division_code, topic, kind, held_on) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s.id.clone())
        .bind(s.division.to_string())
        .bind(s.topic.clone())
        .bind(s.kind.code())
        .bind(s.held_on.to_string())
        .execute(&mut *tx)
        .await?;
        for (person, hours) in &s.attendance {
            sqlx::query(
                "INSERT INTO attendance (session_id, person_id, held_on, hours_tenths) VALUES ($1, $2, $3, $4)",
            )
            .bind(s.id.clone())
            .bind(person.clone())
            .bind(s.held_on.to_string())
            .bind(*hours)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Sessions of `scope` held from `from` to `to` (days inclusive), of
    /// `kind` when given, by id, `limit` at most after `after`; each with its
    /// attendance.
    pub async fn sessions(
        &self,
        scope: &DivisionCode,
        (from, to): (NaiveDate, NaiveDate),
        kind: Option<TrainingKind>,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Session>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT id, division_code, topic, kind, held_on FROM training_sessions \
             WHERE division_code >= $1 AND division_code < $2 AND held_on >= $3 AND held_on <= $4 \
               AND ($5 = '' OR kind = $5) AND id > $6 ORDER BY id LIMIT $7",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(kind.map_or("", TrainingKind::code).to_owned())
        .bind(after.to_owned())
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        // The page's attendance in one query.
        let ids: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()?;
        let mut attendance: std::collections::HashMap<String, Vec<(String, i64)>> =
            std::collections::HashMap::new();
        let children = "session_id, person_id, hours_tenths";
        for (session, person, hours) in
            rows_for::<(String, String, i64)>(&self.db, children, "attendance", "session_id", &ids)
                .await?
        {
            attendance.entry(session).or_default().push((person, hours));
        }
        let mut sessions = Vec::with_capacity(rows.len());
        for (r, id) in rows.iter().zip(ids) {
            let (division, kind, held_on): (String, String, String) = (
                r.try_get("division_code")?,
                r.try_get("kind")?,
                r.try_get("held_on")?,
            );
            sessions.push(Session {
                attendance: attendance.remove(&id).unwrap_or_default(),
                id,
                division: DivisionCode::parse(&division)
                    .map_err(|_| corrupt("division", &division))?,
                topic: r.try_get("topic")?,
                kind: TrainingKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
                held_on: date(&held_on)?,
            });
        }
        Ok(sessions)
    }

    /// Exams of `scope` held from `from` to `to` (days inclusive), of `kind`
    /// when given, by id, `limit` at most after `after`; each with its results.
    pub async fn exams(
        &self,
        scope: &DivisionCode,
        (from, to): (NaiveDate, NaiveDate),
        kind: Option<ExamKind>,
        after: &str,
        limit: i64,
    ) -> Result<Vec<Exam>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT id, division_code, kind, title, held_on, pass_mark, excellent_mark FROM exams \
             WHERE division_code >= $1 AND division_code < $2 AND held_on >= $3 AND held_on <= $4 \
               AND ($5 = '' OR kind = $5) AND id > $6 ORDER BY id LIMIT $7",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(kind.map_or("", ExamKind::code).to_owned())
        .bind(after.to_owned())
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        let ids: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<Result<_, _>>()?;
        let mut results: std::collections::HashMap<String, Vec<(String, Option<i64>)>> =
            std::collections::HashMap::new();
        let children = "exam_id, person_id, score";
        for (exam, person, score) in rows_for::<(String, String, Option<i64>)>(
            &self.db,
            children,
            "exam_results",
            "exam_id",
            &ids,
        )
        .await?
        {
            results.entry(exam).or_default().push((person, score));
        }
        let mut exams = Vec::with_capacity(rows.len());
        for (r, id) in rows.iter().zip(ids) {
            let (division, kind, held_on): (String, String, String) = (
                r.try_get("division_code")?,
                r.try_get("kind")?,
                r.try_get("held_on")?,
            );
            exams.push(Exam {
                results: results.remove(&id).unwrap_or_default(),
                id,
                division: DivisionCode::parse(&division)
                    .map_err(|_| corrupt("division", &division))?,
                kind: ExamKind::from_code(&kind).ok_or_else(|| corrupt("kind", &kind))?,
                title: r.try_get("title")?,
                held_on: date(&held_on)?,
                pass_mark: r.try_get("pass_mark")?,
                excellent_mark: r.try_get("excellent_mark")?,
            });
        }
        Ok(exams)
    }

    /// Outreach events of `scope` held from `from` to `to` (days
    /// inclusive), by id, `limit` at most after `after`.
    pub async fn outreach(
        &self,
        scope: &DivisionCode,
        (from, to): (NaiveDate, NaiveDate),
        after: &str,
        limit: i64,
    ) -> Result<Vec<Outreach>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT id, division_code, held_on, theme, audience, materials, people_reached FROM outreach_events \
             WHERE division_code >= $1 AND division_code < $2 AND held_on >= $3 AND held_on <= $4 \
               AND id > $5 ORDER BY id LIMIT $6",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(after.to_owned())
        .bind(limit)
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let (division, held_on, audience): (String, String, String) = (
                    r.try_get("division_code")?,
                    r.try_get("held_on")?,
                    r.try_get("audience")?,
                );
                Ok(Outreach {
                    id: r.try_get("id")?,
                    division: DivisionCode::parse(&division)
                        .map_err(|_| corrupt("division", &division))?,
                    held_on: date(&held_on)?,
                    theme: r.try_get("theme")?,
                    audience: Audience::from_code(&audience)
                        .ok_or_else(|| corrupt("audience", &audience))?,
                    materials: r.try_get("materials")?,
                    people_reached: r.try_get("people_reached")?,
                })
            })
            .collect()
    }

    /// Records an exam with its results, all or nothing.
    pub async fn insert_exam(&self, e: &Exam) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        sqlx::query(
            "INSERT INTO exams (id, division_code, kind, title, held_on, pass_mark, excellent_mark) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(e.id.clone())
        .bind(e.division.to_string())
        .bind(e.kind.code())
        .bind(e.title.clone())
        .bind(e.held_on.to_string())
        .bind(e.pass_mark)
        .bind(e.excellent_mark)
        .execute(&mut *tx)
        .await?;
        for (person, score) in &e.results {
            sqlx::query("INSERT INTO exam_results (exam_id, person_id, score) VALUES ($1, $2, $3)")
                .bind(e.id.clone())
                .bind(person.clone())
                .bind(*score)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Rows of the attendance list of `scope` in the period (dates inclusive):
    /// date, topic, kind, name, ID number, hours (tenths).
    pub async fn attendance_list(
        &self,
        scope: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, String, String, String, String, i64)>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT s.held_on, s.topic, s.kind, p.name, p.id_number, a.hours_tenths FROM attendance a \
             JOIN training_sessions s ON s.id = a.session_id JOIN people p ON p.id = a.person_id \
             WHERE s.division_code >= $1 AND s.division_code < $2 AND s.held_on >= $3 AND s.held_on <= $4 \
             ORDER BY s.held_on, s.id, p.id_number",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("held_on")?,
                    r.try_get("topic")?,
                    r.try_get("kind")?,
                    r.try_get("name")?,
                    r.try_get("id_number")?,
                    r.try_get("hours_tenths")?,
                ))
            })
            .collect()
    }

    /// Rows of the results list of `scope` in the period: date, title, kind,
    /// name, ID number, score (tenths, or absent).
    pub async fn results_list(
        &self,
        scope: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, String, String, String, String, Option<i64>)>, Error> {
        let (low, high) = db::division_range(Some(scope));
        let rows = sqlx::query(
            "SELECT e.held_on, e.title, e.kind, p.name, p.id_number, r.score FROM exam_results r \
             JOIN exams e ON e.id = r.exam_id JOIN people p ON p.id = r.person_id \
             WHERE e.division_code >= $1 AND e.division_code < $2 AND e.held_on >= $3 AND e.held_on <= $4 \
             ORDER BY e.held_on, e.id, p.id_number",
        )
        .bind(low)
        .bind(high)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("held_on")?,
                    r.try_get("title")?,
                    r.try_get("kind")?,
                    r.try_get("name")?,
                    r.try_get("id_number")?,
                    r.try_get("score")?,
                ))
            })
            .collect()
    }

    /// Every exam result of a person.
    pub async fn sittings(&self, person_id: &str) -> Result<Vec<Sitting>, Error> {
        let rows = sqlx::query(
            "SELECT e.kind, e.held_on, e.pass_mark, r.score FROM exam_results r JOIN exams e ON e.id = r.exam_id \
             WHERE r.person_id = $1 ORDER BY e.held_on",
        )
        .bind(person_id.to_owned())
        .fetch_all(self.db.pool())
        .await?;
        rows.iter().map(decode_sitting).collect()
    }

    /// Hours (tenths) a person attended in `year`.
    /// Hours (tenths) a person attended after `from` up to `to` (inclusive).
    /// Tenths of hours attended after `from` and up to and including `to`
    /// (a [`crate::domain::QualificationWindow`]'s bounds).
    pub async fn hours_between(
        &self,
        person_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, Error> {
        let total: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(SUM(hours_tenths) AS BIGINT) FROM attendance WHERE person_id = $1 AND held_on > $2 AND held_on <= $3",
        )
        .bind(person_id.to_owned())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_one(self.db.pool())
        .await?;
        Ok(total.unwrap_or(0))
    }

    pub async fn insert_outreach(&self, o: &Outreach) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO outreach_events (id, division_code, held_on, theme, audience, materials, people_reached) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(o.id.clone())
        .bind(o.division.to_string())
        .bind(o.held_on.to_string())
        .bind(o.theme.clone())
        .bind(o.audience.code())
        .bind(o.materials)
        .bind(o.people_reached)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }
}

pub(super) fn decode_sitting(r: &AnyRow) -> Result<Sitting, Error> {
    let kind: String = r.try_get("kind")?;
    Ok(Sitting {
        kind: ExamKind::from_code(&kind).ok_or_else(|| corrupt("exam kind", &kind))?,
        held_on: date(&r.try_get::<String, _>("held_on")?)?,
        score: r.try_get("score")?,
        pass_mark: r.try_get("pass_mark")?,
    })
}

/// The rows (`columns` of `table`) whose `key` is one of `ids`, ordered by
/// `key` and the second column: a page's children in one query per 500.
/// `columns`, `table` and `key` are the store's own constants.
async fn rows_for<T>(
    db: &fazhi_platform::db::Database,
    columns: &str,
    table: &str,
    key: &str,
    ids: &[String],
) -> Result<Vec<T>, Error>
where
    T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
{
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE {key} IN ({}) ORDER BY 1, 2",
            fazhi_platform::db::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id.clone());
        }
        found.extend(query.fetch_all(db.pool()).await?);
    }
    Ok(found)
}
