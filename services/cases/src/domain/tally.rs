//! What a case adds to its division's running totals, each on the day of
//! its own step (DOMAIN.md "Figures"): filed under the general procedure by
//! the filing day, a decision by its day with its kind, coverage and days,
//! the simple procedure's decisions apart, payments by the day of the last
//! one, a lead declined or a case terminated by the day it ended, a case
//! closed by its closing day. The store keeps the totals by adding, in each
//! step's own transaction, what the case adds after the step less what it
//! added before; the figures of a period are sums over its days.

use chrono::NaiveDate;

use super::{Case, CaseStatus, DecisionKind};

/// A total the figures are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Total {
    /// Leads come in, on the day they were recorded (not a step of the
    /// case's proceedings: the store adds it when it writes the lead).
    Leads,
    Filed,
    /// Days from discovery to filing, summed over the filed.
    FilingDays,
    Decided,
    DecidedOnTime,
    /// Days from filing to decision, summed over the decided.
    DecisionDays,
    ReviewRequired,
    Reviewed,
    DiscussionRequired,
    Discussed,
    RecordingRequired,
    Recorded,
    /// Fines decided under the general procedure, in fen.
    FinesDecided,
    PenaltyDecisions,
    NoPenaltyDecisions,
    Dismissed,
    Transferred,
    SimpleDecisions,
    /// Fines decided on the spot, in fen.
    SimpleFines,
    Closed,
    /// Paid of fines and of late charges, in fen.
    Paid,
    LateCharges,
    NotFiled,
    Terminated,
}

impl Total {
    pub const ALL: [Total; 24] = [
        Total::Leads,
        Total::Filed,
        Total::FilingDays,
        Total::Decided,
        Total::DecidedOnTime,
        Total::DecisionDays,
        Total::ReviewRequired,
        Total::Reviewed,
        Total::DiscussionRequired,
        Total::Discussed,
        Total::RecordingRequired,
        Total::Recorded,
        Total::FinesDecided,
        Total::PenaltyDecisions,
        Total::NoPenaltyDecisions,
        Total::Dismissed,
        Total::Transferred,
        Total::SimpleDecisions,
        Total::SimpleFines,
        Total::Closed,
        Total::Paid,
        Total::LateCharges,
        Total::NotFiled,
        Total::Terminated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Total::Leads => "leads",
            Total::Filed => "filed",
            Total::FilingDays => "filing_days",
            Total::Decided => "decided",
            Total::DecidedOnTime => "decided_on_time",
            Total::DecisionDays => "decision_days",
            Total::ReviewRequired => "review_required",
            Total::Reviewed => "reviewed",
            Total::DiscussionRequired => "discussion_required",
            Total::Discussed => "discussed",
            Total::RecordingRequired => "recording_required",
            Total::Recorded => "recorded",
            Total::FinesDecided => "fines_decided",
            Total::PenaltyDecisions => "penalty_decisions",
            Total::NoPenaltyDecisions => "no_penalty_decisions",
            Total::Dismissed => "dismissed",
            Total::Transferred => "transferred",
            Total::SimpleDecisions => "simple_decisions",
            Total::SimpleFines => "simple_fines",
            Total::Closed => "closed",
            Total::Paid => "paid",
            Total::LateCharges => "late_charges",
            Total::NotFiled => "not_filed",
            Total::Terminated => "terminated",
        }
    }

    pub fn from_code(code: &str) -> Option<Total> {
        Total::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// One amount added to a total on a day.
pub type Tally = (NaiveDate, Total, i64);

/// What `case` adds to the totals as it stands; `recorded` says whether an
/// audio or video record of it is registered.
pub fn tallies(case: &Case, recorded: bool) -> Vec<Tally> {
    let p = &case.proceedings;
    let simple = p.on_the_spot.is_some();
    let mut out = Vec::new();
    let mut add = |day: NaiveDate, total: Total, amount: i64| {
        if amount != 0 {
            out.push((day, total, amount));
        }
    };
    if let (Some(filed), false) = (case.filed_on, simple) {
        add(filed, Total::Filed, 1);
        add(
            filed,
            Total::FilingDays,
            (filed - case.discovered_on).num_days(),
        );
    }
    if let Some(d) = &p.decision {
        let on = d.on;
        if simple {
            add(on, Total::SimpleDecisions, 1);
            add(on, Total::SimpleFines, d.penalty.fine_fen);
        } else {
            let flag = i64::from;
            add(on, Total::Decided, 1);
            add(on, Total::DecidedOnTime, flag(d.on_time));
            if let Some(filed) = case.filed_on {
                add(on, Total::DecisionDays, (on - filed).num_days());
            }
            add(on, Total::ReviewRequired, flag(d.review_required));
            let approved = p.review.as_ref().is_some_and(|r| r.approved);
            add(on, Total::Reviewed, flag(d.review_required && approved));
            add(on, Total::DiscussionRequired, flag(d.discussion_required));
            let discussed = p.discussion.is_some();
            add(
                on,
                Total::Discussed,
                flag(d.discussion_required && discussed),
            );
            let needs = p.needs_recording();
            add(on, Total::RecordingRequired, flag(needs));
            add(on, Total::Recorded, flag(needs && recorded));
            add(on, Total::FinesDecided, d.penalty.fine_fen);
            let kind = match DecisionKind::from_code(&d.kind) {
                Some(DecisionKind::Penalty) => Some(Total::PenaltyDecisions),
                Some(DecisionKind::NoPenalty | DecisionKind::FirstViolation) => {
                    Some(Total::NoPenaltyDecisions)
                }
                Some(DecisionKind::Dismissed) => Some(Total::Dismissed),
                Some(DecisionKind::Transferred) => Some(Total::Transferred),
                None => None,
            };
            if let Some(kind) = kind {
                add(on, kind, 1);
            }
        }
    }
    if let Some(last) = p.payments().map(|x| x.on).max() {
        add(last, Total::Paid, p.fine_paid_fen());
        add(last, Total::LateCharges, p.late_charges_paid_fen());
    }
    if let Some(on) = p.closed_on {
        add(on, Total::Closed, 1);
    }
    if let Some(on) = p.ended_on {
        match case.status {
            CaseStatus::NotFiled => add(on, Total::NotFiled, 1),
            CaseStatus::Terminated => add(on, Total::Terminated, 1),
            _ => {}
        }
    }
    out
}

/// What a step changes in the totals: what the case adds after it less what
/// it added before, netted per day and total, the zeros left out.
pub fn delta(before: &[Tally], after: &[Tally]) -> Vec<Tally> {
    let mut net: std::collections::BTreeMap<(NaiveDate, Total), i64> = Default::default();
    for (day, total, amount) in after {
        *net.entry((*day, *total)).or_default() += amount;
    }
    for (day, total, amount) in before {
        *net.entry((*day, *total)).or_default() -= amount;
    }
    net.into_iter()
        .filter(|(_, amount)| *amount != 0)
        .map(|((day, total), amount)| (day, total, amount))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::*;

    #[test]
    fn a_step_moves_only_what_it_changes() {
        let lead = lead();
        assert!(tallies(&lead, false).is_empty(), "a lead adds nothing here");
        let mut filed = lead.clone();
        filed.status = CaseStatus::Filed;
        filed.filed_on = Some(day("2024-03-05"));
        let d = delta(&tallies(&lead, false), &tallies(&filed, false));
        // Discovered 1 March, filed 5 March.
        assert_eq!(
            d,
            [
                (day("2024-03-05"), Total::Filed, 1),
                (day("2024-03-05"), Total::FilingDays, 4)
            ]
        );
        assert!(delta(&tallies(&filed, false), &tallies(&filed, true)).is_empty());
        for total in Total::ALL {
            assert_eq!(Total::from_code(total.code()), Some(total));
        }
    }
}
