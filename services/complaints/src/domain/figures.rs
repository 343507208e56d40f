//! The complaint figures: which intake or step counts toward which figure,
//! on which day, and the rates the county reads from them (响应率, 按时办结率,
//! 解决率, 满意率, 回访率, repeat rate). The store keeps the counts as
//! running totals per division and day; the rules are here.
//!
//! Each figure is counted on the day that puts it in its cohort: a dispatch
//! and its timely signing on the dispatch day (响应率), a reply on time on
//! the day the reply was due (按时办结率), a follow-up and its outcome on the
//! follow-up day (解决率, 满意率), a duplicate on the day the repeat came in.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_platform::{DivisionCode, time};

use super::{Complaint, Satisfaction, Step};

/// A running total the store keeps per division and day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Figure {
    Received,
    /// By channel, type and category (their codes).
    Channel(&'static str),
    Type(&'static str),
    Category(String),
    Urgent,
    /// Replies falling due (moved by an approved extension; taken back for
    /// a merged duplicate or a hand-off).
    Due,
    Dispatched,
    Accepted,
    AcceptedOnTime,
    Returned,
    ExtensionRequested,
    Extended,
    Replied,
    RepliedOnTime,
    /// The first reply came after the due day: counted on that day, apart
    /// from the overdue (open past due).
    RepliedLate,
    Visited,
    Resolved,
    Satisfied,
    BasicallySatisfied,
    Unsatisfied,
    Closed,
    /// Closed after the reply without a follow-up (anonymous, unreachable,
    /// declined): replied, not visited.
    ClosedWithoutFollowUp,
    Reopened,
    Duplicates,
    HandedOff,
    Supervised,
    Reminders,
    Escalated,
    /// Withdrawn by the platform that pushed it (撤单), counted apart from closing.
    Withdrawn,
    /// Reassigned away by the platform (改派): left here, counted apart.
    Reassigned,
    /// Returned as a county department's matter: out of the township's
    /// figures, counted apart.
    ReturnedToCounty,
}

impl Figure {
    /// The name the total is kept under.
    pub fn key(&self) -> String {
        match self {
            Figure::Channel(code) => format!("channel:{code}"),
            Figure::Type(code) => format!("type:{code}"),
            Figure::Category(code) => format!("category:{code}"),
            other => other.plain_key().to_owned(),
        }
    }

    fn plain_key(&self) -> &'static str {
        match self {
            Figure::Received => "received",
            Figure::Urgent => "urgent",
            Figure::Due => "due",
            Figure::Dispatched => "dispatched",
            Figure::Accepted => "accepted",
            Figure::AcceptedOnTime => "accepted_on_time",
            Figure::Returned => "returned",
            Figure::ExtensionRequested => "extension_requested",
            Figure::Extended => "extended",
            Figure::Replied => "replied",
            Figure::RepliedOnTime => "replied_on_time",
            Figure::RepliedLate => "replied_late",
            Figure::Visited => "visited",
            Figure::Resolved => "resolved",
            Figure::Satisfied => "satisfied",
            Figure::BasicallySatisfied => "basically_satisfied",
            Figure::Unsatisfied => "unsatisfied",
            Figure::Closed => "closed",
            Figure::ClosedWithoutFollowUp => "closed_without_follow_up",
            Figure::Reopened => "reopened",
            Figure::Duplicates => "duplicates",
            Figure::HandedOff => "handed_off",
            Figure::Supervised => "supervised",
            Figure::Reminders => "reminders",
            Figure::Escalated => "escalated",
            Figure::Withdrawn => "withdrawn",
            Figure::Reassigned => "reassigned",
            Figure::ReturnedToCounty => "returned_to_county",
            Figure::Channel(_) | Figure::Type(_) | Figure::Category(_) => "",
        }
    }
}

/// One amount to add to a total: `n` of `figure` for `division` on `day`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub division: DivisionCode,
    pub day: NaiveDate,
    pub figure: Figure,
    pub n: i64,
}

fn count(c: &Complaint, at: DateTime<Utc>, figure: Figure, n: i64) -> Count {
    Count {
        division: c.division_code.clone(),
        day: time::china_date(at),
        figure,
        n,
    }
}

/// What a new complaint counts: received, and by channel, type and
/// category; urgent; one reply due on its due day.
pub fn on_intake(c: &Complaint) -> Vec<Count> {
    let at = c.received_at;
    let mut counts = vec![
        count(c, at, Figure::Received, 1),
        count(c, at, Figure::Channel(c.channel.code()), 1),
        count(c, at, Figure::Type(c.request_type.code()), 1),
        count(c, at, Figure::Category(c.category.clone()), 1),
    ];
    if c.urgent {
        counts.push(count(c, at, Figure::Urgent, 1));
    }
    counts.push(count(c, c.reply_due, Figure::Due, 1));
    counts
}

/// What a workflow step counts, from the complaint before and after it.
pub fn on_step(
    before: &Complaint,
    after: &Complaint,
    step: &Step,
    at: DateTime<Utc>,
) -> Vec<Count> {
    let h = &after.handling;
    let one = |figure| vec![count(after, at, figure, 1)];
    // A county department's matter leaves the township's figures: what it
    // counted is taken back; nothing counts while it is out; a refused
    // return brings it back.
    match (before.handling.left_here, h.left_here) {
        (true, true) => return Vec::new(),
        (false, true) => {
            let mut counts: Vec<Count> = on_intake(before)
                .into_iter()
                .map(|c| Count { n: -c.n, ..c })
                .collect();
            if let Some(first) = before.handling.first_dispatched_at {
                counts.push(count(before, first, Figure::Dispatched, -1));
            }
            counts.push(count(after, at, Figure::ReturnedToCounty, 1));
            return counts;
        }
        (true, false) => {
            let mut counts = on_intake(after);
            if let Some(first) = h.first_dispatched_at {
                counts.push(count(after, first, Figure::Dispatched, 1));
            }
            return counts;
        }
        (false, false) => {}
    }
    match step {
        // Per complaint: a re-dispatch after a return is the same one.
        Step::Dispatch { .. } if before.handling.dispatched_at.is_some() => Vec::new(),
        Step::Dispatch { .. } => one(Figure::Dispatched),
        Step::Accept => {
            let mut counts = one(Figure::Accepted);
            // 响应率: the last dispatch signed for in time, in the cohort of
            // the complaint's first dispatch.
            let dispatched = h.first_dispatched_at.or(h.dispatched_at).unwrap_or(at);
            if h.accept_due.is_none_or(|due| at <= due) {
                counts.push(count(after, dispatched, Figure::AcceptedOnTime, 1));
            }
            counts
        }
        Step::Return { .. } => one(Figure::Returned),
        Step::RequestExtension { .. } => one(Figure::ExtensionRequested),
        Step::DecideExtension { approved: true } => vec![
            count(after, at, Figure::Extended, 1),
            count(before, before.reply_due, Figure::Due, -1),
            count(after, after.reply_due, Figure::Due, 1),
        ],
        Step::DecideExtension { approved: false } => Vec::new(),
        // Per complaint: a second reply after a reopening is no new one.
        Step::Reply { .. } if before.handling.replied_at.is_some() => Vec::new(),
        Step::Reply { .. } => {
            // 按时办结: the first reply by the due day, or late, counted on that day.
            let timely = if at <= after.reply_due {
                Figure::RepliedOnTime
            } else {
                Figure::RepliedLate
            };
            vec![
                count(after, at, Figure::Replied, 1),
                count(after, after.reply_due, timely, 1),
            ]
        }
        Step::FollowUp { .. } => h
            .visit
            .as_ref()
            .map_or_else(Vec::new, |v| visit_counts(after, v, v.at, 1)),
        Step::Close { without_visit } => {
            let mut counts = one(Figure::Closed);
            if without_visit.is_some() {
                counts.push(count(after, at, Figure::ClosedWithoutFollowUp, 1));
            }
            counts
        }
        // The unsatisfied visit is replaced by the next: 满意率 and 解决率 rate
        // the latest follow-up, once per complaint.
        Step::Reopen => {
            let mut counts = one(Figure::Reopened);
            if let Some(v) = &before.handling.visit {
                counts.extend(visit_counts(before, v, v.at, -1));
            }
            counts
        }
        Step::MarkDuplicate { .. } => {
            let mut counts = vec![count(after, after.received_at, Figure::Duplicates, 1)];
            // A merged request owes no reply of its own.
            if before.handling.replied_at.is_none() {
                counts.push(count(before, before.reply_due, Figure::Due, -1));
            }
            counts
        }
        Step::HandOff { .. } => vec![
            count(after, at, Figure::HandedOff, 1),
            count(before, before.reply_due, Figure::Due, -1),
        ],
        Step::Supervise => one(if before.handling.supervised {
            Figure::Reminders
        } else {
            Figure::Supervised
        }),
        Step::Escalate { .. } => one(Figure::Escalated),
        Step::Supplement { .. } => Vec::new(),
        Step::DecideReturn { .. } => Vec::new(),
        Step::Withdraw | Step::Reassign { .. } => {
            let mut counts = one(if matches!(step, Step::Withdraw) {
                Figure::Withdrawn
            } else {
                Figure::Reassigned
            });
            // A withdrawn or reassigned request owes no reply here any more.
            if before.handling.replied_at.is_none() {
                counts.push(count(before, before.reply_due, Figure::Due, -1));
            }
            counts
        }
    }
}

/// What a follow-up counts on day `at` (`n` = -1 takes it back): visited,
/// resolved, and its rating.
fn visit_counts(c: &Complaint, v: &super::Visit, at: DateTime<Utc>, n: i64) -> Vec<Count> {
    let rated = match v.satisfaction {
        Satisfaction::Satisfied => Figure::Satisfied,
        Satisfaction::BasicallySatisfied => Figure::BasicallySatisfied,
        Satisfaction::Unsatisfied => Figure::Unsatisfied,
    };
    let mut counts = vec![count(c, at, Figure::Visited, n), count(c, at, rated, n)];
    if v.resolved {
        counts.push(count(c, at, Figure::Resolved, n));
    }
    counts
}

// A merged duplicate (重复件) is answered with its original's reply and
// follow-up and counted with it: replied and visited on the original's days,
// never before the repeat came in. One answered on its own before it was
// merged keeps its own counts.

/// Whether `step` on an original reaches the duplicates merged into it.
pub fn reaches_duplicates(before: &Complaint, step: &Step) -> bool {
    match step {
        Step::Reply { .. } => before.handling.replied_at.is_none(),
        Step::FollowUp { .. } => true,
        Step::Reopen => before.handling.visit.is_some(),
        _ => false,
    }
}

/// What `duplicate` counts when its original takes `step` (before → after).
pub fn with_original(
    duplicate: &Complaint,
    before: &Complaint,
    after: &Complaint,
    step: &Step,
    at: DateTime<Utc>,
) -> Vec<Count> {
    let own = &duplicate.handling;
    if own.replied_at.is_some() || own.visit.is_some() || own.left_here {
        return Vec::new();
    }
    let not_before = |at: DateTime<Utc>| at.max(duplicate.received_at);
    match step {
        Step::Reply { .. } if before.handling.replied_at.is_none() => {
            vec![count(duplicate, not_before(at), Figure::Replied, 1)]
        }
        Step::FollowUp { .. } => after.handling.visit.as_ref().map_or_else(Vec::new, |v| {
            visit_counts(duplicate, v, not_before(v.at), 1)
        }),
        Step::Reopen => before.handling.visit.as_ref().map_or_else(Vec::new, |v| {
            visit_counts(duplicate, v, not_before(v.at), -1)
        }),
        _ => Vec::new(),
    }
}

/// What `duplicate` (as merged) counts at its merging from `original` as it
/// stands: replied if the original was, and its follow-up.
pub fn on_merge(before: &Complaint, duplicate: &Complaint, original: &Complaint) -> Vec<Count> {
    let own = &before.handling;
    if own.replied_at.is_some() || own.visit.is_some() || own.left_here {
        return Vec::new();
    }
    let not_before = |at: DateTime<Utc>| at.max(duplicate.received_at);
    let o = &original.handling;
    let mut counts = Vec::new();
    if let Some(replied) = o.replied_at {
        counts.push(count(duplicate, not_before(replied), Figure::Replied, 1));
    }
    if let Some(v) = &o.visit {
        counts.extend(visit_counts(duplicate, v, not_before(v.at), 1));
    }
    counts
}

/// The figures of a period, as summed from the totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub received: i64,
    pub dispatched: i64,
    pub accepted_on_time: i64,
    /// Replies due by the period's end or today, whichever is earlier.
    pub due: i64,
    pub replied_on_time: i64,
    /// Of those due, replied after the due day (not overdue).
    pub replied_late: i64,
    pub replied: i64,
    pub visited: i64,
    pub resolved: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub duplicates: i64,
}

/// The rates the county reads, each `None` when its whole is zero.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    /// 响应率: dispatches signed for within the limit ÷ dispatches.
    pub response: Option<f64>,
    /// 按时办结率: replies on time ÷ replies due.
    pub on_time: Option<f64>,
    /// 解决率: resolved ÷ visited.
    pub resolution: Option<f64>,
    /// 满意率: satisfied or basically satisfied ÷ visited.
    pub satisfaction: Option<f64>,
    /// 回访率: visited ÷ replied.
    pub follow_up: Option<f64>,
    /// Repeats ÷ received.
    pub repeat: Option<f64>,
}

impl Totals {
    /// Due and still open (not replied): a late reply is "replied late".
    pub fn overdue(&self) -> i64 {
        (self.due - self.replied_on_time - self.replied_late).max(0)
    }

    pub fn rates(&self) -> Rates {
        let rate = |part: i64, whole: i64| (whole > 0).then(|| part as f64 / whole as f64);
        Rates {
            response: rate(self.accepted_on_time, self.dispatched),
            on_time: rate(self.replied_on_time, self.due),
            resolution: rate(self.resolved, self.visited),
            satisfaction: rate(self.satisfied + self.basically_satisfied, self.visited),
            follow_up: rate(self.visited, self.replied),
            repeat: rate(self.duplicates, self.received),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_figure_keeps_its_stored_name() {
        assert_eq!(Figure::AcceptedOnTime.key(), "accepted_on_time");
        assert_eq!(
            Figure::Channel("hotline_12345").key(),
            "channel:hotline_12345"
        );
        assert_eq!(Figure::Category("other".into()).key(), "category:other");
        assert_eq!(Figure::ExtensionRequested.key(), "extension_requested");
    }

    #[test]
    fn rates_are_parts_of_their_wholes_and_none_without_one() {
        let totals = Totals {
            received: 10,
            dispatched: 8,
            accepted_on_time: 6,
            due: 4,
            replied_on_time: 3,
            replied_late: 0,
            replied: 5,
            visited: 4,
            resolved: 2,
            satisfied: 1,
            basically_satisfied: 2,
            duplicates: 1,
        };
        let r = totals.rates();
        assert_eq!(r.response, Some(0.75));
        assert_eq!(r.on_time, Some(0.75));
        assert_eq!(r.resolution, Some(0.5));
        assert_eq!(r.satisfaction, Some(0.75));
        assert_eq!(r.follow_up, Some(0.8));
        assert_eq!(r.repeat, Some(0.1));
        assert_eq!(totals.overdue(), 1);
        assert_eq!(Totals::default().rates(), Rates::default());
    }
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod per_complaint;
