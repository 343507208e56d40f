//! Gathering one division's figures, or every township's, from the three
//! services at once: a service down or late leaves its part null and is
//! named; a refusal is the caller's error.

use std::collections::BTreeMap;

use fazhi_proto::{cases::v1 as cases, complaints::v1 as complaints, training::v1 as training};

use super::Figures;
use crate::domain::figures::{CaseFigures, ComplaintFigures, TrainingStats};
use crate::{AppState, edge::problem::Problem, identity::authn::Identity};

/// Whether a service's answer means it is down or late, not that it refused:
/// the oversight reads then go on without it, marked partial.
pub(crate) fn is_down(status: &tonic::Status) -> bool {
    matches!(
        status.code(),
        tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled
    )
}

/// One division's figures from every service at once; a service that is
/// down leaves its part null and is named.
pub(crate) async fn gather(
    state: &AppState,
    identity: &Identity,
    division_code: String,
    period: Option<fazhi_proto::common::v1::TimeRange>,
) -> Result<Figures, Problem> {
    let (mut complaint_client, mut case_client, mut training_client) = (
        state.complaints.clone(),
        state.cases.clone(),
        state.training.clone(),
    );
    let (c, k, t) = tokio::join!(
        complaint_client.get_stats(state.signed(
            identity,
            complaints::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        case_client.get_stats(state.signed(
            identity,
            cases::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        training_client.get_stats(state.signed(
            identity,
            training::GetStatsRequest {
                division_code,
                period
            }
        )),
    );
    let mut unavailable = Vec::new();
    let complaints = part(
        &mut unavailable,
        "complaints",
        c.map(|r| complaint_figures(r.into_inner())),
    )?;
    let cases = part(
        &mut unavailable,
        "cases",
        k.map(|r| case_figures(r.into_inner())),
    )?;
    let training = part(
        &mut unavailable,
        "training",
        t.map(|r| TrainingStats::from(r.into_inner())),
    )?;
    Ok(Figures {
        complaints,
        cases,
        training,
        partial: !unavailable.is_empty(),
        unavailable,
    })
}

/// Each township's figures under `division_code` (one row per code of
/// `townships`, in order), from one grouped read per service; a service that
/// is down leaves its part null in every row and is named.
pub(crate) async fn gather_townships(
    state: &AppState,
    identity: &Identity,
    division_code: String,
    townships: &[String],
    period: Option<fazhi_proto::common::v1::TimeRange>,
) -> Result<Vec<Figures>, Problem> {
    if townships.is_empty() {
        return Ok(Vec::new());
    }
    let (mut complaint_client, mut case_client, mut training_client) = (
        state.complaints.clone(),
        state.cases.clone(),
        state.training.clone(),
    );
    let (c, k, t) = tokio::join!(
        complaint_client.get_township_stats(state.signed(
            identity,
            complaints::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        case_client.get_township_stats(state.signed(
            identity,
            cases::GetStatsRequest {
                division_code: division_code.clone(),
                period
            }
        )),
        training_client.get_township_stats(state.signed(
            identity,
            training::GetStatsRequest {
                division_code,
                period
            }
        )),
    );
    let mut unavailable = Vec::new();
    let mut complaints = part(
        &mut unavailable,
        "complaints",
        c.map(|r| {
            by_code(r.into_inner().townships, |row| {
                (row.division_code, row.stats)
            })
        }),
    )?;
    let mut cases = part(
        &mut unavailable,
        "cases",
        k.map(|r| {
            by_code(r.into_inner().townships, |row| {
                (row.division_code, row.stats)
            })
        }),
    )?;
    let mut training = part(
        &mut unavailable,
        "training",
        t.map(|r| {
            by_code(r.into_inner().townships, |row| {
                (row.division_code, row.stats)
            })
        }),
    )?;
    // A township a service left out had nothing in the period: its figures
    // are the service's zeros, as its own `GetStats` would answer.
    Ok(townships
        .iter()
        .map(|code| Figures {
            complaints: complaints
                .as_mut()
                .map(|rows| complaint_figures(rows.remove(code).unwrap_or_default())),
            cases: cases
                .as_mut()
                .map(|rows| case_figures(rows.remove(code).unwrap_or_default())),
            training: training
                .as_mut()
                .map(|rows| TrainingStats::from(rows.remove(code).unwrap_or_default())),
            partial: !unavailable.is_empty(),
            unavailable: unavailable.clone(),
        })
        .collect())
}

/// A service's township rows by their code.
fn by_code<R, S>(rows: Vec<R>, split: impl Fn(R) -> (String, Option<S>)) -> BTreeMap<String, S> {
    rows.into_iter()
        .filter_map(|row| {
            let (code, stats) = split(row);
            Some((code, stats?))
        })
        .collect()
}

/// A service's answer: its figures, or — when it is down or late — none,
/// with its name added to `unavailable`; a refusal is the caller's error.
fn part<T>(
    unavailable: &mut Vec<&'static str>,
    name: &'static str,
    result: Result<T, tonic::Status>,
) -> Result<Option<T>, Problem> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(status) if is_down(&status) => {
            tracing::warn!(service = name, code = ?status.code(), "summary is partial");
            unavailable.push(name);
            Ok(None)
        }
        Err(status) => Err(status.into()),
    }
}

fn case_figures(s: cases::CaseStats) -> CaseFigures {
    CaseFigures {
        total: s.total,
        filed: s.filed,
        decided: s.decided,
        decided_on_time: s.decided_on_time,
        closed: s.closed,
        review_required: s.review_required,
        reviewed: s.reviewed,
        discussion_required: s.discussion_required,
        discussed: s.discussed,
        recording_required: s.recording_required,
        recorded: s.recorded,
        penalty_decisions: s.penalty_decisions,
        no_penalty_decisions: s.no_penalty_decisions,
        dismissed: s.dismissed,
        transferred: s.transferred,
        simple_decisions: s.simple_decisions,
        published: s.published,
        published_on_time: s.published_on_time,
        avg_days_to_filing: s.avg_days_to_filing,
        avg_days_to_decision: s.avg_days_to_decision,
        fines_imposed_fen: s.fines_imposed_fen,
        fines_collected_fen: s.fines_collected_fen,
        late_charges_fen: s.late_charges_fen,
        certification_refusals: s.certification_refusals,
        not_filed: s.not_filed,
        terminated: s.terminated,
    }
}

fn complaint_figures(s: complaints::ComplaintStats) -> ComplaintFigures {
    let by = |rows: Vec<complaints::CountByKey>| -> BTreeMap<String, i64> {
        rows.into_iter().map(|row| (row.key, row.count)).collect()
    };
    ComplaintFigures {
        received: s.received,
        urgent: s.urgent,
        by_channel: by(s.by_channel),
        by_category: by(s.by_category),
        by_type: by(s.by_type),
        dispatched: s.dispatched,
        accepted_on_time: s.accepted_on_time,
        due: s.due,
        replied_on_time: s.replied_on_time,
        replied_late: s.replied_late,
        overdue: s.overdue,
        replied: s.replied,
        visited: s.visited,
        resolved: s.resolved,
        satisfied: s.satisfied,
        basically_satisfied: s.basically_satisfied,
        unsatisfied: s.unsatisfied,
        closed: s.closed,
        returned: s.returned,
        reopened: s.reopened,
        duplicates: s.duplicates,
        handed_off: s.handed_off,
        extended: s.extended,
        supervised: s.supervised,
        escalated: s.escalated,
        withdrawn: s.withdrawn,
        reassigned: s.reassigned,
        closed_without_follow_up: s.closed_without_follow_up,
        returned_to_county: s.returned_to_county,
        response_rate: s.response_rate,
        on_time_rate: s.on_time_rate,
        resolution_rate: s.resolution_rate,
        satisfaction_rate: s.satisfaction_rate,
        follow_up_rate: s.follow_up_rate,
        repeat_rate: s.repeat_rate,
    }
}
