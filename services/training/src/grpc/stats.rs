//! The training figures of a division and period.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use fazhi_platform::{
    auth::{self, Permission},
    db::Grouping,
    time,
};
use fazhi_proto::training::v1 as pb;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::ExamKind;
use crate::store::{Counts, PeriodFigures};

pub(super) async fn get_stats(
    api: &TrainingApi,
    request: Request<pb::GetStatsRequest>,
) -> Result<Response<pb::TrainingStats>, Status> {
    let mut groups = grouped(api, request, Grouping::Whole).await?;
    Ok(Response::new(groups.remove("").unwrap_or_else(|| {
        stats(Counts::default(), PeriodFigures::default())
    })))
}

pub(super) async fn get_township_stats(
    api: &TrainingApi,
    request: Request<pb::GetStatsRequest>,
) -> Result<Response<pb::TownshipTrainingStats>, Status> {
    let groups = grouped(api, request, Grouping::Townships).await?;
    Ok(Response::new(pb::TownshipTrainingStats {
        townships: groups
            .into_iter()
            .filter(|(code, _)| code.len() == 9)
            .map(|(division_code, stats)| pb::TownshipTrainingStatsRow {
                division_code,
                stats: Some(stats),
            })
            .collect(),
    }))
}

/// The figures of each group of divisions a request asks for, once the
/// caller may read them.
async fn grouped(
    api: &TrainingApi,
    request: Request<pb::GetStatsRequest>,
    grouping: Grouping,
) -> Result<BTreeMap<String, pb::TrainingStats>, Status> {
    let caller = auth::caller(&request)?;
    if !(caller.may(Permission::TrainingRead) || caller.may(Permission::OversightRead)) {
        return Err(auth::forbidden(Permission::OversightRead).into());
    }
    let r = request.into_inner();
    let scope = caller.narrow_code("division_code", &r.division_code)?;
    let period = time::period_from_proto(r.period.as_ref(), "period")?;
    // Dates of the period, inclusive; holders are counted on its last day.
    let from = period.start.map_or(NaiveDate::MIN, time::china_date);
    let to = period.end.map_or_else(
        || api.clock.today(),
        |end| time::china_date(end - Duration::microseconds(1)),
    );
    let required = i64::from(api.rules.hours_per_year) * 10;
    let (mut counts, mut figures) = tokio::try_join!(
        api.store.counts_grouped(Some(&scope), to, grouping),
        api.store.period_figures_grouped(
            &scope,
            from.max(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(from)),
            to,
            required,
            grouping,
        )
    )?;
    let keys: BTreeSet<String> = counts.keys().chain(figures.keys()).cloned().collect();
    Ok(keys
        .into_iter()
        .map(|key| {
            let counts = counts.remove(&key).unwrap_or_default();
            let figures = figures.remove(&key).unwrap_or_default();
            (key, stats(counts, figures))
        })
        .collect())
}

/// A group's figures from its head counts and its period's records.
fn stats(counts: Counts, figures: PeriodFigures) -> pb::TrainingStats {
    pb::TrainingStats {
        people: counts.people,
        enforcement_staff: counts.enforcement_staff,
        certificate_holders: counts.certificate_holders,
        certificate_holders_section_level: counts.certificate_holders_section_level,
        certificate_holders_suspended: counts.certificate_holders_suspended,
        certificate_holders_in_good_standing: counts.certificate_holders
            - counts.certificate_holders_suspended,
        certification_rate: rate(counts.certified_enforcement_staff, counts.enforcement_staff),
        annual_review_takers: figures.review_takers,
        annual_review_passed: figures.review_passed,
        training_hours_per_person: if counts.enforcement_staff == 0 {
            0.0
        } else {
            from_tenths(figures.staff_hours_tenths) / counts.enforcement_staff as f64
        },
        training_requirement_met_rate: rate(
            figures.staff_meeting_requirement,
            counts.enforcement_staff,
        ),
        exams: figures
            .exams
            .into_iter()
            .map(
                |(kind, registered, sat, passed, excellent)| pb::ExamKindStats {
                    kind: ExamKind::from_code(&kind).map_or(0, exam_kind_proto),
                    registered,
                    sat,
                    passed,
                    excellent,
                    participation_rate: rate(sat, registered),
                    pass_rate: rate(passed, sat),
                    excellent_rate: rate(excellent, sat),
                },
            )
            .collect(),
        outreach_events: figures.outreach_events,
        outreach_materials: figures.outreach_materials,
        outreach_people_reached: figures.outreach_people,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A township with nothing in the period is left out of the township
    /// rows; the default its reader fills in is what `GetStats` answers.
    #[test]
    fn nothing_counted_reads_as_the_default() {
        assert_eq!(
            stats(Counts::default(), PeriodFigures::default()),
            pb::TrainingStats::default()
        );
    }
}
