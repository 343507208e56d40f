//! The hearing as Henan offers it and as the party may give it up, and the
//! notices and decisions around it (行政处罚法 Arts. 33, 44, 45, 57, 63, 64).
use fazhi_calendar::Calendar;

use super::super::fixtures::*;
use super::super::*;
use super::tests::discussed;
use crate::domain::PartyKind;
use crate::domain::fixtures::*;

#[test]
fn a_hearing_is_offered_at_henans_amounts_and_for_the_heavier_kinds() {
    // 河南省行政处罚听证办法 Art. 4: ¥5,000 for a citizen, ¥50,000 for an organisation.
    let offered = |penalty: Penalty, kind: PartyKind| {
        let mut case = filed();
        case.party.kind = kind;
        hearing_right(&case, &penalty, &rules())
    };
    assert!(offered(fine(5_000), PartyKind::Person));
    assert!(!offered(fine(4_999), PartyKind::Person));
    assert!(!offered(fine(49_999), PartyKind::Organisation));
    assert!(offered(fine(50_000), PartyKind::Organisation));
    let confiscated = Penalty {
        confiscated_fen: 500_000,
        ..Penalty::default()
    };
    assert!(offered(confiscated, PartyKind::Person));
    let revoked = Penalty {
        revoke_licence: true,
        ..Penalty::default()
    };
    assert!(offered(revoked, PartyKind::Organisation));
    let closed = Penalty {
        close: true,
        ..Penalty::default()
    };
    assert!(offered(closed, PartyKind::Organisation));
    // 暂扣许可证件 and a warning are not on Art. 63's list.
    let suspended = Penalty {
        suspend_licence: true,
        warning: true,
        ..Penalty::default()
    };
    assert!(!offered(suspended, PartyKind::Person));
}

#[test]
fn a_defence_does_not_end_the_hearing_period_only_a_written_waiver_does() {
    // Notified Monday 11 March 2024: a hearing may be asked for until Monday 18.
    let case = notified(fine(6_000));
    let defended = record_defence(&case, day("2024-03-12"), day(TODAY)).unwrap();
    let defended = discussed(&defended, "2024-03-13");
    let early = decide(
        &defended,
        DecisionKind::Penalty,
        fine(6_000),
        day("2024-03-15"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(early.unwrap_err().code, Code::PeriodNotEnded);
    let calendar = Calendar::official();
    let waived = waive_hearing(
        &defended,
        WaiverKind::Written,
        day("2024-03-14"),
        day(TODAY),
        &calendar,
        &rules(),
    )
    .unwrap();
    let decided = decide(
        &waived,
        DecisionKind::Penalty,
        fine(6_000),
        day("2024-03-15"),
        day(TODAY),
        &rules(),
    )
    .unwrap();
    let decision = decided.proceedings.decision.unwrap();
    // Collective discussion is required for a penalty that carries a hearing (Art. 57).
    assert!(decision.discussion_required);
    let undiscussed = waive_hearing(
        &case,
        WaiverKind::Written,
        day("2024-03-12"),
        day(TODAY),
        &calendar,
        &rules(),
    )
    .unwrap();
    let refused = decide(
        &undiscussed,
        DecisionKind::Penalty,
        fine(6_000),
        day("2024-03-19"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(refused.unwrap_err().code, Code::DiscussionRequired);
    // No waiver where no hearing was offered.
    let small = notified(fine(500));
    let none = waive_hearing(
        &small,
        WaiverKind::Written,
        day("2024-03-12"),
        day(TODAY),
        &calendar,
        &rules(),
    );
    assert_eq!(none.unwrap_err().code, Code::HearingNotOffered);
}

#[test]
fn a_party_who_stays_away_or_withdraws_has_given_up_the_hearing() {
    let calendar = Calendar::official();
    let case = discussed(&notified(fine(6_000)), "2024-03-12");
    // Only a hearing asked for can be withdrawn or missed.
    let unasked = waive_hearing(
        &case,
        WaiverKind::NoShow,
        day("2024-03-29"),
        day(TODAY),
        &calendar,
        &rules(),
    );
    assert_eq!(unasked.unwrap_err().code, Code::HearingNotRequested);
    let asked = request_hearing(&case, day("2024-03-13"), day(TODAY)).unwrap();
    let pending = decide(
        &asked,
        DecisionKind::Penalty,
        fine(6_000),
        day("2024-03-25"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(pending.unwrap_err().code, Code::HearingPending);
    // Asked Wednesday 13 March: seven working days' notice reaches Friday 22.
    let early = waive_hearing(
        &asked,
        WaiverKind::NoShow,
        day("2024-03-21"),
        day(TODAY),
        &calendar,
        &rules(),
    );
    assert_eq!(early.unwrap_err().code, Code::NoticeTooShort);
    let absent = waive_hearing(
        &asked,
        WaiverKind::NoShow,
        day("2024-03-22"),
        day(TODAY),
        &calendar,
        &rules(),
    )
    .unwrap();
    assert!(
        decide(
            &absent,
            DecisionKind::Penalty,
            fine(6_000),
            day("2024-03-25"),
            day(TODAY),
            &rules()
        )
        .is_ok()
    );
    let withdrawn = waive_hearing(
        &asked,
        WaiverKind::Withdrawn,
        day("2024-03-14"),
        day(TODAY),
        &calendar,
        &rules(),
    )
    .unwrap();
    assert!(
        decide(
            &withdrawn,
            DecisionKind::Penalty,
            fine(6_000),
            day("2024-03-19"),
            day(TODAY),
            &rules()
        )
        .is_ok()
    );
    let twice = waive_hearing(
        &withdrawn,
        WaiverKind::Written,
        day("2024-03-15"),
        day(TODAY),
        &calendar,
        &rules(),
    );
    assert_eq!(twice.unwrap_err().code, Code::HearingNotRequested);
}

#[test]
fn a_heavier_decision_needs_a_new_notice_which_starts_the_periods_over() {
    let calendar = Calendar::official();
    let case = notified(fine(500));
    let heavier = decide(
        &case,
        DecisionKind::Penalty,
        fine(800),
        day("2024-03-15"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(heavier.unwrap_err().code, Code::PenaltyAboveNotice);
    // Another kind than the notice carried is heavier too.
    let criticised = Penalty {
        criticism: true,
        ..fine(500)
    };
    let other = decide(
        &case,
        DecisionKind::Penalty,
        criticised,
        day("2024-03-15"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(other.unwrap_err().code, Code::PenaltyAboveNotice);
    let warned = Penalty {
        warning: true,
        ..fine(500)
    };
    assert!(!warned.heavier_than(&fine(500)));
    let again = notify(
        &case,
        fine(800),
        day("2024-03-15"),
        day(TODAY),
        &calendar,
        &rules(),
    )
    .unwrap();
    let notice = again.proceedings.notice.clone().unwrap();
    assert_eq!(
        (notice.replaces, notice.statement_due),
        (1, day("2024-03-20"))
    );
    let early = decide(
        &again,
        DecisionKind::Penalty,
        fine(800),
        day("2024-03-20"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(early.unwrap_err().code, Code::PeriodNotEnded);
    assert!(
        decide(
            &again,
            DecisionKind::Penalty,
            fine(800),
            day("2024-03-21"),
            day(TODAY),
            &rules()
        )
        .is_ok()
    );
}

#[test]
fn deciding_not_to_penalise_needs_no_notice_and_first_violation_rests_on_the_correction() {
    let case = filed();
    let dismissed = decide(
        &case,
        DecisionKind::Dismissed,
        fine(0),
        day("2024-03-08"),
        day(TODAY),
        &rules(),
    )
    .unwrap();
    assert_eq!(dismissed.proceedings.decision.unwrap().kind, "dismissed");
    assert!(
        decide(
            &case,
            DecisionKind::Transferred,
            fine(0),
            day("2024-03-08"),
            day(TODAY),
            &rules()
        )
        .is_ok()
    );
    let penalty = decide(
        &case,
        DecisionKind::Penalty,
        fine(500),
        day("2024-03-08"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(penalty.unwrap_err().code, Code::InvalidTransition);
    let uncorrected = decide(
        &case,
        DecisionKind::FirstViolation,
        fine(0),
        day("2024-03-08"),
        day(TODAY),
        &rules(),
    );
    assert_eq!(uncorrected.unwrap_err().code, Code::CorrectionRequired);
    let corrected = record_correction(&case, day("2024-03-07"), day(TODAY)).unwrap();
    assert_eq!(corrected.status, CaseStatus::Filed);
    let decided = decide(
        &corrected,
        DecisionKind::FirstViolation,
        fine(0),
        day("2024-03-08"),
        day(TODAY),
        &rules(),
    )
    .unwrap();
    assert_eq!(decided.status, CaseStatus::Decided);
}

#[test]
fn a_decision_after_a_hearing_rests_on_its_record() {
    // Art. 65: decided on the 笔录 — a text or document record of the hearing.
    let mut held = notified(fine(6_000));
    held.proceedings.hearing = Some(Hearing {
        requested_on: day("2024-03-12"),
        held_on: Some(day("2024-03-28")),
        presider: Some("p1".into()),
    });
    let video = hearing_video();
    let err = check_hearing_record(&held, std::slice::from_ref(&video)).unwrap_err();
    assert_eq!(err.code, Code::HearingRecordRequired);
    let transcript = crate::domain::Record {
        kind: crate::domain::RecordKind::Text,
        ..video.clone()
    };
    assert!(check_hearing_record(&held, &[video, transcript]).is_ok());
    // No hearing held: nothing to rest on.
    assert!(check_hearing_record(&notified(fine(6_000)), &[]).is_ok());
}
