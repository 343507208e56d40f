//! The workflow's rules that depend on the clock and the calendar.

use super::*;
use crate::domain::{Channel, NewComplaint, RequestType, intake};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn received(when: &str) -> Complaint {
    intake(
        NewComplaint {
            channel: Channel::Hotline12345,
            request_type: RequestType::Complaint,
            category: "illegal_construction".into(),
            content: "西关村有人在耕地上违法建房".into(),
            address: "老城镇西关村".into(),
            division_code: "411624100".into(),
            complainant_name: None,
            complainant_phone: None,
            urgent: false,
            concerns_unit: None,
            concerns_officer: None,
        },
        at(when),
        &Calendar::official(),
        &WorkflowRules::default(),
        "c1".into(),
        "CODE".into(),
    )
    .unwrap()
}

fn take(c: &Complaint, step: Step, when: &str) -> Result<Complaint, Error> {
    apply(
        c,
        &step,
        "",
        at(when),
        &Calendar::official(),
        &WorkflowRules::default(),
    )
}

fn dispatch() -> Step {
    Step::Dispatch {
        unit: DivisionCode::parse("411624100201").unwrap(),
        routing_version: None,
    }
}

#[test]
fn the_sign_for_limit_is_one_working_day_and_a_return_after_it_is_refused() {
    // Friday 29 Sep 2023: National Day week follows, so the next working
    // day is Monday 9 Oct (the 7th and 8th are make-up working days: the
    // 7th is a Saturday worked).
    let c = received("2023-09-29T01:00:00Z");
    let sent = take(&c, dispatch(), "2023-09-29T02:00:00Z").unwrap();
    let due = sent.handling.accept_due.unwrap();
    assert_eq!(time::to_rfc3339(due), "2023-10-07T23:59:59+08:00");
    let late = take(
        &sent,
        Step::Return {
            reason: ReturnReason::WrongUnit,
        },
        "2023-10-08T02:00:00Z",
    )
    .unwrap_err();
    assert_eq!(late.code, Code::ReturnTooLate);
    assert!(
        take(
            &sent,
            Step::Return {
                reason: ReturnReason::WrongUnit
            },
            "2023-10-07T02:00:00Z"
        )
        .is_ok()
    );
}

#[test]
fn an_urgent_dispatch_is_signed_for_within_hours() {
    let mut c = received("2024-03-04T01:00:00Z");
    c.urgent = true;
    let sent = take(&c, dispatch(), "2024-03-04T02:00:00Z").unwrap();
    assert_eq!(sent.handling.accept_due, Some(at("2024-03-04T04:00:00Z")));
}

#[test]
fn an_extension_is_asked_before_the_due_day_once_and_moves_it_by_working_days() {
    let c = received("2024-03-04T01:00:00Z");
    let c = take(&c, dispatch(), "2024-03-04T02:00:00Z").unwrap();
    let c = take(&c, Step::Accept, "2024-03-04T03:00:00Z").unwrap();
    let after_due = take(
        &c,
        Step::RequestExtension { working_days: 5 },
        "2024-04-01T02:00:00Z",
    )
    .unwrap_err();
    assert_eq!(after_due.code, Code::ExtensionTooLate);
    let too_long = take(
        &c,
        Step::RequestExtension { working_days: 16 },
        "2024-03-05T02:00:00Z",
    )
    .unwrap_err();
    assert_eq!(too_long.code, Code::InvalidCount);
    let asked = take(
        &c,
        Step::RequestExtension { working_days: 5 },
        "2024-03-05T02:00:00Z",
    )
    .unwrap();
    // Due Monday 25 Mar (15 working days after 4 Mar); five more working
    // days: Monday 1 Apr.
    assert_eq!(
        time::to_rfc3339(asked.reply_due),
        "2024-03-25T23:59:59+08:00"
    );
    let approved = take(
        &asked,
        Step::DecideExtension { approved: true },
        "2024-03-06T02:00:00Z",
    )
    .unwrap();
    assert_eq!(
        time::to_rfc3339(approved.reply_due),
        "2024-04-01T23:59:59+08:00"
    );
    let again = take(
        &approved,
        Step::DecideExtension { approved: true },
        "2024-03-06T03:00:00Z",
    )
    .unwrap_err();
    assert_eq!(again.code, Code::NothingToDecide);
    let refused = take(
        &asked,
        Step::DecideExtension { approved: false },
        "2024-03-06T02:00:00Z",
    )
    .unwrap();
    assert_eq!(refused.reply_due, asked.reply_due);
}

#[test]
fn a_reply_sets_the_follow_up_window_of_three_working_days() {
    let c = received("2024-03-04T01:00:00Z");
    let c = take(&c, dispatch(), "2024-03-04T02:00:00Z").unwrap();
    let c = take(&c, Step::Accept, "2024-03-04T03:00:00Z").unwrap();
    // Friday 8 Mar: three working days on is Wednesday 13 Mar.
    let c = take(
        &c,
        Step::Reply {
            text: "已处理".into(),
        },
        "2024-03-08T02:00:00Z",
    )
    .unwrap();
    assert_eq!(
        time::to_rfc3339(c.handling.follow_up_due.unwrap()),
        "2024-03-13T23:59:59+08:00"
    );
    assert_eq!(c.version, 4);
}

#[test]
fn a_deadline_in_a_year_without_calendar_data_flags_the_complaint() {
    let known = received("2024-03-04T01:00:00Z");
    assert!(!known.handling.calendar_gap);
    // Far beyond any published notice: weekends alone were counted.
    let unknown = received("2099-03-02T01:00:00Z");
    assert!(unknown.handling.calendar_gap);
    // A dispatch whose sign-for day crosses into an unknown year flags it too.
    let last = Calendar::official().years().last().unwrap();
    let c = received(&format!("{last}-12-30T01:00:00Z"));
    let sent = take(&c, dispatch(), &format!("{last}-12-31T02:00:00Z")).unwrap();
    assert!(sent.handling.calendar_gap);
}

#[test]
fn a_refused_return_goes_back_to_the_unit_that_returned_it_with_a_new_sign_for_limit() {
    let c = received("2023-11-06T01:00:00Z");
    let sent = take(&c, dispatch(), "2023-11-06T02:00:00Z").unwrap();
    let back = take(
        &sent,
        Step::Return {
            reason: ReturnReason::WrongUnit,
        },
        "2023-11-06T03:00:00Z",
    )
    .unwrap();
    assert_eq!(
        back.handling.returned_from.as_ref().unwrap().as_str(),
        "411624100201"
    );
    // Nothing to decide before a return, or twice.
    let early = take(
        &sent,
        Step::DecideReturn { approved: false },
        "2023-11-06T04:00:00Z",
    );
    assert_eq!(early.unwrap_err().code, Code::NothingToDecide);
    // Refused on Tuesday: the village owes a signature by Wednesday's end.
    let refused = take(
        &back,
        Step::DecideReturn { approved: false },
        "2023-11-07T02:00:00Z",
    )
    .unwrap();
    assert_eq!(refused.status, Status::Dispatched);
    assert_eq!(
        refused.handling.unit.as_ref().unwrap().as_str(),
        "411624100201"
    );
    assert_eq!(refused.handling.return_approved, Some(false));
    assert_eq!(
        time::to_rfc3339(refused.handling.accept_due.unwrap()),
        "2023-11-08T23:59:59+08:00"
    );
    // Approved: the return stands, and is not decided again.
    let approved = take(
        &back,
        Step::DecideReturn { approved: true },
        "2023-11-07T02:00:00Z",
    )
    .unwrap();
    assert_eq!(approved.status, Status::Returned);
    assert_eq!(approved.handling.unit, None);
    let again = take(
        &approved,
        Step::DecideReturn { approved: false },
        "2023-11-07T03:00:00Z",
    );
    assert_eq!(again.unwrap_err().code, Code::NothingToDecide);
    // A new dispatch clears what the old return left.
    let redispatched = take(&approved, dispatch(), "2023-11-07T04:00:00Z").unwrap();
    assert_eq!(redispatched.handling.returned_from, None);
}

#[test]
fn a_reassignment_away_ends_the_complaint_here_until_it_is_replied() {
    let c = received("2023-11-06T01:00:00Z");
    let sent = take(&c, dispatch(), "2023-11-06T02:00:00Z").unwrap();
    let to = || Step::Reassign {
        to: "县自然资源局".into(),
    };
    let gone = take(&sent, to(), "2023-11-06T05:00:00Z").unwrap();
    assert_eq!(gone.status, Status::Closed);
    assert_eq!(gone.handling.reassigned_to.as_deref(), Some("县自然资源局"));
    assert_eq!(
        gone.handling.reassigned_at,
        Some(at("2023-11-06T05:00:00Z"))
    );
    let accepted = take(&sent, Step::Accept, "2023-11-06T03:00:00Z").unwrap();
    let replied = take(
        &accepted,
        Step::Reply {
            text: "已处理".into(),
        },
        "2023-11-06T04:00:00Z",
    )
    .unwrap();
    let late = take(&replied, to(), "2023-11-06T05:00:00Z").unwrap_err();
    assert_eq!(late.code, Code::InvalidTransition);
    assert_eq!(
        take(&gone, to(), "2023-11-06T06:00:00Z").unwrap_err().code,
        Code::InvalidTransition
    );
}

#[test]
fn a_petition_hall_item_follows_the_petition_rules_not_12345s() {
    let rules = WorkflowRules::default();
    let mut new = NewComplaint {
        channel: Channel::PetitionHall,
        request_type: RequestType::Complaint,
        category: "land".into(),
        content: "宅基地纠纷".into(),
        address: "老城镇西关村".into(),
        division_code: "411624100".into(),
        complainant_name: None,
        complainant_phone: None,
        urgent: false,
        concerns_unit: None,
        concerns_officer: None,
    };
    let petition = intake(
        new.clone(),
        at("2026-03-02T02:00:00Z"),
        &Calendar::official(),
        &rules,
        "p1".into(),
        "CODE".into(),
    )
    .unwrap();
    // Told within 15 days whether it is accepted; finished within 60.
    assert_eq!(
        time::to_rfc3339(petition.feedback_due.unwrap()),
        "2026-03-17T23:59:59+08:00"
    );
    assert_eq!(
        time::to_rfc3339(petition.reply_due),
        "2026-05-01T23:59:59+08:00"
    );
    // Extended once, by up to 30 days, with approval.
    let sent = take(&petition, dispatch(), "2026-03-03T02:00:00Z").unwrap();
    let accepted = take(&sent, Step::Accept, "2026-03-03T03:00:00Z").unwrap();
    let too_long = take(
        &accepted,
        Step::RequestExtension { working_days: 31 },
        "2026-04-20T02:00:00Z",
    );
    assert_eq!(too_long.unwrap_err().code, Code::InvalidCount);
    let asked = take(
        &accepted,
        Step::RequestExtension { working_days: 30 },
        "2026-04-20T02:00:00Z",
    )
    .unwrap();
    let extended = take(
        &asked,
        Step::DecideExtension { approved: true },
        "2026-04-21T02:00:00Z",
    )
    .unwrap();
    assert_eq!(
        time::to_rfc3339(extended.reply_due),
        "2026-05-31T23:59:59+08:00"
    );
    // The same request by the hotline owes a 12345 reply in 15 working days.
    new.channel = Channel::Hotline12345;
    let hotline = intake(
        new,
        at("2026-03-02T02:00:00Z"),
        &Calendar::official(),
        &rules,
        "h1".into(),
        "CODE".into(),
    )
    .unwrap();
    assert_eq!(
        time::to_rfc3339(hotline.reply_due),
        "2026-03-23T23:59:59+08:00"
    );
    assert_eq!(hotline.feedback_due, None);
}
