//! The training figures of a division and period.

use chrono::{Duration, NaiveDate};
use fazhi_platform::{
    auth::{self, Permission},
    time,
};
use fazhi_proto::training::v1 as pb;
use tonic::{Request, Response, Status};

use super::*;
use crate::domain::ExamKind;

pub(super) async fn get_stats(
    api: &TrainingApi,
    request: Request<pb::GetStatsRequest>,
) -> Result<Response<pb::TrainingStats>, Status> {
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
    let (counts, figures) = tokio::try_join!(
        api.store.counts(Some(&scope), to),
        api.store.period_figures(
            &scope,
            from.max(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(from)),
            to,
            required,
        )
    )?;
    Ok(Response::new(pb::TrainingStats {
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
    }))
}
