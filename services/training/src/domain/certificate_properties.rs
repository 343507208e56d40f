//! A certificate's changes as a property: any sequence of suspensions,
//! reinstatements, revocations, expiries and departures from the post, at
//! any pace, some dated before the last change or after today. Each change
//! taken keeps the rules as the test states them (no change dated behind
//! the last or ahead of today, an end stays an end, a reinstatement within
//! the validity, an expiry after it), and afterwards "certified on D" and
//! "held on D" agree, for every day from before the issue to today, with
//! the dated history the test kept itself.

use chrono::{Days, NaiveDate};
use proptest::{prelude::*, test_runner::Config};

use super::*;
use crate::domain::fixtures::{any as any_action, certificate, day};

#[derive(Debug, Clone, Copy)]
enum Change {
    By(Transition),
    LeavePost,
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => Just(Change::By(Transition::Suspend)),
        3 => Just(Change::By(Transition::Reinstate)),
        1 => Just(Change::By(Transition::Revoke)),
        1 => Just(Change::By(Transition::Expire)),
        1 => Just(Change::LeavePost),
    ]
}

fn pace() -> impl Strategy<Value = i64> {
    prop_oneof![4 => 0i64..200, 1 => -30i64..0, 3 => 200i64..900]
}

const TODAY: &str = "2026-12-06";

/// Takes `change` on `on` as the store does: the status it leads to, or why not.
fn take(c: &Certificate, change: Change, on: NaiveDate) -> Result<CertificateStatus, Error> {
    check_transition_date(c, on, day(TODAY))?;
    match change {
        Change::By(t) => transition(c, t, on),
        Change::LeavePost => leave_post(std::slice::from_ref(c), on)
            .first()
            .map(|(_, status)| *status)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::FailedPrecondition,
                    Code::InvalidTransition,
                    "not in force",
                )
            }),
    }
}

proptest! {
    #![proptest_config(Config { cases: 1024, failure_persistence: None, ..Config::default() })]

    #[test]
    fn every_sequence_of_changes_keeps_the_rules_and_the_dated_history(
        changes in prop::collection::vec((change(), pace()), 1..16),
    ) {
        use CertificateStatus as S;
        let mut c = certificate(S::Active, "2021-03-01");
        let mut kept = vec![(c.issued_on, S::Active)];
        for (change, pace) in changes {
            let on = c.status_since.checked_add_signed(chrono::Duration::days(pace)).unwrap();
            match take(&c, change, on) {
                Ok(next) => {
                    prop_assert!(on >= c.status_since && on <= day(TODAY));
                    prop_assert!(matches!(c.status, S::Active | S::Suspended), "{} is an end", c.status);
                    match change {
                        Change::By(Transition::Suspend) => prop_assert_eq!((c.status, next), (S::Active, S::Suspended)),
                        Change::By(Transition::Reinstate) => {
                            prop_assert_eq!((c.status, next), (S::Suspended, S::Active));
                            prop_assert!(on <= c.valid_until);
                        }
                        Change::By(Transition::Revoke) => prop_assert_eq!(next, S::Revoked),
                        Change::By(Transition::Expire) => {
                            prop_assert_eq!(next, S::Expired);
                            prop_assert!(on > c.valid_until);
                        }
                        Change::LeavePost => {
                            prop_assert_eq!(next, S::Cancelled);
                            prop_assert!(on <= c.valid_until);
                        }
                    }
                    c.status = next;
                    c.status_since = on;
                    c.version += 1;
                    kept.push((on, next));
                }
                Err(e) => prop_assert!(
                    matches!(e.kind, ErrorKind::FailedPrecondition | ErrorKind::RuleViolation),
                    "{:?}: {}", e.kind, e.message
                ),
            }
        }
        let held = vec![(c.clone(), kept.clone())];
        let mut d = c.issued_on - Days::new(10);
        while d <= day(TODAY) {
            let status = kept.iter().rev().find(|(since, _)| *since <= d).map(|(_, s)| *s);
            let valid = d >= c.issued_on && d <= c.valid_until;
            let certified = certified_on(&held, d, &any_action());
            prop_assert_eq!(certified.is_ok(), valid && status == Some(S::Active), "certified on {}", d);
            let holding = holding_on(&c, &kept, d);
            let expected = match status {
                Some(S::Active) if valid => Some(Holding::InGoodStanding),
                Some(S::Suspended) if valid => Some(Holding::Suspended),
                _ => None,
            };
            prop_assert_eq!(holding, expected, "held on {}", d);
            d = d + Days::new(5);
        }
    }
}
