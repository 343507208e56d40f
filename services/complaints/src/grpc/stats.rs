//! A division's figures for a period, summed from the running totals: the
//! cost grows with the days and divisions asked for, not with complaints.

use std::collections::BTreeMap;

use chrono::Duration;
use fazhi_platform::{
    Error,
    db::{self, Grouping},
    time,
};
use fazhi_proto::complaints::v1 as pb;

use crate::domain::figures::Totals;
use crate::store::{Filter, Store, figures::Sums};

/// The first day figures are kept for; earlier periods start here.
fn first_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default()
}

pub(super) async fn stats(
    store: &Store,
    filter: &Filter,
    today: chrono::NaiveDate,
) -> Result<pb::ComplaintStats, Error> {
    let mut groups = grouped(store, filter, today, Grouping::Whole).await?;
    let (all, settled) = groups.remove("").unwrap_or_default();
    Ok(assemble(&all, &settled))
}

/// [`stats`] for each township under the filter's division, from one pass.
pub(super) async fn township_stats(
    store: &Store,
    filter: &Filter,
    today: chrono::NaiveDate,
) -> Result<pb::TownshipComplaintStats, Error> {
    let groups = grouped(store, filter, today, Grouping::Townships).await?;
    Ok(pb::TownshipComplaintStats {
        townships: groups
            .into_iter()
            .filter(|(code, _)| code.len() == 9)
            .map(
                |(division_code, (all, settled))| pb::TownshipComplaintStatsRow {
                    division_code,
                    stats: Some(assemble(&all, &settled)),
                },
            )
            .collect(),
    })
}

/// The period's sums and those settled by today, per group.
async fn grouped(
    store: &Store,
    filter: &Filter,
    today: chrono::NaiveDate,
    grouping: Grouping,
) -> Result<BTreeMap<String, (Sums, Sums)>, Error> {
    let (low, high) = db::division_range(filter.division.as_ref());
    let from = filter
        .received_from
        .map_or_else(first_day, time::china_date)
        .max(first_day());
    let to = filter
        .received_to
        .map(|end| time::china_date(end - Duration::microseconds(1)))
        .unwrap_or(today);
    // Replies not yet due are not late: the due figures stop at today.
    let due_until = to.min(today);
    if from > to {
        return Ok(BTreeMap::new());
    }
    store
        .figures_grouped(&low, &high, from, to, due_until, grouping)
        .await
}

/// The figures from the period's sums (`all`) and those settled by today.
fn assemble(all: &Sums, settled: &Sums) -> pb::ComplaintStats {
    let n = |figure: &str| all.get(figure).copied().unwrap_or(0);
    let due = settled.get("due").copied().unwrap_or(0).max(0);
    let replied_on_time = settled.get("replied_on_time").copied().unwrap_or(0);
    let by = |prefix: &str| -> Vec<pb::CountByKey> {
        all.iter()
            .filter_map(|(figure, count)| {
                figure.strip_prefix(prefix).map(|key| pb::CountByKey {
                    key: key.to_owned(),
                    count: *count,
                })
            })
            .filter(|c| c.count != 0)
            .collect()
    };
    let visited = n("visited");
    let totals = Totals {
        received: n("received"),
        dispatched: n("dispatched"),
        accepted_on_time: n("accepted_on_time"),
        due,
        replied_on_time,
        replied_late: settled.get("replied_late").copied().unwrap_or(0),
        replied: n("replied"),
        visited,
        resolved: n("resolved"),
        satisfied: n("satisfied"),
        basically_satisfied: n("basically_satisfied"),
        duplicates: n("duplicates"),
    };
    let rates = totals.rates();
    pb::ComplaintStats {
        received: totals.received,
        urgent: n("urgent"),
        by_channel: by("channel:"),
        by_category: by("category:"),
        by_type: by("type:"),
        dispatched: totals.dispatched,
        accepted_on_time: totals.accepted_on_time,
        accepted: n("accepted"),
        returned: n("returned"),
        due,
        replied_late: totals.replied_late,
        replied_on_time,
        overdue: totals.overdue(),
        replied: totals.replied,
        visited,
        resolved: totals.resolved,
        satisfied: totals.satisfied,
        basically_satisfied: totals.basically_satisfied,
        unsatisfied: n("unsatisfied"),
        closed: n("closed"),
        reopened: n("reopened"),
        duplicates: totals.duplicates,
        handed_off: n("handed_off"),
        extensions_requested: n("extension_requested"),
        extended: n("extended"),
        supervised: n("supervised"),
        reminders: n("reminders"),
        escalated: n("escalated"),
        withdrawn: n("withdrawn"),
        reassigned: n("reassigned"),
        closed_without_follow_up: n("closed_without_follow_up"),
        returned_to_county: n("returned_to_county"),
        response_rate: rates.response,
        on_time_rate: rates.on_time,
        resolution_rate: rates.resolution,
        satisfaction_rate: rates.satisfaction,
        follow_up_rate: rates.follow_up,
        repeat_rate: rates.repeat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A township with nothing in the period is left out of the township
    /// rows; whoever fills the gap with the default reads what `GetStats`
    /// would have answered for it.
    #[test]
    fn nothing_counted_reads_as_the_default() {
        assert_eq!(
            assemble(&Sums::new(), &Sums::new()),
            pb::ComplaintStats::default()
        );
    }
}
