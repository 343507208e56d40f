//! Each document written from a case taken through its steps, pinned as
//! text; the .docx holds the same words.

use fazhi_calendar::Calendar;

use super::*;
use crate::domain::fixtures::*;
use crate::domain::{self, CaseRules, CaseStatus, Discussion, OrderKind, Penalty, WaiverKind};

const TODAY: &str = "2026-11-29";

fn item() -> PowerItem {
    PowerItem {
        name: "对未取得乡村建设规划许可证进行建设的行政处罚".into(),
        legal_basis: "《中华人民共和国城乡规划法》第六十五条".into(),
        ..power_item()
    }
}

fn filed() -> Case {
    let mut case = lead();
    case.status = CaseStatus::Filed;
    case.filed_on = Some(day("2024-03-05"));
    case.officers = vec!["o1".into(), "o2".into()];
    case.proceedings.case_number = "老城镇罚立字〔2024〕第007号".into();
    case
}

/// ¥6,000 and a demolition order for a building on farmland: notified at
/// Henan's hearing amount, the hearing waived in writing, discussed,
/// decided and served by post.
fn served() -> Case {
    let (calendar, rules, today) = (Calendar::official(), CaseRules::default(), day(TODAY));
    let penalty = Penalty {
        fine_fen: 600_000,
        ..Penalty::default()
    };
    let notified = domain::notify(
        &filed(),
        penalty,
        day("2024-03-11"),
        today,
        &calendar,
        &rules,
    )
    .unwrap();
    let waived = domain::waive_hearing(
        &notified,
        WaiverKind::Written,
        day("2024-03-12"),
        today,
        &calendar,
        &rules,
    )
    .unwrap();
    let defended = domain::record_defence(&waived, day("2024-03-13"), today).unwrap();
    let discussed = domain::discuss(
        &defended,
        Discussion {
            on: day("2024-03-18"),
            leaders: vec!["镇长".into(), "分管副镇长".into()],
            minutes: "同意".into(),
            conclusion: "罚款六千元并限期拆除".into(),
        },
        today,
    )
    .unwrap();
    let decided = domain::decide(
        &discussed,
        domain::DecisionKind::Penalty,
        penalty,
        day("2024-03-20"),
        today,
        &rules,
    )
    .unwrap();
    let mut ordered =
        domain::give_orders(&decided, &[(OrderKind::Demolish, Some(day("2024-04-20")))]).unwrap();
    ordered.proceedings.decision.as_mut().unwrap().number = "老城镇罚决字〔2024〕第003号".into();
    domain::serve(
        &ordered,
        domain::ServiceMethod::Post,
        false,
        day("2024-03-22"),
        today,
        &calendar,
        &rules,
        &[],
    )
    .unwrap()
}

fn written(kind: DocumentKind, case: &Case) -> String {
    let item = item();
    let source = Source {
        case,
        item: &item,
        records: &[],
        agency: "老城镇人民政府",
        appeal_to: "沈丘县人民政府",
    };
    text(&write(kind, &source).unwrap())
}

#[test]
fn the_notice_names_the_penalty_and_the_rights_with_their_days() {
    insta::assert_snapshot!(written(DocumentKind::Notice, &served()));
}

#[test]
fn the_decision_states_everything_article_59_asks_for() {
    let text = written(DocumentKind::Decision, &served());
    for part in [
        "王五",
        "11010519491231002X",
        "老城镇西关村",
        "《中华人民共和国城乡规划法》第六十五条",
        "罚款人民币6000元",
        "2024年4月20日前自行拆除",
        "十五日内",
        "六十日内向沈丘县人民政府申请行政复议",
        "六个月内",
        "2024年3月20日",
        "老城镇罚决字〔2024〕第003号",
    ] {
        assert!(text.contains(part), "{part} missing from\n{text}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn the_service_receipt_names_the_document_the_party_and_how() {
    insta::assert_snapshot!(written(DocumentKind::ServiceReceipt, &served()));
}

#[test]
fn a_decision_not_to_penalise_is_its_own_document_and_a_transfer_has_none() {
    let today = day(TODAY);
    let dismissed = domain::decide(
        &filed(),
        domain::DecisionKind::Dismissed,
        Penalty::default(),
        day("2024-03-20"),
        today,
        &CaseRules::default(),
    )
    .unwrap();
    insta::assert_snapshot!(written(DocumentKind::Decision, &dismissed));
    let transferred = domain::decide(
        &filed(),
        domain::DecisionKind::Transferred,
        Penalty::default(),
        day("2024-03-20"),
        today,
        &CaseRules::default(),
    )
    .unwrap();
    let item = item();
    let source = Source {
        case: &transferred,
        item: &item,
        records: &[],
        agency: "老城镇人民政府",
        appeal_to: "沈丘县人民政府",
    };
    assert!(write(DocumentKind::Decision, &source).is_err());
    // Nothing notified, nothing to write a notice from.
    let source = Source {
        case: &filed(),
        ..source
    };
    let err = write(DocumentKind::Notice, &source).unwrap_err();
    assert_eq!(err.code, Code::InvalidTransition);
}

#[test]
fn the_docx_holds_the_words_of_the_text() {
    let item = item();
    let case = served();
    let source = Source {
        case: &case,
        item: &item,
        records: &[],
        agency: "老城镇人民政府",
        appeal_to: "沈丘县人民政府",
    };
    let doc = write(DocumentKind::Decision, &source).unwrap();
    let bytes = docx(&doc).unwrap();
    assert_eq!(&bytes[..2], b"PK", "a .docx is a zip archive");
    assert!(bytes.len() > 2_000);
}
