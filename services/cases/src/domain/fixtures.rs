//! Records the rules' tests start from.

use chrono::NaiveDate;
use fazhi_platform::DivisionCode;
use fazhi_platform::category::EnforcementCategory;

use super::*;

pub fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub fn division(code: &str) -> DivisionCode {
    DivisionCode::parse(code).unwrap()
}

pub fn power_item() -> PowerItem {
    PowerItem {
        id: "i1".into(),
        code: "330217001000".into(),
        name: "对未取得乡村建设规划许可证进行建设的行政处罚".into(),
        legal_basis: "《中华人民共和国城乡规划法》第六十五条".into(),
        kind: PowerKind::Penalty,
        source: PowerSource::Own,
        category: EnforcementCategory::Comprehensive,
        effective_from: day("2022-01-01"),
        effective_to: None,
        holders: vec![division("411624100")],
        version: 1,
    }
}

pub fn new_lead_fixture() -> NewLead {
    NewLead {
        division_code: "411624100".into(),
        source: Some(CaseSource::Inspection),
        complaint_id: None,
        party_kind: Some(PartyKind::Person),
        party_name: "王五".into(),
        party_id_number: "11010519491231002X".into(),
        party_address: "老城镇西关村".into(),
        facts: "在西关村耕地上未经许可建房".into(),
        act_on: Some(day("2024-01-10")),
        continuing: false,
        act_ended_on: None,
        serious_harm: false,
        discovered_on: Some(day("2024-03-01")),
    }
}

pub fn lead() -> Case {
    new_lead(new_lead_fixture(), "k1".into(), day("2026-11-29")).unwrap()
}
