//! What the workflow records on a complaint (the handling), and the coded
//! values its steps carry: why a dispatch came back, how the requester
//! judged it, where a request not handled here went.

use chrono::{DateTime, Utc};
use fazhi_platform::{DivisionCode, coded_enum};
use serde::{Deserialize, Serialize};

coded_enum! {
    /// Why a handling unit sends a dispatch back (退单).
    ReturnReason {
        /// Not this unit's matter; another township or unit handles it.
        WrongUnit => "wrong_unit",
        /// A county department's duty, which must not be pushed down to a
        /// township (国办函〔2025〕66号).
        CountyDepartment => "county_department",
        /// Outside the administrative area.
        OutsideArea => "outside_area",
        /// Not enough to act on (no address, no facts).
        Incomplete => "incomplete",
    }
}

coded_enum! {
    /// How the requester judged the handling at the follow-up (回访).
    Satisfaction {
        Satisfied => "satisfied",
        BasicallySatisfied => "basically_satisfied",
        Unsatisfied => "unsatisfied",
    }
}

coded_enum! {
    /// Why a replied request is closed without a follow-up visit.
    NoVisit {
        /// The requester gave no way to reach them.
        Anonymous => "anonymous",
        /// Not reached after the tries the rules ask.
        Unreachable => "unreachable",
        /// The requester declined the visit.
        Declined => "declined",
    }
}

coded_enum! {
    /// Where a request not handled here was sent.
    HandOff {
        /// Danger to life or property: 110, 119, 120 or 122.
        Emergency => "emergency",
        /// A court's matter (诉讼).
        Court => "court",
        /// Arbitration (仲裁).
        Arbitration => "arbitration",
        /// The 信访 route (信访工作条例).
        Petition => "petition",
        /// Another legal route, named in the note.
        OtherLegalRoute => "other_legal_route",
    }
}

/// An extension asked for once, before the reply falls due (延期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub requested_at: DateTime<Utc>,
    pub working_days: u32,
    pub reason: String,
    /// None until decided.
    pub approved: Option<bool>,
}

/// The follow-up (回访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub at: DateTime<Utc>,
    pub resolved: bool,
    #[serde(with = "super::coded::satisfaction")]
    pub satisfaction: Satisfaction,
}

/// Everything the workflow has recorded on a complaint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Handling {
    /// The unit (a division: township, village or department code) it is
    /// dispatched to.
    pub unit: Option<DivisionCode>,
    /// The routing list version that chose the unit; none when by hand.
    pub routing_version: Option<i64>,
    pub dispatched_at: Option<DateTime<Utc>>,
    /// Its first dispatch: the day it counts as dispatched on (a
    /// re-dispatch after a return is the same complaint).
    pub first_dispatched_at: Option<DateTime<Utc>>,
    /// The sign-for limit (签收时限).
    pub accept_due: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub extension: Option<Extension>,
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub follow_up_due: Option<DateTime<Utc>>,
    pub visit: Option<Visit>,
    /// Flagged by the county (督办); reminders sent since.
    pub supervised: bool,
    pub reminders: u32,
    pub duplicate_of: Option<String>,
    #[serde(default, with = "super::coded::hand_off")]
    pub handed_off: Option<HandOff>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Closed after the reply without a follow-up: the code of its
    /// [`NoVisit`] reason.
    pub closed_without_follow_up: Option<String>,
    /// Times sent back to handling after an unsatisfied follow-up.
    pub reopened: u32,
    pub returns: u32,
    /// Returned as a county department's matter (国办函〔2025〕66号): out of
    /// the township's figures unless the platform refuses the return.
    pub left_here: bool,
    /// When it was escalated to enforcement as a lead.
    pub escalated_at: Option<DateTime<Utc>>,
    /// When the platform that pushed it withdrew it (撤单): it ended there.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Times the platform added information later (补充).
    pub supplemented: u32,
    /// The unit the last return came from, while the return stands.
    pub returned_from: Option<DivisionCode>,
    /// The pushing platform's decision on the last return (退单审核): none
    /// until it decides; refused sends the ticket back to that unit.
    pub return_approved: Option<bool>,
    /// When the platform that pushed it reassigned it away (改派) and to
    /// whom: it left here and the township's figures.
    pub reassigned_at: Option<DateTime<Utc>>,
    pub reassigned_to: Option<String>,
    /// A report about enforcement conduct: the unit and the officer it
    /// names (信访工作条例: never passed to the accused).
    pub concerns_unit: Option<DivisionCode>,
    pub concerns_officer: Option<String>,
    /// Who pushed it, for a ticket pushed by a platform: only they re-push it.
    pub pushed_by: Option<String>,
    /// A deadline of this complaint falls in a year the holiday calendar
    /// does not cover: it was counted on weekends alone and may move.
    pub calendar_gap: bool,
    /// The lead the escalation created, once delivered (kept in its own
    /// column, written by the outbox relay only).
    #[serde(skip)]
    pub lead_id: Option<String>,
    /// When it was last reminded of as overdue (its own column, written by
    /// the reminder sweep only).
    #[serde(skip)]
    pub reminded_at: Option<DateTime<Utc>>,
}
