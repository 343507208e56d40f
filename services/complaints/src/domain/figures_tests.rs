//! The running totals against a recount: random step sequences (back-dated
//! or not, returns, extensions, reopenings, withdrawals, reassignments) are
//! applied by the workflow's rules, the totals summed from what each step
//! counted (a merged repeat counted with its original), and compared with a count made per complaint from the steps
//! that happened, as DOMAIN.md defines each figure.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use fazhi_calendar::Calendar;
use fazhi_platform::DivisionCode;

use super::*;
use crate::domain::{
    Channel, NewComplaint, NoVisit, ReplyRules, RequestType, ReturnReason, apply,
    check_duplicate_target, intake,
};

/// A small deterministic generator (xorshift), so a failure replays.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn random_step(dice: &mut Dice) -> Step {
    let unit = DivisionCode::parse("411624100001").unwrap();
    let satisfaction = [
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Unsatisfied,
    ][dice.below(3) as usize];
    match dice.below(14) {
        0 | 1 => Step::Dispatch {
            unit,
            routing_version: None,
        },
        2 | 3 => Step::Accept,
        4 => Step::Return {
            reason: if dice.below(3) == 0 {
                ReturnReason::CountyDepartment
            } else {
                ReturnReason::WrongUnit
            },
        },
        5 => Step::RequestExtension { working_days: 3 },
        6 => Step::DecideExtension {
            approved: dice.below(2) == 0,
        },
        7 | 8 => Step::Reply {
            text: "已处理".into(),
        },
        9 | 10 => Step::FollowUp {
            resolved: dice.below(2) == 0,
            satisfaction,
        },
        11 => Step::Reopen,
        12 => Step::Close {
            without_visit: (dice.below(3) == 0).then_some(NoVisit::Declined),
        },
        _ => match dice.below(4) {
            0 => Step::Withdraw,
            1 => Step::Reassign {
                to: "县自然资源局".into(),
            },
            2 => Step::DecideReturn {
                approved: dice.below(2) == 0,
            },
            _ => Step::Supervise,
        },
    }
}

/// The figures of one complaint counted from the steps that happened.
fn recount(c: &Complaint, happened: &[(&'static str, DateTime<Utc>)]) -> BTreeMap<String, i64> {
    let h = &c.handling;
    let mut n = BTreeMap::new();
    // A county department's matter is out of the township's figures.
    if h.left_here {
        return n;
    }
    let first = |kind: &str| happened.iter().find(|(k, _)| *k == kind).map(|(_, at)| *at);
    let mut put = |figure: Figure, count: i64| {
        *n.entry(figure.key()).or_default() += count;
    };
    put(Figure::Received, 1);
    put(Figure::Dispatched, i64::from(first("dispatched").is_some()));
    let gone = h.withdrawn_at.is_some() || h.reassigned_at.is_some() || h.duplicate_of.is_some();
    let replied = first("replied");
    // Owed a reply unless it ended before one was given.
    put(Figure::Due, i64::from(replied.is_some() || !gone));
    if let Some(at) = replied {
        put(Figure::Replied, 1);
        put(
            if at <= c.reply_due {
                Figure::RepliedOnTime
            } else {
                Figure::RepliedLate
            },
            1,
        );
    }
    let on_time = h
        .accepted_at
        .zip(h.accept_due)
        .is_some_and(|(at, due)| at <= due);
    put(Figure::AcceptedOnTime, i64::from(on_time));
    if let Some(v) = &h.visit {
        put(Figure::Visited, 1);
        put(Figure::Resolved, i64::from(v.resolved));
        put(
            match v.satisfaction {
                Satisfaction::Satisfied => Figure::Satisfied,
                Satisfaction::BasicallySatisfied => Figure::BasicallySatisfied,
                Satisfaction::Unsatisfied => Figure::Unsatisfied,
            },
            1,
        );
    }
    n
}

/// What a merged duplicate counts with its original: replied if the
/// original was ever replied, and the original's latest follow-up.
fn recount_with_original(
    original: &Complaint,
    happened: &[(&'static str, DateTime<Utc>)],
) -> BTreeMap<String, i64> {
    let mut n = BTreeMap::new();
    if happened.iter().any(|(k, _)| *k == "replied") {
        n.insert(Figure::Replied.key(), 1);
    }
    if let Some(v) = &original.handling.visit {
        n.insert(Figure::Visited.key(), 1);
        n.insert(Figure::Resolved.key(), i64::from(v.resolved));
        let rated = match v.satisfaction {
            Satisfaction::Satisfied => Figure::Satisfied,
            Satisfaction::BasicallySatisfied => Figure::BasicallySatisfied,
            Satisfaction::Unsatisfied => Figure::Unsatisfied,
        };
        n.insert(rated.key(), 1);
    }
    n
}

fn new_complaint(case: String, received: DateTime<Utc>, urgent: bool) -> Complaint {
    intake(
        NewComplaint {
            channel: Channel::Hotline12345,
            request_type: RequestType::Complaint,
            category: "illegal_construction".into(),
            content: "违法建房".into(),
            address: "西关村".into(),
            division_code: "411624100".into(),
            complainant_name: None,
            complainant_phone: None,
            urgent,
            concerns_unit: None,
            concerns_officer: None,
        },
        received,
        &Calendar::official(),
        &ReplyRules::default(),
        case,
        "CODE".into(),
    )
    .unwrap()
}

#[test]
fn the_running_totals_equal_a_recount_per_complaint() {
    let calendar = Calendar::official();
    let rules = ReplyRules::default();
    let watched = [
        Figure::Received,
        Figure::Dispatched,
        Figure::Due,
        Figure::Replied,
        Figure::RepliedOnTime,
        Figure::RepliedLate,
        Figure::AcceptedOnTime,
        Figure::Visited,
        Figure::Resolved,
        Figure::Satisfied,
        Figure::BasicallySatisfied,
        Figure::Unsatisfied,
    ];
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let (mut totals, mut expected) = (BTreeMap::new(), BTreeMap::new());
    let mut merges = 0;
    for case in 0..2_000 {
        let received: DateTime<Utc> = "2025-03-03T01:00:00Z".parse().unwrap();
        let received = received + Duration::hours(dice.below(24 * 300) as i64);
        let mut c = new_complaint(format!("c{case}"), received, dice.below(10) == 0);
        // A third of the complaints are repeated by a later request, merged
        // into them at some step (or never).
        let mut counts_of_repeat = Vec::new();
        let mut repeat = (dice.below(3) == 0).then(|| {
            let at = received + Duration::hours(dice.below(24 * 20) as i64);
            (new_complaint(format!("d{case}"), at, false), false)
        });
        if let Some((d, _)) = &repeat {
            counts_of_repeat.extend(on_intake(d));
        }
        let mut counts = on_intake(&c);
        let mut happened = Vec::new();
        let mut at = received;
        for _ in 0..24 {
            // Hours to weeks apart, so limits are met and missed.
            at += Duration::minutes(dice.below(60 * 24 * 6) as i64);
            if let Some((d, merged @ false)) = &mut repeat
                && d.received_at <= at
                && dice.below(4) == 0
                && check_duplicate_target(d, &c).is_ok()
            {
                let merge = Step::MarkDuplicate { of: c.id.clone() };
                let merged_d = apply(d, &merge, "", at, &calendar, &rules).unwrap();
                counts.extend(on_step(d, &merged_d, &merge, at));
                counts.extend(on_merge(d, &merged_d, &c));
                *d = merged_d;
                *merged = true;
            }
            let step = random_step(&mut dice);
            let Ok(after) = apply(&c, &step, "", at, &calendar, &rules) else {
                continue;
            };
            counts.extend(on_step(&c, &after, &step, at));
            if let Some((d, true)) = &repeat
                && reaches_duplicates(&c, &step)
            {
                counts.extend(with_original(d, &c, &after, &step, at));
            }
            happened.push((step.kind(), at));
            c = after;
        }
        counts.append(&mut counts_of_repeat);
        for count in counts {
            *totals.entry(count.figure.key()).or_insert(0_i64) += count.n;
        }
        let mut recounted = recount(&c, &happened);
        if let Some((d, merged)) = &repeat {
            let mut of_d = recount(d, &[]);
            if *merged {
                of_d.extend(recount_with_original(&c, &happened));
                merges += 1;
            }
            for (figure, n) in of_d {
                *recounted.entry(figure).or_default() += n;
            }
        }
        for (figure, n) in recounted {
            *expected.entry(figure).or_insert(0_i64) += n;
        }
    }
    for figure in watched.iter() {
        let key = figure.key();
        assert_eq!(
            totals.get(&key).copied().unwrap_or(0),
            expected.get(&key).copied().unwrap_or(0),
            "{key}"
        );
    }
    // The sequences reached every figure at least once.
    assert!(
        watched
            .iter()
            .all(|f| expected.get(&f.key()).copied().unwrap_or(0) > 0),
        "{expected:?}"
    );
    assert!(merges > 100, "{merges} merges");
    assert!(totals["replied"] <= totals["received"]);
    assert!(totals["visited"] <= totals["replied"]);
}
