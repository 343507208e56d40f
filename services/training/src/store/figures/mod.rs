//! The figures of a division: head counts on a day and the records of a period.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

use fazhi_platform::{
    DivisionCode, Error,
    db::{self, Grouping},
};

use super::Store;

mod kept;

pub(super) use kept::Kept;
use kept::{Answer, Ask};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub people: i64,
    pub enforcement_staff: i64,
    /// 持证人数: holding a certificate on the day (suspended ones included).
    pub certificate_holders: i64,
    pub certificate_holders_section_level: i64,
    /// Of the holders, those suspended on the day.
    pub certificate_holders_suspended: i64,
    /// Enforcement staff among the holders.
    pub certified_enforcement_staff: i64,
}

/// The division person `p` served in on the day bound as `$3`: the one they
/// left by the first transfer after that day, or where they are now.
const DIVISION_ON_DAY: &str = "COALESCE((SELECT m.from_division FROM person_moves m WHERE m.person_id = p.id \
     AND m.moved_on > $3 ORDER BY m.moved_on, m.seq LIMIT 1), p.division_code)";

/// The people who can have been in the division range bound as `$1`..`$2`
/// on any day: there now, or moved away from it. [`DIVISION_ON_DAY`] is one
/// of those two divisions, so filtering by this first changes no figure; it
/// lets the queries read one division's people by index instead of all.
const CANDIDATES: &str = "(SELECT id FROM people WHERE division_code >= $1 AND division_code < $2 \
     UNION SELECT person_id FROM person_moves WHERE from_division >= $1 AND from_division < $2)";

/// Whether person `p` was on the staff on the day bound as `$3`: joined by
/// then (or on record before any day asked about).
const JOINED_BY_DAY: &str = "(p.joined_on = '' OR p.joined_on <= $3)";

/// Whether person `p` held an enforcement post on the day bound as `$3`.
const IN_POST_ON_DAY: &str =
    "((p.joined_on = '' OR p.joined_on <= $3) AND (p.enforcement_post = 1 OR p.left_post_on > $3))";

/// The status a certificate `c` had on the day bound as `$3`, from its
/// dated history: the latest entry that began by then.
const STATUS_ON_DAY: &str = "(SELECT h.status FROM certificate_history h WHERE h.certificate_id = c.id \
     AND h.since <= $3 ORDER BY h.since DESC, h.seq DESC LIMIT 1)";

/// Figures of one period (dates inclusive) beyond the head counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeriodFigures {
    pub review_takers: i64,
    pub review_passed: i64,
    /// Hours (tenths) attended by enforcement staff.
    pub staff_hours_tenths: i64,
    /// Enforcement staff who attended at least `required_tenths`.
    pub staff_meeting_requirement: i64,
    /// Per exam kind: registered, sat, passed, excellent.
    pub exams: Vec<(String, i64, i64, i64, i64)>,
    pub outreach_events: i64,
    pub outreach_materials: i64,
    pub outreach_people: i64,
}

impl Store {
    /// People of `division` (and below), and how many hold a certificate that
    /// is active and unexpired on `as_of`.
    pub async fn counts(
        &self,
        division: Option<&DivisionCode>,
        as_of: NaiveDate,
    ) -> Result<Counts, Error> {
        let mut groups = self
            .counts_grouped(division, as_of, Grouping::Whole)
            .await?;
        Ok(groups.remove("").unwrap_or_default())
    }

    /// [`Store::counts`] for each group of divisions under `division` (every
    /// township at once), each person counted where they served on `as_of`.
    pub async fn counts_grouped(
        &self,
        division: Option<&DivisionCode>,
        as_of: NaiveDate,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, Counts>, Error> {
        let range = db::division_range(division);
        let ask = Ask::Counts {
            range: range.clone(),
            as_of,
            grouping,
        };
        let counted = async || {
            let groups = self.count_heads(range, as_of, grouping).await?;
            Ok(Answer::Counts(groups))
        };
        match self.kept_or(ask, counted).await? {
            Answer::Counts(groups) => Ok(groups),
            Answer::Period(_) => Err(Error::internal("figures kept under the wrong question")),
        }
    }

    async fn count_heads(
        &self,
        (low, high): (String, String),
        as_of: NaiveDate,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, Counts>, Error> {
        // Each person's division on the day is found once (`d`), then
        // filtered and grouped by.
        let key = grouping.key("t.d");
        // Head counts as of the day: joined by then, in the division they
        // served in then, and in an enforcement post unless they had left it
        // by then. (Records are often entered afterwards, so a record's own
        // age says nothing; the day they joined does.)
        let sql = format!(
            "SELECT {key}, COUNT(DISTINCT t.id_number), \
               COUNT(DISTINCT CASE WHEN t.in_post = 1 THEN t.id_number END) FROM ( \
               SELECT {DIVISION_ON_DAY} AS d, p.id_number, \
                 CASE WHEN {IN_POST_ON_DAY} THEN 1 ELSE 0 END AS in_post FROM people p \
               WHERE p.id IN {CANDIDATES} AND {JOINED_BY_DAY}) t \
             WHERE t.d >= $1 AND t.d < $2 GROUP BY {key}"
        );
        // A person registered in two townships (one held) is one person.
        let people = sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(sql))
            .bind(low.clone())
            .bind(high.clone())
            .bind(as_of.to_string())
            .fetch_all(self.db.pool());
        // Held on the day (DOMAIN.md 持证人数; `domain::holding_on`): issued
        // by then, within its validity, and then active or suspended by its
        // dated history — never by today's status. Each certificate's status
        // is read once; each person (by ID number) counted once per group.
        let holders_sql = format!(
            "WITH s AS MATERIALIZED (SELECT c.person_id, {STATUS_ON_DAY} AS status FROM certificates c \
               WHERE c.issued_on <= $3 AND c.valid_until >= $3 AND c.person_id IN {CANDIDATES}) \
             SELECT x.grp, COUNT(*), CAST(COALESCE(SUM(x.sec), 0) AS BIGINT), CAST(COALESCE(SUM(x.susp), 0) AS BIGINT), \
               CAST(COALESCE(SUM(x.in_post), 0) AS BIGINT) FROM ( \
               SELECT {key} AS grp, t.id_number, MAX(t.sec) AS sec, MAX(t.susp) AS susp, MAX(t.in_post) AS in_post FROM ( \
                 SELECT {DIVISION_ON_DAY} AS d, p.id_number, CASE WHEN p.section_level = 1 THEN 1 ELSE 0 END AS sec, \
                   CASE WHEN s.status = 'suspended' THEN 1 ELSE 0 END AS susp, \
                   CASE WHEN {IN_POST_ON_DAY} THEN 1 ELSE 0 END AS in_post \
                 FROM s JOIN people p ON p.id = s.person_id \
                 WHERE s.status IN ('active', 'suspended')) t \
               WHERE t.d >= $1 AND t.d < $2 \
               GROUP BY {key}, t.id_number) x \
             GROUP BY x.grp"
        );
        let holders =
            sqlx::query_as::<_, (String, i64, i64, i64, i64)>(sqlx::AssertSqlSafe(holders_sql))
                .bind(low)
                .bind(high)
                .bind(as_of.to_string())
                .fetch_all(self.db.pool());
        let (people, holders) = tokio::try_join!(people, holders)?;
        let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
        for (key, people, enforcement_staff) in people {
            let group = groups.entry(key).or_default();
            group.people = people;
            group.enforcement_staff = enforcement_staff;
        }
        for (key, holders, section_level, suspended, certified_staff) in holders {
            let group = groups.entry(key).or_default();
            group.certificate_holders = holders;
            group.certificate_holders_section_level = section_level;
            group.certificate_holders_suspended = suspended;
            group.certified_enforcement_staff = certified_staff;
        }
        Ok(groups)
    }

    /// Reviews, hours, exams and outreach of `scope` from `from` to `to`
    /// (dates inclusive).
    pub async fn period_figures(
        &self,
        scope: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        required_tenths: i64,
    ) -> Result<PeriodFigures, Error> {
        let mut groups = self
            .period_figures_grouped(scope, from, to, required_tenths, Grouping::Whole)
            .await?;
        Ok(groups.remove("").unwrap_or_default())
    }

    /// [`Store::period_figures`] for each group of divisions under `scope`
    /// (every township at once).
    pub async fn period_figures_grouped(
        &self,
        scope: &DivisionCode,
        from: NaiveDate,
        to: NaiveDate,
        required_tenths: i64,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, PeriodFigures>, Error> {
        let range = db::division_range(Some(scope));
        let ask = Ask::Period {
            range: range.clone(),
            from,
            to,
            required_tenths,
            grouping,
        };
        let counted = async || {
            let groups = self
                .count_period(range, from, to, required_tenths, grouping)
                .await?;
            Ok(Answer::Period(groups))
        };
        match self.kept_or(ask, counted).await? {
            Answer::Period(groups) => Ok(groups),
            Answer::Counts(_) => Err(Error::internal("figures kept under the wrong question")),
        }
    }

    async fn count_period(
        &self,
        (low, high): (String, String),
        from: NaiveDate,
        to: NaiveDate,
        required_tenths: i64,
        grouping: Grouping,
    ) -> Result<BTreeMap<String, PeriodFigures>, Error> {
        let (from_text, to_text) = (from.to_string(), to.to_string());
        // Each person's division on the step's day is found once (`d`), then
        // filtered and grouped by.
        let key = grouping.key("t.d");
        // 年审参加: holders (on the exam's day) who sat an annual-review exam
        // held in the period; 年审通过: holders whose review for a year of the
        // period passed (its latest outcome, a passed retake included).
        // One row per sitting first, then each sitter's division and
        // certificate on the exam's day.
        let takers_sql = format!(
            "SELECT {key}, COUNT(DISTINCT t.id_number) FROM ( \
               SELECT {division} AS d, p.id_number FROM ( \
                 SELECT r.person_id, e.held_on FROM exam_results r JOIN exams e ON e.id = r.exam_id \
                 WHERE e.kind = 'annual_review' AND r.score IS NOT NULL AND e.held_on >= $3 AND e.held_on <= $4) s \
               JOIN people p ON p.id = s.person_id \
               WHERE p.id IN {CANDIDATES} \
                 AND EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = p.id \
                   AND c.issued_on <= s.held_on AND c.valid_until >= s.held_on \
                   AND {status} IN ('active', 'suspended'))) t \
             WHERE t.d >= $1 AND t.d < $2 GROUP BY {key}",
            status = STATUS_ON_DAY.replace("$3", "s.held_on"),
            division = DIVISION_ON_DAY.replace("$3", "s.held_on"),
        );
        let review_takers = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(takers_sql))
            .bind(low.clone())
            .bind(high.clone())
            .bind(from_text.clone())
            .bind(to_text.clone())
            .fetch_all(self.db.pool());
        let passed_sql = format!(
            "SELECT {key}, COUNT(DISTINCT t.id_number) FROM ( \
               SELECT {division} AS d, p.id_number FROM certificate_reviews r \
               JOIN certificates c ON c.id = r.certificate_id JOIN people p ON p.id = c.person_id \
               WHERE p.id IN {CANDIDATES} AND r.year >= $3 AND r.year <= $4 \
                 AND r.outcome = 'passed') t \
             WHERE t.d >= $1 AND t.d < $2 GROUP BY {key}",
            division = DIVISION_ON_DAY.replace("$3", "r.decided_on"),
        );
        let review_passed = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(passed_sql))
            .bind(low.clone())
            .bind(high.clone())
            .bind(i64::from(from.year()))
            .bind(i64::from(to.year()))
            .fetch_all(self.db.pool());
        // Hours of the enforcement staff as of the period's last day (the
        // head count the hours are divided by): each attendee's hours summed
        // first, then their division and post on that day.
        let hours_sql = format!(
            "SELECT {key}, CAST(SUM(t.hours) AS BIGINT), COUNT(CASE WHEN t.hours >= $5 THEN 1 END) FROM ( \
               SELECT {division} AS d, h.hours FROM ( \
                 SELECT a.person_id, SUM(a.hours_tenths) AS hours FROM attendance a \
                 WHERE a.held_on >= $3 AND a.held_on <= $4 AND a.person_id IN {CANDIDATES} \
                 GROUP BY a.person_id) h \
               JOIN people p ON p.id = h.person_id WHERE {in_post}) t \
             WHERE t.d >= $1 AND t.d < $2 GROUP BY {key}",
            division = DIVISION_ON_DAY.replace("$3", "$4"),
            in_post = IN_POST_ON_DAY.replace("$3", "$4"),
        );
        let hours = sqlx::query_as::<_, (String, Option<i64>, i64)>(sqlx::AssertSqlSafe(hours_sql))
            .bind(low.clone())
            .bind(high.clone())
            .bind(from_text.clone())
            .bind(to_text.clone())
            .bind(required_tenths)
            .fetch_all(self.db.pool());
        let exam_key = grouping.key("e.division_code");
        let exams = sqlx::query_as::<_, (String, String, i64, i64, i64, i64)>(sqlx::AssertSqlSafe(format!(
            "SELECT {exam_key}, e.kind, COUNT(*), COUNT(r.score), \
               COUNT(CASE WHEN r.score >= e.pass_mark THEN 1 END), \
               COUNT(CASE WHEN r.score >= e.excellent_mark THEN 1 END) \
             FROM exam_results r JOIN exams e ON e.id = r.exam_id \
             WHERE e.division_code >= $1 AND e.division_code < $2 AND e.held_on >= $3 AND e.held_on <= $4 \
             GROUP BY {exam_key}, e.kind ORDER BY e.kind"
        )))
        .bind(low.clone())
        .bind(high.clone())
        .bind(from_text.clone())
        .bind(to_text.clone())
        .fetch_all(self.db.pool());
        let outreach_key = grouping.key("division_code");
        let outreach = sqlx::query_as::<_, (String, i64, Option<i64>, Option<i64>)>(sqlx::AssertSqlSafe(format!(
            "SELECT {outreach_key}, COUNT(*), CAST(SUM(materials) AS BIGINT), CAST(SUM(people_reached) AS BIGINT) \
             FROM outreach_events \
             WHERE division_code >= $1 AND division_code < $2 AND held_on >= $3 AND held_on <= $4 \
             GROUP BY {outreach_key}"
        )))
        .bind(low)
        .bind(high)
        .bind(from_text)
        .bind(to_text)
        .fetch_all(self.db.pool());
        // Independent reads, each on a connection of its own.
        let (takers, passed, hours, exams, outreach) =
            tokio::try_join!(review_takers, review_passed, hours, exams, outreach)?;
        let mut groups: BTreeMap<String, PeriodFigures> = BTreeMap::new();
        for (key, n) in takers {
            groups.entry(key).or_default().review_takers = n;
        }
        for (key, n) in passed {
            groups.entry(key).or_default().review_passed = n;
        }
        for (key, staff_hours, meeting) in hours {
            let group = groups.entry(key).or_default();
            group.staff_hours_tenths = staff_hours.unwrap_or(0);
            group.staff_meeting_requirement = meeting;
        }
        for (key, kind, registered, sat, passed, excellent) in exams {
            let group = groups.entry(key).or_default();
            group.exams.push((kind, registered, sat, passed, excellent));
        }
        for (key, events, materials, people) in outreach {
            let group = groups.entry(key).or_default();
            group.outreach_events = events;
            group.outreach_materials = materials.unwrap_or(0);
            group.outreach_people = people.unwrap_or(0);
        }
        Ok(groups)
    }
}
