//! The figures a county overseer reads for a division and period, for the
//! division as a whole or for each township under it at once.

use chrono::NaiveDate;
use fazhi_platform::{
    DivisionCode,
    auth::{self, Permission},
    db::Grouping,
    time,
};
use fazhi_proto::cases::v1 as pb;
use tonic::{Request, Response, Status};

use super::CasesApi;
use crate::store::CaseFigures;

pub(super) async fn get_stats(
    api: &CasesApi,
    request: Request<pb::GetStatsRequest>,
) -> Result<Response<pb::CaseStats>, Status> {
    let (division, from, to) = asked(api, request)?;
    let f = api.store.figures(&division, from, to).await?;
    Ok(Response::new(stats(f)))
}

pub(super) async fn get_township_stats(
    api: &CasesApi,
    request: Request<pb::GetStatsRequest>,
) -> Result<Response<pb::TownshipCaseStats>, Status> {
    let (division, from, to) = asked(api, request)?;
    let groups = api
        .store
        .figures_grouped(&division, from, to, Grouping::Townships)
        .await?;
    Ok(Response::new(pb::TownshipCaseStats {
        townships: groups
            .into_iter()
            .filter(|(code, _)| code.len() == 9)
            .map(|(division_code, f)| pb::TownshipCaseStatsRow {
                division_code,
                stats: Some(stats(f)),
            })
            .collect(),
    }))
}

/// The division and the days (inclusive, China time) a figures request
/// asks for, once the caller may read figures.
fn asked(
    api: &CasesApi,
    request: Request<pb::GetStatsRequest>,
) -> Result<(DivisionCode, NaiveDate, NaiveDate), Status> {
    let caller = auth::caller(&request)?;
    caller.require(Permission::OversightRead)?;
    let r = request.into_inner();
    let division = caller.narrow_code("division_code", &r.division_code)?;
    let period = time::period_from_proto(r.period.as_ref(), "period")?;
    let from = period.start.map_or(time::EARLIEST_DATE, time::china_date);
    let to = period.end.map_or_else(
        || api.clock.today(),
        |end| time::china_date(end - chrono::Duration::microseconds(1)),
    );
    Ok((division, from, to))
}

fn stats(f: CaseFigures) -> pb::CaseStats {
    pb::CaseStats {
        total: f.leads,
        filed: f.filed,
        decided: f.decided,
        closed: f.closed,
        decided_on_time: f.decided_on_time,
        review_required: f.review_required,
        reviewed: f.reviewed,
        discussion_required: f.discussion_required,
        discussed: f.discussed,
        recorded: f.recorded,
        published: f.published,
        published_on_time: f.published_on_time,
        avg_days_to_filing: f.avg_days_to_filing,
        avg_days_to_decision: f.avg_days_to_decision,
        fines_imposed_fen: f.fines_imposed_fen,
        fines_collected_fen: f.fines_collected_fen,
        late_charges_fen: f.late_charges_fen,
        certification_refusals: f.certification_refusals,
        not_filed: f.not_filed,
        terminated: f.terminated,
        penalty_decisions: f.penalty_decisions,
        no_penalty_decisions: f.no_penalty_decisions,
        dismissed: f.dismissed,
        transferred: f.transferred,
        simple_decisions: f.simple_decisions,
        recording_required: f.recording_required,
    }
}

#[cfg(test)]
mod tests {
    /// A township with nothing in the period is left out of the township
    /// rows; the default its reader fills in is what `GetStats` answers.
    #[test]
    fn nothing_counted_reads_as_the_default() {
        assert_eq!(
            super::stats(Default::default()),
            fazhi_proto::cases::v1::CaseStats::default()
        );
    }
}
