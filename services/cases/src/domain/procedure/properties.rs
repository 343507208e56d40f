//! The general procedure as a property: any sequence of steps on a filed
//! case — a person's or an organisation's, complex or not — with any
//! penalties, reviewers, presiders, records and days, some of them before
//! the last step. Each step is taken or refused; every case a step leaves is
//! checked against 行政处罚法 as the test states it, apart from the code
//! that applies it (Arts. 44, 45, 57, 58, 60, 61, 63, 64, 33, 47), and what
//! is refused is the caller's mistake, never a failure of the service's own.

use chrono::{Days, NaiveDate};
use fazhi_calendar::Calendar;
use fazhi_platform::ErrorKind;
use proptest::{prelude::*, test_runner::Config};

use super::fixtures::*;
use super::*;
use crate::domain::fixtures::day;
use crate::domain::{Record, RecordStep};

#[derive(Debug, Clone, Copy)]
struct Proposed {
    fine_yuan: i64,
    warning: bool,
    revoke: bool,
}

impl Proposed {
    fn penalty(self) -> Penalty {
        Penalty {
            warning: self.warning,
            fine_fen: self.fine_yuan * 100,
            revoke_licence: self.revoke,
            ..Penalty::default()
        }
    }
}

fn proposed() -> impl Strategy<Value = Proposed> {
    (
        prop::sample::select(vec![
            0, 200, 4_999, 5_000, 9_999, 10_000, 49_999, 50_000, 120_000,
        ]),
        any::<bool>(),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(fine_yuan, warning, revoke)| Proposed {
            fine_yuan,
            warning,
            revoke,
        })
}

#[derive(Debug, Clone)]
enum Op {
    Notify(Proposed),
    Defence,
    Correction,
    RequestHearing,
    HoldHearing {
        notice_days: u64,
        presider: &'static str,
        recorded: bool,
    },
    Waive(WaiverKind),
    Review {
        reviewer: &'static str,
        approved: bool,
        qualified: bool,
    },
    Discuss {
        leaders: usize,
    },
    Decide(DecisionKind, Proposed),
    Serve {
        method: ServiceMethod,
        consented: bool,
        recorded: bool,
    },
    Pay {
        whole: bool,
    },
    Close,
    Suspend,
    Resume,
}

fn op() -> impl Strategy<Value = Op> {
    let person = || prop::sample::select(vec!["o1", "p7", "p8"]);
    prop_oneof![
        3 => proposed().prop_map(Op::Notify),
        2 => Just(Op::Defence),
        1 => Just(Op::Correction),
        2 => Just(Op::RequestHearing),
        2 => (0u64..16, person(), prop::bool::weighted(0.8)).prop_map(
            |(notice_days, presider, recorded)| Op::HoldHearing { notice_days, presider, recorded }
        ),
        1 => prop::sample::select(vec![WaiverKind::Written, WaiverKind::Withdrawn, WaiverKind::NoShow])
            .prop_map(Op::Waive),
        2 => (person(), prop::bool::weighted(0.6), prop::bool::weighted(0.8)).prop_map(
            |(reviewer, approved, qualified)| Op::Review { reviewer, approved, qualified }
        ),
        2 => (0usize..4).prop_map(|leaders| Op::Discuss { leaders }),
        4 => (
            prop::sample::select(vec![
                DecisionKind::Penalty,
                DecisionKind::Penalty,
                DecisionKind::Penalty,
                DecisionKind::NoPenalty,
                DecisionKind::Dismissed,
                DecisionKind::FirstViolation,
                DecisionKind::Transferred,
            ]),
            proposed(),
        )
            .prop_map(|(kind, p)| Op::Decide(kind, p)),
        2 => (
            prop::sample::select(vec![
                ServiceMethod::InPerson,
                ServiceMethod::LeftWithWitness,
                ServiceMethod::Post,
                ServiceMethod::PublicNotice,
                ServiceMethod::Electronic,
            ]),
            any::<bool>(),
            prop::bool::weighted(0.8),
        )
            .prop_map(|(method, consented, recorded)| Op::Serve { method, consented, recorded }),
        2 => any::<bool>().prop_map(|whole| Op::Pay { whole }),
        2 => Just(Op::Close),
        2 => Just(Op::Suspend),
        2 => Just(Op::Resume),
    ]
}

/// Days after the last step a step is dated: mostly days on, now and then
/// the same day or before it.
fn pace() -> impl Strategy<Value = i64> {
    prop_oneof![6 => 0i64..12, 1 => -3i64..0, 2 => 12i64..60]
}

fn record(step: RecordStep) -> Record {
    Record {
        step,
        ..hearing_video()
    }
}

fn rank(status: CaseStatus) -> u8 {
    match status {
        CaseStatus::Filed => 0,
        CaseStatus::Notified => 1,
        CaseStatus::Decided => 2,
        CaseStatus::Served => 3,
        CaseStatus::Closed => 4,
        other => panic!("the general procedure left {}", other.code()),
    }
}

/// Takes `op` on `on`: the case as it becomes, or the rule it breaks.
fn take(case: &Case, op: &Op, on: NaiveDate, calendar: &Calendar) -> Result<Case, Error> {
    let today = day(TODAY);
    let rules = rules();
    match op {
        Op::Notify(p) => notify(case, p.penalty(), on, today, calendar, &rules),
        Op::Defence => record_defence(case, on, today),
        Op::Correction => record_correction(case, on, today),
        Op::RequestHearing => request_hearing(case, on, today),
        Op::HoldHearing {
            notice_days,
            presider,
            recorded,
        } => {
            let records = if *recorded {
                vec![hearing_video()]
            } else {
                vec![]
            };
            hold_hearing(
                case,
                on,
                on + Days::new(*notice_days),
                presider,
                today,
                calendar,
                &rules,
                &records,
            )
        }
        Op::Waive(how) => waive_hearing(case, *how, on, today, calendar, &rules),
        Op::Review {
            reviewer,
            approved,
            qualified,
        } => legal_review(
            case,
            LegalReview {
                on,
                reviewer: (*reviewer).into(),
                approved: *approved,
                opinion: "事实清楚".into(),
            },
            true,
            *qualified,
            today,
        ),
        Op::Discuss { leaders } => discuss(
            case,
            Discussion {
                on,
                leaders: ["l1", "l2", "l3"][..*leaders]
                    .iter()
                    .map(|l| (*l).to_owned())
                    .collect(),
                minutes: "纪要".into(),
                conclusion: "同意".into(),
            },
            today,
        ),
        Op::Decide(kind, p) => decide(case, *kind, p.penalty(), on, today, &rules),
        Op::Serve {
            method,
            consented,
            recorded,
        } => {
            let records = if *recorded {
                vec![record(RecordStep::Service)]
            } else {
                vec![]
            };
            serve(
                case, *method, *consented, on, today, calendar, &rules, &records,
            )
        }
        Op::Pay { whole } => {
            let p = &case.proceedings;
            let fine = p.decision.as_ref().map_or(0, |d| d.penalty.fine_fen);
            let owed = fine - p.fine_paid_fen();
            let principal = if *whole { owed } else { (owed / 2).max(1) };
            record_payment(
                case,
                principal + late_charge_due(case, on),
                None,
                "",
                on,
                today,
            )
        }
        Op::Close => close(case, on, today),
        Op::Suspend => suspend(case, SuspensionReason::PartyMissing, "", on, today),
        Op::Resume => resume(case, on, today),
    }
}

/// What the law asks of a case a step left, stated apart from the steps.
struct Law {
    calendar: Calendar,
    person: bool,
}

impl Law {
    fn yuan(&self, person: i64, organisation: i64) -> i64 {
        100 * if self.person { person } else { organisation }
    }

    /// Art. 63 at Henan's amounts: a fine of ¥5,000 (a person) or ¥50,000
    /// (an organisation) and up, or a licence revoked.
    fn carries_hearing(&self, p: &Penalty) -> bool {
        p.fine_fen >= self.yuan(5_000, 50_000) || p.revoke_licence
    }

    fn check(&self, before: &Case, op: &Op, on: NaiveDate, last: NaiveDate, after: &Case) {
        let (b, a) = (&before.proceedings, &after.proceedings);
        assert_eq!(after.version, before.version + 1);
        assert!(
            rank(after.status) >= rank(before.status),
            "{op:?} took a {} case back to {}",
            before.status.code(),
            after.status.code()
        );
        assert!(on <= day(TODAY), "{op:?} dated after today");
        // A suspended case takes no step but its resumption.
        if b.suspended() {
            assert!(matches!(op, Op::Resume), "{op:?} taken while suspended");
        }
        // Nothing is dated before the last step (a hearing is dated from
        // its notice, which follows the request).
        if !matches!(op, Op::HoldHearing { .. }) {
            assert!(on >= last, "{op:?} on {on}, before the last step {last}");
        }
        if let Some(n) = &a.notice {
            assert_eq!(
                n.statement_due,
                self.calendar.add_working_days(n.on, 3),
                "Arts. 44, 45: three working days to state a defence"
            );
            let offered = self.carries_hearing(&n.penalty);
            assert_eq!(
                n.hearing_due,
                offered.then(|| self.calendar.add_working_days(n.on, 5)),
                "Art. 63, 64: a hearing offered for what carries one, five working days to ask"
            );
            if let Some(h) = &a.hearing {
                assert!(n.hearing_due.is_some_and(|due| h.requested_on <= due));
                if let Some(held) = h.held_on {
                    assert!(held >= self.calendar.add_working_days(h.requested_on, 7));
                    assert!(!after.officers.contains(h.presider.as_ref().unwrap()));
                }
            }
        }
        if let (Op::HoldHearing { recorded, .. }, false) = (op, b.hearing == a.hearing) {
            assert!(
                *recorded,
                "Art. 47: a hearing held on its audio or video record"
            );
        }
        if let Op::Decide(..) = op {
            self.check_decision(before, after);
        }
        if let Some(s) = &a.service {
            let d = a.decision.as_ref().unwrap();
            assert!(s.on >= d.on);
            assert_eq!(s.fine_due.is_some(), d.penalty.fine_fen > 0);
            if let Op::Serve {
                method,
                consented,
                recorded,
            } = op
            {
                assert!(
                    *method != ServiceMethod::Electronic || *consented,
                    "Art. 61"
                );
                assert!(
                    *method != ServiceMethod::LeftWithWitness || *recorded,
                    "Art. 47"
                );
            }
        }
        let fine = a.decision.as_ref().map_or(0, |d| d.penalty.fine_fen);
        let parts: i64 = a.part_payments.iter().map(|p| p.fine_fen).sum();
        match &a.payment {
            Some(settled) => assert_eq!(parts + settled.fine_fen, fine),
            None => assert!(parts < fine || fine == 0),
        }
        if after.status == CaseStatus::Closed {
            assert!(a.service.is_some());
            assert!(
                fine == 0 || a.payment.is_some(),
                "closed with the fine unpaid"
            );
        }
    }

    fn check_decision(&self, before: &Case, after: &Case) {
        let (b, a) = (&before.proceedings, &after.proceedings);
        let d = a.decision.as_ref().unwrap();
        let penalty = d.kind == DecisionKind::Penalty.code();
        if penalty || before.status == CaseStatus::Notified {
            let n = b
                .notice
                .as_ref()
                .expect("Art. 44: a penalty only after its notice");
            assert!(n.on <= d.on);
            assert!(
                b.defence_on.is_some() || d.on > n.statement_due,
                "Arts. 44, 45: decided within the period to state a defence"
            );
            if let Some(due) = n.hearing_due {
                assert!(
                    d.on > due || b.hearing.is_some() || b.hearing_waiver.is_some(),
                    "Art. 64: decided within the period to ask for a hearing"
                );
            }
            if let Some(h) = &b.hearing {
                assert!(
                    h.held_on.is_some() || b.hearing_waiver.is_some(),
                    "Art. 64: a hearing asked for is held or given up first"
                );
            }
            if penalty {
                assert!(
                    d.penalty.fine_fen <= n.penalty.fine_fen,
                    "Art. 44: above the notice"
                );
                assert!(!d.penalty.revoke_licence || n.penalty.revoke_licence);
            }
        }
        let held = b.hearing.as_ref().is_some_and(|h| h.held_on.is_some());
        if penalty && (b.major || held || d.penalty.fine_fen >= self.yuan(10_000, 100_000)) {
            let review = b.review.as_ref().expect("Art. 58: legal review first");
            assert!(review.approved && review.on <= d.on);
        }
        if b.major || (penalty && self.carries_hearing(&d.penalty)) {
            let discussion = b
                .discussion
                .as_ref()
                .expect("Art. 57: collective discussion");
            assert!(discussion.leaders.len() >= 2);
        }
        if d.kind == DecisionKind::FirstViolation.code() {
            assert!(b.corrected_on.is_some(), "Art. 33: corrected first");
        }
        let paused: i64 = b
            .suspensions
            .iter()
            .map(|s| (s.resumed_on.unwrap() - s.from).num_days())
            .sum();
        let filed = before.filed_on.unwrap();
        assert_eq!(
            d.on_time,
            (d.on - filed).num_days() <= 90 + paused,
            "Art. 60: ninety days from filing, the suspended days left out"
        );
    }
}

proptest! {
    #![proptest_config(Config { cases: 2048, failure_persistence: None, ..Config::default() })]

    #[test]
    fn every_sequence_of_steps_keeps_the_law(
        person in any::<bool>(),
        major in prop::bool::weighted(0.2),
        ops in prop::collection::vec((op(), pace()), 1..30),
    ) {
        let law = Law { calendar: Calendar::official(), person };
        let mut case = filed();
        if !person {
            case.party.kind = PartyKind::Organisation;
        }
        case.proceedings.major = major;
        let mut last = case.filed_on.unwrap();
        for (op, pace) in ops {
            let on = last.checked_add_signed(chrono::Duration::days(pace)).unwrap();
            match take(&case, &op, on, &law.calendar) {
                Ok(after) => {
                    law.check(&case, &op, on, last, &after);
                    last = last.max(on);
                    if let Op::HoldHearing { notice_days, .. } = op {
                        last = last.max(on + Days::new(notice_days));
                    }
                    case = after;
                }
                Err(error) => prop_assert!(
                    matches!(
                        error.kind,
                        ErrorKind::FailedPrecondition
                            | ErrorKind::RuleViolation
                            | ErrorKind::InvalidArgument
                    ),
                    "{op:?} refused as {:?}: {}",
                    error.kind,
                    error.message
                ),
            }
        }
    }
}
