//! A division's case figures for a period, each counted by the day of its
//! own step (a lead by when it came in, a filing by its filing day, a
//! decision by its decision day, …), never by a case's status today.

use chrono::NaiveDate;
use fazhi_platform::{DivisionCode, Error, db, time};

use super::Store;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseFigures {
    /// Leads that came in during the period.
    pub leads: i64,
    /// Filed under the general procedure (the simple procedure is apart).
    pub filed: i64,
    /// Decided under the general procedure, of every kind; the rates and
    /// averages below are over these.
    pub decided: i64,
    /// Of the decided: penalties (作出行政处罚决定), no penalty (incl. 首违不罚),
    /// dismissed (违法事实不能成立) and transferred (移送).
    pub penalty_decisions: i64,
    pub no_penalty_decisions: i64,
    pub dismissed: i64,
    pub transferred: i64,
    /// Decided on the spot under the simple procedure (当场处罚).
    pub simple_decisions: i64,
    /// Decided within the decision period from filing.
    pub decided_on_time: i64,
    pub closed: i64,
    /// Decisions that needed legal review, and those with an approving one.
    pub review_required: i64,
    pub reviewed: i64,
    /// Decisions that needed collective discussion, and those discussed.
    pub discussion_required: i64,
    pub discussed: i64,
    /// Of the decided: cases with a step that needs an audio or video
    /// record (a hearing, a seizure, a forced demolition, service by leaving
    /// it), and of those the cases that have one.
    pub recording_required: i64,
    pub recorded: i64,
    pub published: i64,
    pub published_on_time: i64,
    /// Average days from discovery to filing, and from filing to decision.
    pub avg_days_to_filing: f64,
    pub avg_days_to_decision: f64,
    pub fines_imposed_fen: i64,
    pub fines_collected_fen: i64,
    pub late_charges_fen: i64,
    /// Officer actions refused because an officer was not certified.
    pub certification_refusals: i64,
    /// Leads declined (不予立案) and cases terminated (终止) in the period.
    pub not_filed: i64,
    pub terminated: i64,
}

/// The general procedure's decisions of a period, as one row: count, on
/// time, review and discussion (required, done), recording (required,
/// done), average days, fines, and the count of each kind.
type Decided = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<f64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

impl Store {
    /// The figures of `division` (and below) for the days `from` to `to`
    /// (inclusive, China time); leads by the instants of the same days.
    pub async fn figures(
        &self,
        division: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CaseFigures, Error> {
        let (low, high) = db::division_range(Some(division));
        let (first, last) = (from.to_string(), to.to_string());
        let start = time::to_micros(time::start_of_china_day(from));
        let end = to.succ_opt().map_or(i64::MAX, |next| {
            time::to_micros(time::start_of_china_day(next))
        });
        let pool = self.db.pool();
        let leads = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM cases WHERE division_code >= $1 AND division_code < $2 AND lead_at >= $3 AND lead_at < $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(start)
        .bind(end)
        .fetch_one(pool);
        let closed = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM cases WHERE division_code >= $1 AND division_code < $2 AND closed_at >= $3 AND closed_at < $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(start)
        .bind(end)
        .fetch_one(pool);
        let filed = sqlx::query_as::<_, (i64, Option<f64>)>(
            "SELECT COUNT(*), CAST(AVG(days_to_filing) AS DOUBLE PRECISION) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND filed_on >= $3 AND filed_on <= $4 AND simple = 0",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(first.clone())
        .bind(last.clone())
        .fetch_one(pool);
        let decided = sqlx::query_as::<_, Decided>(
            "SELECT COUNT(*), CAST(SUM(decided_on_time) AS BIGINT), CAST(SUM(review_required) AS BIGINT), \
               CAST(SUM(review_required * review_approved) AS BIGINT), CAST(SUM(discussion_required) AS BIGINT), \
               CAST(SUM(discussion_required * discussed) AS BIGINT), \
               CAST(SUM(needs_recording) AS BIGINT), \
               CAST(SUM(CASE WHEN needs_recording = 1 AND av.case_id IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(AVG(days_to_decision) AS DOUBLE PRECISION), CAST(SUM(fine_fen) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind = 'penalty' THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind IN ('no_penalty', 'first_violation') THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind = 'dismissed' THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind = 'transferred' THEN 1 ELSE 0 END) AS BIGINT) FROM cases \
             LEFT JOIN (SELECT DISTINCT case_id FROM case_records WHERE kind IN ('audio', 'video')) av \
               ON av.case_id = cases.id \
             WHERE division_code >= $1 AND division_code < $2 AND decided_on >= $3 AND decided_on <= $4 AND simple = 0",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(first.clone())
        .bind(last.clone())
        .fetch_one(pool);
        let simple = sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT COUNT(*), CAST(SUM(fine_fen) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND decided_on >= $3 AND decided_on <= $4 AND simple = 1",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(first.clone())
        .bind(last.clone())
        .fetch_one(pool);
        let paid = sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT CAST(SUM(paid_fen) AS BIGINT), CAST(SUM(late_charge_fen) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND paid_on >= $3 AND paid_on <= $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(first.clone())
        .bind(last.clone())
        .fetch_one(pool);
        let published = sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT COUNT(*), CAST(SUM(on_time) AS BIGINT) FROM publications \
             WHERE division_code >= $1 AND division_code < $2 AND published_on >= $3 AND published_on <= $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(first.clone())
        .bind(last.clone())
        .fetch_one(pool);
        let refusals = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM certification_refusals \
             WHERE division_code >= $1 AND division_code < $2 AND refused_on >= $3 AND refused_on <= $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(first.clone())
        .bind(last.clone())
        .fetch_one(pool);
        let ended = sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT CAST(SUM(CASE WHEN status = 'not_filed' THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN status = 'terminated' THEN 1 ELSE 0 END) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND ended_on >= $3 AND ended_on <= $4",
        )
        .bind(low.clone())
        .bind(high.clone())
        .bind(first.clone())
        .bind(last.clone())
        .fetch_one(pool);
        let (leads, closed, filed, decided, simple, paid, published, refusals, ended) = tokio::try_join!(
            leads, closed, filed, decided, simple, paid, published, refusals, ended
        )?;
        let n = |v: Option<i64>| v.unwrap_or(0);
        Ok(CaseFigures {
            leads,
            filed: filed.0,
            avg_days_to_filing: filed.1.unwrap_or(0.0),
            decided: decided.0,
            decided_on_time: n(decided.1),
            review_required: n(decided.2),
            reviewed: n(decided.3),
            discussion_required: n(decided.4),
            discussed: n(decided.5),
            recording_required: n(decided.6),
            recorded: n(decided.7),
            avg_days_to_decision: decided.8.unwrap_or(0.0),
            // Fines decided under either procedure.
            fines_imposed_fen: n(decided.9) + n(simple.1),
            penalty_decisions: n(decided.10),
            no_penalty_decisions: n(decided.11),
            dismissed: n(decided.12),
            transferred: n(decided.13),
            simple_decisions: simple.0,
            closed,
            fines_collected_fen: n(paid.0),
            late_charges_fen: n(paid.1),
            published: published.0,
            published_on_time: n(published.1),
            certification_refusals: refusals,
            not_filed: n(ended.0),
            terminated: n(ended.1),
        })
    }

    /// Records that `officers` were refused for `case` on `on`, each with
    /// the training service's reason.
    pub async fn insert_refusals(
        &self,
        case_id: &str,
        division: &DivisionCode,
        officers: &[(String, String)],
        on: NaiveDate,
    ) -> Result<(), Error> {
        let mut tx = self.db.pool().begin().await?;
        for (officer, reason) in officers {
            sqlx::query(
                "INSERT INTO certification_refusals (id, case_id, division_code, officer, reason, refused_on, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(case_id.to_owned())
            .bind(division.to_string())
            .bind(officer.clone())
            .bind(reason.clone())
            .bind(on.to_string())
            .bind(time::to_micros(self.clock.now()))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
