//! A division's case figures for a period, each counted by the day of its
//! own step (a lead by when it came in, a filing by its filing day, a
//! decision by its decision day, …), never by a case's status today.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode, Error,
    db::{self, Grouping},
    time,
};

use super::Store;
use crate::domain::Total;

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
/// done), days to decision, fines, and the count of each kind.
type Decided = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

/// A period of `division` as the queries bind it: the division's code
/// range, the first and last day, and the instants they span.
struct Period {
    low: String,
    high: String,
    first: String,
    last: String,
    start: i64,
    end: i64,
}

impl Period {
    fn of(division: &DivisionCode, from: NaiveDate, to: NaiveDate) -> Self {
        let (low, high) = db::division_range(Some(division));
        Self {
            low,
            high,
            first: from.to_string(),
            last: to.to_string(),
            start: time::to_micros(time::start_of_china_day(from)),
            end: to.succ_opt().map_or(i64::MAX, |next| {
                time::to_micros(time::start_of_china_day(next))
            }),
        }
    }
}

impl Store {
    /// The figures of `division` (and below) for the days `from` to `to`
    /// (inclusive, China time): the running totals summed over the days
    /// (leads by the China day they came in).
    pub async fn figures(
        &self,
        division: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CaseFigures, Error> {
        let mut groups = self
            .figures_grouped(division, from, to, Grouping::Whole)
            .await?;
        Ok(groups.remove("").unwrap_or_default())
    }

    /// [`Store::figures`] for each group of divisions under `division`
    /// (every township at once), keyed by the group's code; a group with
    /// nothing in the period is left out.
    pub async fn figures_grouped(
        &self,
        division: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, CaseFigures>, Error> {
        let period = Period::of(division, from, to);
        let (mut counted, mut sums) = tokio::try_join!(
            self.counted(&period, grouping),
            self.sum_totals(division, from, to, grouping)
        )?;
        let keys: BTreeSet<String> = counted.keys().chain(sums.keys()).cloned().collect();
        Ok(keys
            .into_iter()
            .map(|key| {
                let figures = assemble(
                    counted.remove(&key).unwrap_or_default(),
                    &sums.remove(&key).unwrap_or_default(),
                );
                (key, figures)
            })
            .collect())
    }

    /// The same figures counted afresh from the cases themselves: what the
    /// running totals are checked against.
    pub async fn figures_recounted(
        &self,
        division: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CaseFigures, Error> {
        let period = Period::of(division, from, to);
        let (mut counted, sums) = tokio::try_join!(
            self.counted(&period, Grouping::Whole),
            self.recount(&period)
        )?;
        Ok(assemble(counted.remove("").unwrap_or_default(), &sums))
    }

    /// Publications and refusals per group: counted from their own rows.
    async fn counted(
        &self,
        p: &Period,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, Counted>, Error> {
        let pool = self.db.pool();
        let key = grouping.key("division_code");
        let published = sqlx::query_as::<_, (String, i64, Option<i64>)>(sqlx::AssertSqlSafe(format!(
            "SELECT {key}, COUNT(*), CAST(SUM(on_time) AS BIGINT) FROM publications \
             WHERE division_code >= $1 AND division_code < $2 AND published_on >= $3 AND published_on <= $4 \
             GROUP BY {key}"
        )))
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.first.clone())
        .bind(p.last.clone())
        .fetch_all(pool);
        let refusals = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(format!(
            "SELECT {key}, COUNT(*) FROM certification_refusals \
             WHERE division_code >= $1 AND division_code < $2 AND refused_on >= $3 AND refused_on <= $4 \
             GROUP BY {key}"
        )))
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.first.clone())
        .bind(p.last.clone())
        .fetch_all(pool);
        let (published, refusals) = tokio::try_join!(published, refusals)?;
        let mut groups: BTreeMap<String, Counted> = BTreeMap::new();
        for (key, n, on_time) in published {
            let group = groups.entry(key).or_default();
            group.published = n;
            group.published_on_time = on_time.unwrap_or(0);
        }
        for (key, n) in refusals {
            groups.entry(key).or_default().refusals = n;
        }
        Ok(groups)
    }

    /// The totals of a period counted from the cases' rows.
    async fn recount(&self, p: &Period) -> Result<HashMap<Total, i64>, Error> {
        let pool = self.db.pool();
        let leads = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM cases WHERE division_code >= $1 AND division_code < $2 AND lead_at >= $3 AND lead_at < $4",
        )
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.start)
        .bind(p.end)
        .fetch_one(pool);
        let closed = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM cases WHERE division_code >= $1 AND division_code < $2 AND closed_at >= $3 AND closed_at < $4",
        )
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.start)
        .bind(p.end)
        .fetch_one(pool);
        let filed = sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT COUNT(*), CAST(SUM(days_to_filing) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND filed_on >= $3 AND filed_on <= $4 AND simple = 0",
        )
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.first.clone())
        .bind(p.last.clone())
        .fetch_one(pool);
        let decided = sqlx::query_as::<_, Decided>(
            "SELECT COUNT(*), CAST(SUM(decided_on_time) AS BIGINT), CAST(SUM(review_required) AS BIGINT), \
               CAST(SUM(review_required * review_approved) AS BIGINT), CAST(SUM(discussion_required) AS BIGINT), \
               CAST(SUM(discussion_required * discussed) AS BIGINT), \
               CAST(SUM(needs_recording) AS BIGINT), \
               CAST(SUM(CASE WHEN needs_recording = 1 AND EXISTS (SELECT 1 FROM case_records r \
                 WHERE r.case_id = cases.id AND r.kind IN ('audio', 'video')) THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(days_to_decision) AS BIGINT), CAST(SUM(fine_fen) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind = 'penalty' THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind IN ('no_penalty', 'first_violation') THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind = 'dismissed' THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN decision_kind = 'transferred' THEN 1 ELSE 0 END) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND decided_on >= $3 AND decided_on <= $4 AND simple = 0",
        )
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.first.clone())
        .bind(p.last.clone())
        .fetch_one(pool);
        let simple = sqlx::query_as::<_, (i64, Option<i64>)>(
            "SELECT COUNT(*), CAST(SUM(fine_fen) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND decided_on >= $3 AND decided_on <= $4 AND simple = 1",
        )
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.first.clone())
        .bind(p.last.clone())
        .fetch_one(pool);
        let paid = sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT CAST(SUM(paid_fen) AS BIGINT), CAST(SUM(late_charge_fen) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND paid_on >= $3 AND paid_on <= $4",
        )
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.first.clone())
        .bind(p.last.clone())
        .fetch_one(pool);
        let ended = sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT CAST(SUM(CASE WHEN status = 'not_filed' THEN 1 ELSE 0 END) AS BIGINT), \
               CAST(SUM(CASE WHEN status = 'terminated' THEN 1 ELSE 0 END) AS BIGINT) FROM cases \
             WHERE division_code >= $1 AND division_code < $2 AND ended_on >= $3 AND ended_on <= $4",
        )
        .bind(p.low.clone())
        .bind(p.high.clone())
        .bind(p.first.clone())
        .bind(p.last.clone())
        .fetch_one(pool);
        let (leads, closed, filed, decided, simple, paid, ended) =
            tokio::try_join!(leads, closed, filed, decided, simple, paid, ended)?;
        let n = |v: Option<i64>| v.unwrap_or(0);
        Ok(HashMap::from([
            (Total::Leads, leads),
            (Total::Closed, closed),
            (Total::Filed, filed.0),
            (Total::FilingDays, n(filed.1)),
            (Total::Decided, decided.0),
            (Total::DecidedOnTime, n(decided.1)),
            (Total::ReviewRequired, n(decided.2)),
            (Total::Reviewed, n(decided.3)),
            (Total::DiscussionRequired, n(decided.4)),
            (Total::Discussed, n(decided.5)),
            (Total::RecordingRequired, n(decided.6)),
            (Total::Recorded, n(decided.7)),
            (Total::DecisionDays, n(decided.8)),
            (Total::FinesDecided, n(decided.9)),
            (Total::PenaltyDecisions, n(decided.10)),
            (Total::NoPenaltyDecisions, n(decided.11)),
            (Total::Dismissed, n(decided.12)),
            (Total::Transferred, n(decided.13)),
            (Total::SimpleDecisions, simple.0),
            (Total::SimpleFines, n(simple.1)),
            (Total::Paid, n(paid.0)),
            (Total::LateCharges, n(paid.1)),
            (Total::NotFiled, n(ended.0)),
            (Total::Terminated, n(ended.1)),
        ]))
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

/// What is counted from its own rows rather than kept as a total.
#[derive(Default)]
struct Counted {
    published: i64,
    published_on_time: i64,
    refusals: i64,
}

/// The figures from the counted rows and the period's totals.
fn assemble(c: Counted, sums: &HashMap<Total, i64>) -> CaseFigures {
    let n = |t: Total| sums.get(&t).copied().unwrap_or(0);
    let average = |sum: Total, count: Total| match n(count) {
        0 => 0.0,
        count => n(sum) as f64 / count as f64,
    };
    CaseFigures {
        leads: n(Total::Leads),
        filed: n(Total::Filed),
        avg_days_to_filing: average(Total::FilingDays, Total::Filed),
        decided: n(Total::Decided),
        decided_on_time: n(Total::DecidedOnTime),
        review_required: n(Total::ReviewRequired),
        reviewed: n(Total::Reviewed),
        discussion_required: n(Total::DiscussionRequired),
        discussed: n(Total::Discussed),
        recording_required: n(Total::RecordingRequired),
        recorded: n(Total::Recorded),
        avg_days_to_decision: average(Total::DecisionDays, Total::Decided),
        // Fines decided under either procedure.
        fines_imposed_fen: n(Total::FinesDecided) + n(Total::SimpleFines),
        penalty_decisions: n(Total::PenaltyDecisions),
        no_penalty_decisions: n(Total::NoPenaltyDecisions),
        dismissed: n(Total::Dismissed),
        transferred: n(Total::Transferred),
        simple_decisions: n(Total::SimpleDecisions),
        closed: n(Total::Closed),
        fines_collected_fen: n(Total::Paid),
        late_charges_fen: n(Total::LateCharges),
        published: c.published,
        published_on_time: c.published_on_time,
        certification_refusals: c.refusals,
        not_filed: n(Total::NotFiled),
        terminated: n(Total::Terminated),
    }
}
