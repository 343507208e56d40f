//! The training figures over REST.

use super::*;
use crate::domain::figures::{ExamKindStats, TrainingStats};
use fazhi_proto::training::v1 as pb;

impl From<pb::TrainingStats> for TrainingStats {
    fn from(s: pb::TrainingStats) -> Self {
        Self {
            people: s.people,
            enforcement_staff: s.enforcement_staff,
            certificate_holders: s.certificate_holders,
            certificate_holders_section_level: s.certificate_holders_section_level,
            certification_rate: s.certification_rate,
            annual_review_takers: s.annual_review_takers,
            annual_review_passed: s.annual_review_passed,
            training_hours_per_person: s.training_hours_per_person,
            training_requirement_met_rate: s.training_requirement_met_rate,
            exams: s
                .exams
                .into_iter()
                .map(|e| ExamKindStats {
                    kind: exam_kind_code(e.kind),
                    registered: e.registered,
                    sat: e.sat,
                    passed: e.passed,
                    excellent: e.excellent,
                    participation_rate: e.participation_rate,
                    pass_rate: e.pass_rate,
                    excellent_rate: e.excellent_rate,
                })
                .collect(),
            outreach_events: s.outreach_events,
            outreach_materials: s.outreach_materials,
            outreach_people_reached: s.outreach_people_reached,
            certificate_holders_suspended: s.certificate_holders_suspended,
            certificate_holders_in_good_standing: s.certificate_holders_in_good_standing,
        }
    }
}
