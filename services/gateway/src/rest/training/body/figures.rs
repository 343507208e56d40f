//! The training figures over REST.

use fazhi_proto::training::v1 as pb;
use serde::Serialize;
use utoipa::ToSchema;

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExamKindStats {
    #[schema(value_type = crate::rest::codes::ExamKind)]
    pub kind: String,
    /// Registered for an exam of this kind in the period.
    pub registered: i64,
    pub sat: i64,
    pub passed: i64,
    pub excellent: i64,
    /// sat ÷ registered, passed ÷ sat, excellent ÷ sat (0 when there is nobody).
    pub participation_rate: f64,
    pub pass_rate: f64,
    pub excellent_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrainingStats {
    /// People on record.
    pub people: i64,
    /// People in an enforcement post.
    pub enforcement_staff: i64,
    /// 持证人数 on the last day of the period, from the dated history: people
    /// with a certificate issued by then and not revoked, cancelled or
    /// expired on that day (a suspended certificate is still held).
    pub certificate_holders: i64,
    /// Of those, at section level and above (科级以上).
    pub certificate_holders_section_level: i64,
    /// Enforcement staff holding a certificate ÷ enforcement staff.
    pub certification_rate: f64,
    /// 年审参加人数: holders who sat an annual-review exam held in the period.
    pub annual_review_takers: i64,
    /// 年审通过人数: holders whose review for a year of the period passed.
    pub annual_review_passed: i64,
    /// 学时 attended in the period by enforcement staff, per person.
    pub training_hours_per_person: f64,
    /// Share of enforcement staff meeting the yearly hours in the period.
    pub training_requirement_met_rate: f64,
    pub exams: Vec<ExamKindStats>,
    pub outreach_events: i64,
    pub outreach_materials: i64,
    pub outreach_people_reached: i64,
    /// Of the holders, those whose certificate was suspended on that day.
    pub certificate_holders_suspended: i64,
    /// Of the holders, those in good standing (not suspended) on that day.
    pub certificate_holders_in_good_standing: i64,
}

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
