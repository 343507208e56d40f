//! The figures of a period as the county reads them: the services' figures
//! for a division, gathered by the gateway (the summary, the dashboard and
//! the annual report are written from these). Counted by the services;
//! here they are only values.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// Complaint figures of the summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintFigures {
    /// Requests received in the period.
    pub received: i64,
    pub urgent: i64,
    /// Received, by channel code.
    pub by_channel: BTreeMap<String, i64>,
    /// Received, by category code.
    pub by_category: BTreeMap<String, i64>,
    /// Received, by request type code.
    pub by_type: BTreeMap<String, i64>,
    /// Dispatched (派单) in the period, and of those signed for in time.
    pub dispatched: i64,
    pub accepted_on_time: i64,
    /// Replies due in the period (up to today), those given by the due day, the rest.
    pub due: i64,
    pub replied_on_time: i64,
    /// Of those due, replied after the due day (apart from overdue).
    pub replied_late: i64,
    pub overdue: i64,
    pub replied: i64,
    /// Followed up (回访) in the period, and what those found.
    pub visited: i64,
    pub resolved: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub unsatisfied: i64,
    pub closed: i64,
    pub returned: i64,
    pub reopened: i64,
    /// Repeats merged into an earlier request.
    pub duplicates: i64,
    pub handed_off: i64,
    pub extended: i64,
    pub supervised: i64,
    pub escalated: i64,
    /// Withdrawn by the platform that pushed them (撤单), counted apart.
    pub withdrawn: i64,
    /// Reassigned away by the platform (改派): left here, counted apart.
    pub reassigned: i64,
    /// Closed after the reply without a follow-up: replied, not visited.
    pub closed_without_follow_up: i64,
    /// Returned as a county department's matter: out of the township's
    /// other figures, counted apart.
    pub returned_to_county: i64,
    /// 响应率: accepted_on_time ÷ dispatched (absent without a dispatch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_rate: Option<f64>,
    /// 按时办结率: replied_on_time ÷ due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_rate: Option<f64>,
    /// 解决率: resolved ÷ visited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_rate: Option<f64>,
    /// 满意率: (satisfied + basically satisfied) ÷ visited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfaction_rate: Option<f64>,
    /// 回访率: visited ÷ replied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up_rate: Option<f64>,
    /// Repeats ÷ received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat_rate: Option<f64>,
}

/// Case figures of the summary, each step counted by its own day.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseFigures {
    /// Leads (线索) that came in during the period.
    pub total: i64,
    /// Filed (立案) in the period under the general procedure.
    pub filed: i64,
    /// Decided (决定) in the period under the general procedure, every kind,
    /// and of those within the decision period.
    pub decided: i64,
    pub decided_on_time: i64,
    /// Of the decided: penalties (作出行政处罚决定), no penalty (首违不罚 among
    /// them), dismissed and transferred.
    pub penalty_decisions: i64,
    pub no_penalty_decisions: i64,
    pub dismissed: i64,
    pub transferred: i64,
    /// Decided on the spot under the simple procedure (当场处罚), apart.
    pub simple_decisions: i64,
    /// Closed (结案) in the period.
    pub closed: i64,
    /// Decisions that needed legal review (法制审核), and those with an approving one.
    pub review_required: i64,
    pub reviewed: i64,
    /// Decisions that needed collective discussion (集体讨论), and those discussed.
    pub discussion_required: i64,
    pub discussed: i64,
    /// Decided cases with a step that needs an audio or video record (a
    /// hearing, a seizure, a forced demolition, service by leaving it), and
    /// of those the cases that have one (全过程记录).
    pub recording_required: i64,
    pub recorded: i64,
    /// Decisions published (公示), and those within seven working days.
    pub published: i64,
    pub published_on_time: i64,
    /// Average days from discovery to filing, and from filing to decision.
    pub avg_days_to_filing: f64,
    pub avg_days_to_decision: f64,
    /// Fines decided, and fines and late charges paid (fen).
    pub fines_imposed_fen: i64,
    pub fines_collected_fen: i64,
    pub late_charges_fen: i64,
    /// Officer actions refused because an officer was not certified.
    pub certification_refusals: i64,
    /// Leads declined (不予立案) and cases terminated (终止) in the period.
    pub not_filed: i64,
    pub terminated: i64,
}

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
