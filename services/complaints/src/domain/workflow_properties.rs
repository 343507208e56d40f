//! The workflow as a property: any sequence of steps, at any pace, on a
//! complaint from any channel, with or without a phone, naming the unit or
//! not. Each step is taken or refused; what is taken is checked against the
//! rules as the test states them, apart from the code that applies them:
//! the moves the 12345 workflow allows, ends that stay ended, the sign-for
//! limit on returns, one extension asked before the reply falls due, one
//! escalation, a report never sent to the unit it names — and what is
//! refused is the caller's mistake (a rule or the wrong moment), never a
//! failure of the service's own.

use chrono::Duration;
use proptest::{prelude::*, test_runner::Config};

use super::*;
use crate::domain::{NewComplaint, RequestType, intake};

/// The township, and one of its units; a unit elsewhere.
const HERE: &str = "411624100201";
const ELSEWHERE: &str = "411624101201";

fn start() -> DateTime<Utc> {
    "2026-03-02T01:30:00Z".parse().unwrap()
}

#[derive(Debug, Clone)]
struct Origin {
    channel: Channel,
    phone: bool,
    names_unit: bool,
    urgent: bool,
}

fn origin() -> impl Strategy<Value = Origin> {
    (
        prop::sample::select(vec![
            Channel::Hotline12345,
            Channel::Mailbox,
            Channel::PetitionHall,
            Channel::ServiceStation,
        ]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(channel, phone, names_unit, urgent)| Origin {
            channel,
            phone,
            names_unit,
            urgent,
        })
}

fn received(o: &Origin) -> Complaint {
    intake(
        NewComplaint {
            channel: o.channel,
            request_type: RequestType::Complaint,
            category: if o.names_unit {
                "enforcement_conduct"
            } else {
                "illegal_construction"
            }
            .into(),
            content: "执法人员在西关村检查时态度恶劣".into(),
            address: "老城镇西关村".into(),
            division_code: "411624100".into(),
            complainant_name: None,
            complainant_phone: o.phone.then(|| "13800138000".into()),
            urgent: o.urgent,
            concerns_unit: o.names_unit.then(|| HERE.into()),
            concerns_officer: None,
        },
        start(),
        &Calendar::official(),
        &WorkflowRules::default(),
        "c1".into(),
        "CODE".into(),
    )
    .unwrap()
}

fn lead() -> super::super::Lead {
    super::super::Lead {
        party_kind: "person".into(),
        party_name: "王五".into(),
        party_id_number: String::new(),
        act_on: "2026-03-01".parse().unwrap(),
        continuing: false,
        facts: "在耕地上建房".into(),
    }
}

fn step() -> impl Strategy<Value = Step> {
    let unit = prop::sample::select(vec![HERE, ELSEWHERE])
        .prop_map(|code| DivisionCode::parse(code).unwrap());
    prop_oneof![
        3 => unit.prop_map(|unit| Step::Dispatch { unit, routing_version: None }),
        3 => Just(Step::Accept),
        1 => prop::sample::select(vec![
            ReturnReason::WrongUnit,
            ReturnReason::CountyDepartment,
            ReturnReason::OutsideArea,
            ReturnReason::Incomplete,
        ])
        .prop_map(|reason| Step::Return { reason }),
        2 => (0u32..20).prop_map(|working_days| Step::RequestExtension { working_days }),
        2 => any::<bool>().prop_map(|approved| Step::DecideExtension { approved }),
        3 => Just(Step::Reply { text: "已拆除".into() }),
        2 => (any::<bool>(), prop::sample::select(vec![
            Satisfaction::Satisfied,
            Satisfaction::BasicallySatisfied,
            Satisfaction::Unsatisfied,
        ]))
        .prop_map(|(resolved, satisfaction)| Step::FollowUp { resolved, satisfaction }),
        2 => prop::option::of(prop::sample::select(vec![
            NoVisit::Anonymous,
            NoVisit::Unreachable,
            NoVisit::Declined,
        ]))
        .prop_map(|without_visit| Step::Close { without_visit }),
        1 => Just(Step::Reopen),
        1 => Just(Step::MarkDuplicate { of: "c0".into() }),
        1 => Just(Step::HandOff { to: HandOff::Court }),
        1 => Just(Step::Supervise),
        1 => Just(Step::Escalate { lead: lead() }),
        1 => Just(Step::Supplement { text: "补充".into() }),
        1 => Just(Step::Withdraw),
        1 => any::<bool>().prop_map(|approved| Step::DecideReturn { approved }),
        1 => Just(Step::Reassign { to: "县自然资源局".into() }),
    ]
}

/// Every open status, then closed.
const OPEN_OR_CLOSED: [Status; 7] = [
    Status::Received,
    Status::Dispatched,
    Status::Accepted,
    Status::Replied,
    Status::Visited,
    Status::Returned,
    Status::Closed,
];

/// The statuses a step may lead to from `from`, as the 12345 workflow
/// allows them; empty where the step has no place.
fn allowed(from: Status, step: &Step) -> &'static [Status] {
    use Status as S;
    let open = OPEN_OR_CLOSED[..6].contains(&from);
    match (step, from) {
        (Step::Dispatch { .. }, S::Received | S::Returned) => &[S::Dispatched],
        (Step::Accept, S::Dispatched) => &[S::Accepted],
        (Step::Return { .. }, S::Dispatched) => &[S::Returned],
        (Step::RequestExtension { .. } | Step::DecideExtension { .. }, S::Accepted) => {
            &[S::Accepted]
        }
        (Step::Reply { .. }, S::Accepted) => &[S::Replied],
        (Step::FollowUp { .. }, S::Replied) => &[S::Visited],
        (
            Step::Close {
                without_visit: None,
            },
            S::Visited,
        ) => &[S::Closed],
        (
            Step::Close {
                without_visit: Some(_),
            },
            S::Replied,
        ) => &[S::Closed],
        (Step::Reopen, S::Visited) => &[S::Accepted],
        (Step::MarkDuplicate { .. }, S::Received | S::Dispatched | S::Returned | S::Accepted) => {
            &[S::Duplicate]
        }
        (Step::HandOff { .. }, S::Received | S::Dispatched | S::Returned) => &[S::HandedOff],
        (Step::Reassign { .. }, S::Received | S::Dispatched | S::Returned | S::Accepted) => {
            &[S::Closed]
        }
        (Step::DecideReturn { .. }, S::Returned) => &[S::Returned, S::Dispatched],
        // Supervising and adding to it leave the status as it is.
        (Step::Supervise | Step::Supplement { .. }, _) if open => &OPEN_OR_CLOSED[..6],
        (Step::Withdraw, _) if open => &[S::Closed],
        // Escalating leaves the status as it is, closed cases included.
        (Step::Escalate { .. }, S::Duplicate | S::HandedOff) => &[],
        (Step::Escalate { .. }, _) => &OPEN_OR_CLOSED,
        _ => &[],
    }
}

/// The rules a taken step keeps, checked on the complaint before and after.
fn check_taken(before: &Complaint, step: &Step, after: &Complaint, now: DateTime<Utc>) {
    let (b, a) = (&before.handling, &after.handling);
    assert!(
        allowed(before.status, step).contains(&after.status),
        "{:?} took a {} complaint to {}",
        step.kind(),
        before.status.code(),
        after.status.code()
    );
    assert_eq!(after.version, before.version + 1);
    assert_eq!(after.updated_at, now);
    // Ended means counted as closed, and only then.
    assert_eq!(a.closed_at.is_some(), after.status == Status::Closed);
    // The sign-for limit on returns.
    if let Step::Return { .. } = step {
        assert!(b.accept_due.is_some_and(|due| now <= due));
        assert_eq!(a.returns, b.returns + 1);
    } else {
        assert_eq!(a.returns, b.returns);
    }
    // A report about enforcement conduct never reaches the unit it names.
    if let (Some(named), Some(unit)) = (&a.concerns_unit, &a.unit)
        && a.unit != b.unit
    {
        assert!(!named.contains(unit), "sent to the unit it names");
    }
    // One extension, asked before the reply falls due, within its bound.
    if a.extension != b.extension && b.extension.is_none() {
        let e = a.extension.as_ref().unwrap();
        assert!(now < before.reply_due);
        let longest = if before.channel == Channel::PetitionHall {
            30
        } else {
            WorkflowRules::default().max_extension_working_days
        };
        assert!((1..=longest).contains(&e.working_days));
    }
    if b.extension.is_some() {
        assert_eq!(
            a.extension
                .as_ref()
                .map(|e| (e.requested_at, e.working_days)),
            b.extension
                .as_ref()
                .map(|e| (e.requested_at, e.working_days)),
            "an extension asked twice"
        );
    }
    // The reply falls due later only by an approved extension.
    if after.reply_due != before.reply_due {
        assert!(after.reply_due > before.reply_due);
        assert!(matches!(step, Step::DecideExtension { approved: true }));
    }
    // Escalated once.
    if b.escalated_at.is_some() {
        assert_eq!(a.escalated_at, b.escalated_at);
    }
    // Closing after a follow-up needs a requester who was not unsatisfied.
    if let Step::Close {
        without_visit: None,
    } = step
    {
        assert!(
            b.visit
                .as_ref()
                .is_some_and(|v| v.satisfaction != Satisfaction::Unsatisfied)
        );
    }
    // Anonymous only when nobody can be reached.
    if let Step::Close {
        without_visit: Some(NoVisit::Anonymous),
    } = step
    {
        assert!(before.complainant.phone.is_none());
    }
    // Every deadline set lies after the moment it was set.
    if a.accept_due != b.accept_due
        && let Some(due) = a.accept_due
    {
        assert!(due > now);
    }
}

/// Minutes to the next step: mostly within the day, now and then days on.
fn pace() -> impl Strategy<Value = i64> {
    prop_oneof![3 => 0i64..240, 1 => 0i64..(6 * 24 * 60)]
}

proptest! {
    #![proptest_config(Config { cases: 1024, failure_persistence: None, ..Config::default() })]

    #[test]
    fn every_sequence_of_steps_keeps_the_workflows_rules(
        origin in origin(),
        steps in prop::collection::vec((step(), pace()), 1..40),
    ) {
        let calendar = Calendar::official();
        let rules = WorkflowRules::default();
        let mut complaint = received(&origin);
        let mut now = start();
        for (step, minutes) in steps {
            now += Duration::minutes(minutes);
            match apply(&complaint, &step, "理由", now, &calendar, &rules) {
                Ok(after) => {
                    check_taken(&complaint, &step, &after, now);
                    complaint = after;
                }
                Err(error) => {
                    prop_assert!(
                        matches!(
                            error.kind,
                            ErrorKind::FailedPrecondition | ErrorKind::RuleViolation
                        ),
                        "{} refused as {:?}: {}",
                        step.kind(),
                        error.kind,
                        error.message
                    );
                }
            }
        }
    }
}
