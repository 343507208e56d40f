//! Records the rules' tests start from.

use chrono::NaiveDate;
use fazhi_platform::DivisionCode;
use fazhi_platform::category::EnforcementCategory;

use super::*;

pub fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub fn person(employment: Employment) -> Person {
    Person {
        id: "p1".into(),
        division: DivisionCode::parse("411624100").unwrap(),
        name: "李四".into(),
        id_number: "11010519491231002X".into(),
        unit: "综合行政执法大队".into(),
        employment,
        rank: String::new(),
        rank_level: None,
        section_level: false,
        enforcement_post: true,
        joined_on: None,
        legal_qualification: None,
        version: 1,
        held_for: None,
    }
}

pub fn sitting(kind: ExamKind, held_on: &str, score: Option<i64>) -> Sitting {
    Sitting {
        kind,
        held_on: day(held_on),
        score,
        pass_mark: 600,
    }
}

pub fn certificate(status: CertificateStatus, since: &str) -> Certificate {
    Certificate {
        id: "c1".into(),
        number: "豫41162400001".into(),
        person_id: "p1".into(),
        issued_on: day("2021-03-01"),
        valid_until: day("2026-02-28"),
        status,
        status_since: day(since),
        version: 1,
        competence: Competence {
            areas: vec![DivisionCode::parse("411624100").unwrap()],
            categories: vec![EnforcementCategory::Comprehensive],
        },
    }
}

/// An action asked about without a division or category.
pub fn any() -> Action {
    Action::default()
}
