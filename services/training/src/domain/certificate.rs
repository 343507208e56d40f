//! Certificates (执法证): validity, the dated history of their status,
//! "certified on D", and the changes made by hand.

use chrono::{Months, NaiveDate};
use fazhi_platform::Code;
use fazhi_platform::{Error, ErrorKind, coded_enum};

use super::{Action, Competence, Outside, TrainingRules};

coded_enum! {
    /// Where a certificate stands.
    CertificateStatus {
        Active => "active",
        /// Off duty until a retake passes.
        Suspended => "suspended",
        /// Withdrawn as a sanction (吊销/撤销), counted as such.
        Revoked => "revoked",
        Expired => "expired",
        /// 注销: ended because its holder left the post or was transferred;
        /// not a sanction.
        Cancelled => "cancelled",
    }
}

/// A certificate and the dated history of its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub id: String,
    pub number: String,
    pub person_id: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub status: CertificateStatus,
    /// When the current status began.
    pub status_since: NaiveDate,
    pub version: i64,
    /// Where and for what it lets its holder act.
    pub competence: Competence,
}

/// The last day a certificate issued on `issued_on` is valid.
pub fn valid_until(issued_on: NaiveDate, rules: &TrainingRules) -> NaiveDate {
    let end = issued_on
        .checked_add_months(Months::new(rules.certificate_validity_years * 12))
        .unwrap_or(NaiveDate::MAX);
    end.pred_opt().unwrap_or(end)
}

impl Certificate {
    /// Whether the certificate is in force on `on`: neither revoked nor
    /// expired by status, and `on` within its validity (a suspended one is
    /// still in force — its holder is off duty, not without a certificate).
    pub fn in_force(&self, on: NaiveDate) -> bool {
        matches!(
            self.status,
            CertificateStatus::Active | CertificateStatus::Suspended
        ) && self.valid_until >= on
    }
}

/// How a person holds a certificate on a day, as the report counts holders
/// (持证人数): a suspended certificate is still held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    InGoodStanding,
    Suspended,
}

/// Whether `certificate`, with its dated `history` (oldest first), is held
/// on `on`: issued by then, within its validity, and then neither revoked,
/// cancelled nor expired — whatever its status is today.
pub fn holding_on(
    certificate: &Certificate,
    history: &[(NaiveDate, CertificateStatus)],
    on: NaiveDate,
) -> Option<Holding> {
    if on < certificate.issued_on || on > certificate.valid_until {
        return None;
    }
    match status_on(history, on)? {
        CertificateStatus::Active => Some(Holding::InGoodStanding),
        CertificateStatus::Suspended => Some(Holding::Suspended),
        CertificateStatus::Revoked | CertificateStatus::Expired | CertificateStatus::Cancelled => {
            None
        }
    }
}

/// What leaving the enforcement post (or a transfer) on `on` does to the
/// person's certificates: each one in force is cancelled (注销) — not
/// revoked, which is a sanction.
pub fn leave_post(
    certificates: &[Certificate],
    on: NaiveDate,
) -> Vec<(&Certificate, CertificateStatus)> {
    certificates
        .iter()
        .filter(|c| c.in_force(on))
        .map(|c| (c, CertificateStatus::Cancelled))
        .collect()
}

/// What a transfer (调动) on `on` does to the person's certificates: as
/// leaving the post, each one in force is cancelled — a certificate is for
/// the division that issued it.
pub fn transfer(
    certificates: &[Certificate],
    on: NaiveDate,
) -> Vec<(&Certificate, CertificateStatus)> {
    leave_post(certificates, on)
}

/// Why a person is not certified on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotCertified {
    NoCertificate,
    NotYetIssued,
    Expired,
    Suspended,
    Revoked,
    Cancelled,
    /// Holds one in force, but not for the action's division.
    OutsideArea,
    /// Holds one in force, but not for the action's category.
    OutsideCategory,
}

impl NotCertified {
    pub fn code(self) -> &'static str {
        match self {
            NotCertified::NoCertificate => "no_certificate",
            NotCertified::NotYetIssued => "not_yet_issued",
            NotCertified::Expired => "expired",
            NotCertified::Suspended => "suspended",
            NotCertified::Revoked => "revoked",
            NotCertified::Cancelled => "cancelled",
            NotCertified::OutsideArea => "outside_area",
            NotCertified::OutsideCategory => "outside_category",
        }
    }
}

/// The status a certificate had on `date`, from its dated history (each
/// entry: the day a status began), oldest first.
pub fn status_on(
    history: &[(NaiveDate, CertificateStatus)],
    date: NaiveDate,
) -> Option<CertificateStatus> {
    history
        .iter()
        .take_while(|(since, _)| *since <= date)
        .last()
        .map(|(_, status)| *status)
}

/// "Certified on date D": a certificate active on D, issued by D and not
/// expired on D, whose area and categories cover `action`. `certificates`
/// come with their histories.
pub fn certified_on(
    certificates: &[(Certificate, Vec<(NaiveDate, CertificateStatus)>)],
    date: NaiveDate,
    action: &Action,
) -> Result<String, NotCertified> {
    let mut reason = NotCertified::NoCertificate;
    for (certificate, history) in certificates {
        let why = if date < certificate.issued_on {
            NotCertified::NotYetIssued
        } else if date > certificate.valid_until {
            NotCertified::Expired
        } else {
            match status_on(history, date) {
                Some(CertificateStatus::Active) => match certificate.competence.covers(action) {
                    Ok(()) => return Ok(certificate.number.clone()),
                    Err(Outside::Area) => NotCertified::OutsideArea,
                    Err(Outside::Category) => NotCertified::OutsideCategory,
                },
                Some(CertificateStatus::Suspended) => NotCertified::Suspended,
                Some(CertificateStatus::Revoked) => NotCertified::Revoked,
                Some(CertificateStatus::Cancelled) => NotCertified::Cancelled,
                Some(CertificateStatus::Expired) => NotCertified::Expired,
                None => NotCertified::NotYetIssued,
            }
        };
        // The most telling reason wins: suspended or revoked over expiry,
        // and one in force for another ground or field over them all.
        if rank(why) > rank(reason) {
            reason = why;
        }
    }
    Err(reason)
}

fn rank(reason: NotCertified) -> u8 {
    match reason {
        NotCertified::NoCertificate => 0,
        NotCertified::NotYetIssued => 1,
        NotCertified::Expired => 2,
        NotCertified::Cancelled => 3,
        NotCertified::Revoked => 4,
        NotCertified::Suspended => 5,
        NotCertified::OutsideCategory => 6,
        NotCertified::OutsideArea => 7,
    }
}

/// A state change asked for by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Suspend,
    Reinstate,
    Revoke,
    Expire,
}

/// A hand transition's date must lie between the certificate's last
/// recorded change (its issue, or its latest status change) and today:
/// history is never rewritten behind later entries, and nothing is dated
/// ahead, so every reader of the dated history agrees with its status now.
pub fn check_transition_date(
    certificate: &Certificate,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Error> {
    let since = certificate.status_since.max(certificate.issued_on);
    if on < since || on > today {
        return Err(Error::new(
            ErrorKind::RuleViolation,
            Code::DateOutOfRange,
            format!("on must lie from {since} (the certificate's last change) to {today} (today)"),
        )
        .with_field("on"));
    }
    Ok(on)
}

/// The status after `transition`, or why it is refused.
pub fn transition(
    certificate: &Certificate,
    transition: Transition,
    on: NaiveDate,
) -> Result<CertificateStatus, Error> {
    use CertificateStatus as S;
    let refused = |what: &str| {
        Error::new(
            ErrorKind::FailedPrecondition,
            Code::InvalidTransition,
            format!("a {} certificate cannot be {what}", certificate.status),
        )
    };
    match (transition, certificate.status) {
        (Transition::Suspend, S::Active) => Ok(S::Suspended),
        (Transition::Suspend, _) => Err(refused("suspended")),
        (Transition::Reinstate, S::Suspended) if on <= certificate.valid_until => Ok(S::Active),
        (Transition::Reinstate, _) => Err(refused("reinstated")),
        (Transition::Revoke, S::Active | S::Suspended) => Ok(S::Revoked),
        (Transition::Revoke, _) => Err(refused("revoked")),
        (Transition::Expire, S::Active | S::Suspended) if on > certificate.valid_until => {
            Ok(S::Expired)
        }
        (Transition::Expire, S::Active | S::Suspended) => Err(Error::new(
            ErrorKind::FailedPrecondition,
            Code::NotYetExpired,
            format!("the certificate is valid until {}", certificate.valid_until),
        )),
        (Transition::Expire, _) => Err(refused("expired")),
    }
}

#[cfg(test)]
#[path = "certificate_properties.rs"]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{fixtures::*, *};

    #[test]
    fn certificates_are_valid_for_five_years_by_default_and_as_configured() {
        let mut rules = TrainingRules::default();
        assert_eq!(valid_until(day("2021-03-01"), &rules), day("2026-02-28"));
        rules.certificate_validity_years = 3;
        assert_eq!(valid_until(day("2024-02-29"), &rules), day("2027-02-27"));
    }

    #[test]
    fn certified_means_active_issued_and_unexpired_on_the_date() {
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        let history = vec![(day("2021-03-01"), CertificateStatus::Active)];
        let held = vec![(active.clone(), history)];
        assert_eq!(
            certified_on(&held, day("2023-01-01"), &any()).unwrap(),
            active.number
        );
        assert_eq!(
            certified_on(&held, day("2021-02-28"), &any()).unwrap_err(),
            NotCertified::NotYetIssued
        );
        assert_eq!(
            certified_on(&held, day("2026-03-01"), &any()).unwrap_err(),
            NotCertified::Expired
        );
        assert_eq!(
            certified_on(&[], day("2023-01-01"), &any()).unwrap_err(),
            NotCertified::NoCertificate
        );
    }

    #[test]
    fn a_suspension_counts_from_its_date_and_a_reinstatement_from_its_own() {
        let cert = certificate(CertificateStatus::Active, "2023-11-01");
        let history = vec![
            (day("2021-03-01"), CertificateStatus::Active),
            (day("2023-10-01"), CertificateStatus::Suspended),
            (day("2023-11-01"), CertificateStatus::Active),
        ];
        let held = vec![(cert, history)];
        assert!(certified_on(&held, day("2023-09-30"), &any()).is_ok());
        assert_eq!(
            certified_on(&held, day("2023-10-01"), &any()).unwrap_err(),
            NotCertified::Suspended
        );
        assert!(certified_on(&held, day("2023-11-01"), &any()).is_ok());
    }

    #[test]
    fn a_transition_cannot_be_dated_before_the_last_change_or_after_today() {
        let suspended = certificate(CertificateStatus::Suspended, "2023-05-01");
        let today = day("2023-06-01");
        for on in ["1900-01-01", "2023-04-30", "2023-06-02"] {
            let err = check_transition_date(&suspended, day(on), today).unwrap_err();
            assert_eq!(
                (err.code.as_str(), err.field.as_deref()),
                ("date_out_of_range", Some("on"))
            );
        }
        for on in ["2023-05-01", "2023-06-01"] {
            assert!(check_transition_date(&suspended, day(on), today).is_ok());
        }
    }

    #[test]
    fn hand_transitions_follow_the_state_machine() {
        let on = day("2023-06-01");
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        assert_eq!(
            transition(&active, Transition::Suspend, on).unwrap(),
            CertificateStatus::Suspended
        );
        assert_eq!(
            transition(&active, Transition::Revoke, on).unwrap(),
            CertificateStatus::Revoked
        );
        assert_eq!(
            transition(&active, Transition::Reinstate, on)
                .unwrap_err()
                .code,
            "invalid_transition"
        );
        assert_eq!(
            transition(&active, Transition::Expire, on)
                .unwrap_err()
                .code,
            "not_yet_expired"
        );
        assert_eq!(
            transition(&active, Transition::Expire, day("2026-03-01")).unwrap(),
            CertificateStatus::Expired
        );
        let suspended = certificate(CertificateStatus::Suspended, "2023-05-01");
        assert_eq!(
            transition(&suspended, Transition::Reinstate, on).unwrap(),
            CertificateStatus::Active
        );
        let revoked = certificate(CertificateStatus::Revoked, "2023-05-01");
        for t in [
            Transition::Suspend,
            Transition::Reinstate,
            Transition::Revoke,
            Transition::Expire,
        ] {
            assert_eq!(
                transition(&revoked, t, on).unwrap_err().kind,
                ErrorKind::FailedPrecondition
            );
        }
    }

    #[test]
    fn leaving_the_post_cancels_each_certificate_in_force_and_no_other() {
        let on = day("2024-05-01");
        let active = certificate(CertificateStatus::Active, "2021-03-01");
        let suspended = Certificate {
            id: "c2".into(),
            ..certificate(CertificateStatus::Suspended, "2023-12-20")
        };
        let lapsed = Certificate {
            id: "c3".into(),
            valid_until: day("2024-04-30"),
            ..certificate(CertificateStatus::Active, "2019-05-01")
        };
        let revoked = Certificate {
            id: "c4".into(),
            ..certificate(CertificateStatus::Revoked, "2022-01-01")
        };
        let all = [active, suspended, lapsed, revoked];
        let ended: Vec<(&str, CertificateStatus)> = leave_post(&all, on)
            .into_iter()
            .map(|(c, status)| (c.id.as_str(), status))
            .collect();
        assert_eq!(
            ended,
            [
                ("c1", CertificateStatus::Cancelled),
                ("c2", CertificateStatus::Cancelled)
            ]
        );
    }

    #[test]
    fn a_certificate_is_held_by_its_dated_history_and_a_suspended_one_still_counts() {
        let c = certificate(CertificateStatus::Cancelled, "2024-06-01");
        let history = [
            (day("2021-03-01"), CertificateStatus::Active),
            (day("2023-12-20"), CertificateStatus::Suspended),
            (day("2024-02-10"), CertificateStatus::Active),
            (day("2024-06-01"), CertificateStatus::Cancelled),
        ];
        assert_eq!(
            holding_on(&c, &history, day("2021-02-28")),
            None,
            "before issue"
        );
        assert_eq!(
            holding_on(&c, &history, day("2023-12-31")),
            Some(Holding::Suspended),
            "suspended on the last day of 2023: still held"
        );
        assert_eq!(
            holding_on(&c, &history, day("2024-03-01")),
            Some(Holding::InGoodStanding),
            "reinstated"
        );
        assert_eq!(
            holding_on(&c, &history, day("2024-06-01")),
            None,
            "cancelled"
        );
        let lapsed = Certificate {
            status: CertificateStatus::Active,
            ..c.clone()
        };
        let active = [(day("2021-03-01"), CertificateStatus::Active)];
        assert_eq!(
            holding_on(&lapsed, &active, day("2026-03-01")),
            None,
            "past its validity, whatever its status says"
        );
    }

    #[test]
    fn a_cancelled_certificate_certifies_nobody_and_says_why() {
        let c = certificate(CertificateStatus::Cancelled, "2024-06-01");
        let history = vec![
            (day("2021-03-01"), CertificateStatus::Active),
            (day("2024-06-01"), CertificateStatus::Cancelled),
        ];
        let held = [(c, history)];
        assert!(certified_on(&held, day("2024-05-31"), &any()).is_ok());
        assert_eq!(
            certified_on(&held, day("2024-06-01"), &any()),
            Err(NotCertified::Cancelled)
        );
    }
}
