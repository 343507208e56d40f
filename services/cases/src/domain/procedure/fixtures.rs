//! Cases part-way through the procedure, for the steps' tests.

use fazhi_calendar::Calendar;

use super::*;
use crate::domain::fixtures::*;
use crate::domain::{Record, RecordKind, RecordStep};

/// A video of the hearing, registered.
pub fn hearing_video() -> Record {
    Record {
        id: "r1".into(),
        case_id: "k1".into(),
        kind: RecordKind::Video,
        step: RecordStep::Hearing,
        sha256: "a".repeat(64),
        size_bytes: 1 << 20,
        location: "records/k1/r1".into(),
        recorded_by: "o1".into(),
        device: "执法记录仪".into(),
        recorded_at: "2024-03-28T09:00:00Z".parse().unwrap(),
        content_stored_at: None,
        content_key: None,
    }
}

pub fn rules() -> CaseRules {
    CaseRules::default()
}

pub fn fine(yuan: i64) -> Penalty {
    Penalty {
        warning: false,
        fine_fen: yuan * 100,
        ..Penalty::default()
    }
}

pub const TODAY: &str = "2026-11-29";

/// Filed on 2024-03-05 (a Tuesday) with officers o1 and o2.
pub fn filed() -> Case {
    Case {
        status: CaseStatus::Filed,
        filed_on: Some(day("2024-03-05")),
        officers: vec!["o1".into(), "o2".into()],
        ..lead()
    }
}

pub fn notified(penalty: Penalty) -> Case {
    notify(
        &filed(),
        penalty,
        day("2024-03-11"),
        day(TODAY),
        &Calendar::official(),
        &rules(),
    )
    .unwrap()
}

/// A fine notified on 2024-03-11 and decided on 2024-03-15.
pub fn decided_fine(yuan: i64) -> Case {
    decide(
        &notified(fine(yuan)),
        DecisionKind::Penalty,
        fine(yuan),
        day("2024-03-15"),
        day(TODAY),
        &rules(),
    )
    .unwrap()
}

/// A fine decided on 2024-03-15 and served in person on `served_on`.
pub fn served_fine(yuan: i64, served_on: &str) -> Case {
    serve(
        &decided_fine(yuan),
        ServiceMethod::InPerson,
        false,
        day(served_on),
        day(TODAY),
        &Calendar::official(),
        &rules(),
        &[],
    )
    .unwrap()
}
